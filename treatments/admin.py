from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from .models import SideEffect, Source, Therapy, TherapySideEffect, TreatmentStep


class TreatmentStepInline(TranslationTabularInline):
    model = TreatmentStep
    extra = 0


class TherapySideEffectInline(TranslationTabularInline):
    model = TherapySideEffect
    extra = 0
    autocomplete_fields = ["side_effect"]


@admin.register(Therapy)
class TherapyAdmin(TabbedTranslationAdmin):
    list_display = ["name", "family", "status", "reviewed_on", "next_review_due"]
    list_filter = ["status", "family"]
    search_fields = ["key", "name_fr", "name_en", "summary_fr", "summary_en"]
    filter_horizontal = ["sources"]
    inlines = [TreatmentStepInline, TherapySideEffectInline]


@admin.register(SideEffect)
class SideEffectAdmin(TabbedTranslationAdmin):
    list_display = ["name", "key"]
    search_fields = ["key", "name_fr", "name_en"]
    filter_horizontal = ["sources"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "year", "language"]
    search_fields = ["title", "publisher", "url"]
