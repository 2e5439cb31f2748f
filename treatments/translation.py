"""Fields stored once per language (django-modeltranslation), and the history
of every content model (django-simple-history), registered after the
translations so that the history holds each language's fields."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import (
    Disease,
    GlossaryTerm,
    SideEffect,
    Source,
    SynonymGroup,
    Therapy,
    TherapySideEffect,
    TreatmentStep,
)


class PageOptions(TranslationOptions):
    # A missing translation is stored as NULL, never '': slugs are unique per language.
    empty_values = {"slug": None}


@register(Therapy)
class TherapyOptions(PageOptions):
    fields = (
        "name", "slug", "summary", "body", "body_html", "daily_life", "daily_life_html",
        "warning_signs", "warning_signs_html",
    )  # fmt: skip


@register(SideEffect)
class SideEffectOptions(PageOptions):
    fields = (
        "name", "slug", "summary", "body", "body_html",
        "self_care", "self_care_html", "warning_signs", "warning_signs_html",
    )  # fmt: skip


@register(TreatmentStep)
class TreatmentStepOptions(TranslationOptions):
    fields = ("title", "duration", "body", "body_html")


@register(TherapySideEffect)
class TherapySideEffectOptions(TranslationOptions):
    fields = ("duration", "figure", "notes")


@register(Disease)
class DiseaseOptions(PageOptions):
    fields = ("name", "slug", "summary", "body", "body_html")


@register(GlossaryTerm)
class GlossaryTermOptions(PageOptions):
    fields = ("name", "slug", "definition", "definition_html", "aliases")


def _not_in_history(model):
    """The *_html columns are rendered again on save. The per-language slugs are
    left out too: modeltranslation would copy their unique constraint into the
    history table (one slug could then be saved only once)."""
    return [
        field.name
        for field in model._meta.fields
        if "_html" in field.name or field.name.startswith("slug_")
    ]


for history_model, m2m in [
    (Therapy, ["sources"]),
    (TreatmentStep, []),
    (TherapySideEffect, []),
    (SideEffect, ["sources"]),
    (Disease, ["therapies", "sources"]),
    (GlossaryTerm, []),
    (Source, []),
    (SynonymGroup, []),
]:
    simple_history.register(
        history_model, excluded_fields=_not_in_history(history_model), m2m_fields=m2m
    )
