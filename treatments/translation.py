"""Fields stored once per language (django-modeltranslation), and the history
of every content model (django-simple-history), registered after the
translations so that the history holds each language's fields."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import (
    Article,
    CareService,
    Disease,
    Figure,
    GlossaryTerm,
    SideEffect,
    SideEffectSign,
    StaffProfile,
    Symptom,
    SymptomContext,
    Therapy,
    TherapySideEffect,
    TreatmentStep,
    content_models,
)


class PageOptions(TranslationOptions):
    # A missing translation is stored as NULL, never '': slugs are unique per language.
    empty_values = {"slug": None}


@register(Therapy)
class TherapyOptions(PageOptions):
    fields = (
        "name", "slug", "summary", "key_points", "key_points_html", "body", "body_html",
        "daily_life", "daily_life_html",
    )  # fmt: skip


@register(SideEffect)
class SideEffectOptions(PageOptions):
    fields = (
        "name", "slug", "summary", "key_points", "key_points_html", "body", "body_html",
        "self_care", "self_care_html",
    )  # fmt: skip


@register(TreatmentStep)
class TreatmentStepOptions(TranslationOptions):
    fields = ("title", "duration", "body", "body_html")


@register(TherapySideEffect)
class TherapySideEffectOptions(TranslationOptions):
    fields = ("duration", "figure", "notes")


@register(Disease)
class DiseaseOptions(PageOptions):
    fields = ("name", "slug", "summary", "key_points", "key_points_html", "body", "body_html")


@register(Article)
class ArticleOptions(PageOptions):
    fields = ("name", "slug", "summary", "key_points", "key_points_html", "body", "body_html")


@register(GlossaryTerm)
class GlossaryTermOptions(PageOptions):
    fields = ("name", "slug", "definition", "definition_html", "aliases")


@register(CareService)
class CareServiceOptions(TranslationOptions):
    fields = ("name", "address", "day_hospital_hours", "after_hours")


@register(Figure)
class FigureOptions(TranslationOptions):
    fields = ("alt", "caption", "credit")
    # A figure is shown in both languages: its words are required in each.
    required_languages = {"fr": ("alt", "caption", "credit"), "en": ("alt", "caption")}


@register(Symptom)
class SymptomOptions(TranslationOptions):
    fields = ("name", "threshold", "what_to_do")


@register(SymptomContext)
class SymptomContextOptions(TranslationOptions):
    fields = ("note",)


@register(SideEffectSign)
class SideEffectSignOptions(TranslationOptions):
    fields = ("note",)


@register(StaffProfile)
class StaffProfileOptions(TranslationOptions):
    fields = ("qualification",)


def _not_in_history(model):
    """The *_html columns are rendered again on save, and which live version a
    working version has is publishing's business, never restored from history.
    The per-language slugs are left out too: modeltranslation would copy their
    constraints into the history table."""
    return [
        field.name
        for field in model._meta.fields
        if "_html" in field.name
        or field.name.startswith("slug_")
        or field.name in ("is_live", "live_version")
    ]


for history_model in content_models():
    simple_history.register(
        history_model,
        excluded_fields=_not_in_history(history_model),
        # A link with its own rows (a side effect's signs and their notes) is a child
        # relation, as a treatment's steps are: not in the links' history.
        m2m_fields=[
            field.name
            for field in history_model._meta.local_many_to_many
            if field.remote_field.through._meta.auto_created
        ],
    )
