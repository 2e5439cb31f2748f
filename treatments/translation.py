"""Fields stored once per language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Disease, GlossaryTerm, SideEffect, Therapy, TherapySideEffect, TreatmentStep


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
