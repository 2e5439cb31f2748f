"""The staff's admin: both languages side by side in tabs, history of every
change, the review workflow of treatments, and roles (roles.py)."""

import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    LANGUAGE_CODES,
    Disease,
    GlossaryTerm,
    SideEffect,
    Source,
    Status,
    SynonymGroup,
    Therapy,
    TherapySideEffect,
    TreatmentStep,
)
from .roles import can_publish, is_translator
from .views import DiseasePreviewView, SideEffectPreviewView, TherapyPreviewView

REVIEW_PERIOD = datetime.timedelta(days=365)


def written_fields(model):
    """A model's translated fields that people write (name, body...), not the
    rendered *_html ones."""
    return [f for f in translator.get_options_for_model(model).fields if not f.endswith("_html")]


def translated_text_fields(model):
    """Their localized names: name_fr, name_en, body_fr..."""
    return [
        build_localized_fieldname(field, language)
        for field in written_fields(model)
        for language in LANGUAGE_CODES
    ]


def missing_translation(model, language):
    """Objects with a field written in another language but empty in `language`."""
    missing = Q()
    for field in written_fields(model):
        empty = Q(**{f"{field}_{language}__isnull": True}) | Q(**{f"{field}_{language}": ""})
        for other in LANGUAGE_CODES:
            if other != language:
                missing |= Q(**{f"{field}_{other}__gt": ""}) & empty
    return missing


class TranslatorsSeeTextOnly:
    """Translators may change the French and English texts, nothing else."""

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if is_translator(request.user):
            # Texts stay: their languages (name_fr, name_en) and the original
            # field they translate (name), which modeltranslation replaces.
            texts = {*translated_text_fields(self.model), *written_fields(self.model)}
            excluded += [
                field.name
                for field in self.model._meta.get_fields()
                if getattr(field, "editable", False)
                and (field.concrete or field.many_to_many)
                and not field.auto_created
                and field.name not in texts
                and not field.name.endswith("_html")
                and "_html_" not in field.name
            ]
        return excluded

    # *args: ModelAdmin's has_add_permission takes (request), an inline's (request, obj).
    def has_add_permission(self, request, *args):
        return not is_translator(request.user) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, *args):
        return not is_translator(request.user) and super().has_delete_permission(request, *args)


class ContentAdmin(TranslatorsSeeTextOnly, SimpleHistoryAdmin, TabbedTranslationAdmin):
    pass


class ContentInline(TranslatorsSeeTextOnly, TranslationStackedInline):
    extra = 0


class TreatmentStepInline(ContentInline):
    model = TreatmentStep


class TherapySideEffectInline(ContentInline):
    model = TherapySideEffect

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("side_effect", "therapy")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "side_effect":
            # One query for every row's list of side effects, not one a row.
            if not hasattr(request, "_side_effect_choices"):
                request._side_effect_choices = list(field.choices)
            field.choices = request._side_effect_choices
        return field


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = _("medical review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", _("overdue (more than 12 months)")), ("due", _("up to date"))]

    def queryset(self, request, queryset):
        limit = timezone.localdate() - REVIEW_PERIOD
        overdue = Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=limit)
        if self.value() == "overdue":
            return queryset.filter(overdue)
        if self.value() == "due":
            return queryset.exclude(overdue)
        return queryset


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            (language, _("missing in %(language)s") % {"language": name})
            for language, name in model_admin.language_names()
        ]

    def queryset(self, request, queryset):
        if self.value() not in LANGUAGE_CODES:
            return queryset
        return queryset.filter(missing_translation(queryset.model, self.value()))


class TranslationColumns:
    @admin.display(boolean=True, description=_("translated"))
    def is_fully_translated(self, obj):
        """Every written field is filled in all languages, or in none."""
        return all(
            len({bool(getattr(obj, f"{field}_{language}")) for language in LANGUAGE_CODES}) == 1
            for field in written_fields(type(obj))
        )

    @staticmethod
    def language_names():
        return settings.LANGUAGES


class ReviewWorkflow:
    """Draft → in review → published, for every kind of page. Only medical
    reviewers publish; publishing records who reviewed and when; a change by
    anyone else to a published page sends it back to review."""

    actions = ["submit_for_review", "publish"]

    @admin.display(boolean=True, description=_("review overdue"))
    def review_overdue(self, page):
        return not page.reviewed_on or page.reviewed_on < (timezone.localdate() - REVIEW_PERIOD)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        status = form.base_fields.get("status")
        if status is not None and not can_publish(request.user):
            # Editors choose draft or review; a crafted "published" is an invalid choice.
            status.choices = [c for c in status.choices if c[0] != Status.PUBLISHED]
        return form

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "reviewed_on", "reviewed_by"]
        if obj and obj.status == Status.PUBLISHED and not can_publish(request.user):
            readonly.append("status")  # only a reviewer takes a page off or puts it back
        return readonly

    def save_model(self, request, page, form, change):
        if page.status == Status.PUBLISHED and can_publish(request.user):
            self.record_review(request, page)
        super().save_model(request, page, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        page = form.instance
        changed = form.has_changed() or any(formset.has_changed() for formset in formsets)
        if page.status == Status.PUBLISHED and changed and not can_publish(request.user):
            # Unreviewed text never reaches patients: back to review, off the site.
            page.status = Status.IN_REVIEW
            page.save(update_fields=["status"])
            messages.warning(
                request,
                _("Your changes are saved and sent for medical review: a reviewer must "
                  "publish them before patients see the page again."),
            )  # fmt: skip

    @staticmethod
    def record_review(request, page):
        today = timezone.localdate()
        page.reviewed_on = today
        page.reviewed_by = request.user.get_full_name() or request.user.get_username()
        page.next_review_due = today + REVIEW_PERIOD

    @admin.action(description=_("Submit for medical review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        count = 0
        for page in queryset.filter(status=Status.DRAFT):
            page.status = Status.IN_REVIEW
            page.save()
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d page sent for review.", "%(count)d pages sent for review.", count)
            % {"count": count},
        )

    @admin.action(description=_("Publish (medical review done)"), permissions=["publish"])
    def publish(self, request, queryset):
        for page in queryset:
            page.status = Status.PUBLISHED
            self.record_review(request, page)
            page.save()
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(count)d page published.", "%(count)d pages published.", count)
            % {"count": count},
        )

    def has_publish_permission(self, request):
        return can_publish(request.user)

    # The page as patients will see it, for staff, whatever its status.
    preview_view_class = None
    change_form_template = "admin/treatments/change_form.html"

    def get_urls(self):
        if self.preview_view_class is None:
            return super().get_urls()
        preview = self.admin_site.admin_view(self.preview_view)
        name = f"treatments_{self.model._meta.model_name}_preview"
        return [path("<int:pk>/preview/<str:language>/", preview, name=name), *super().get_urls()]

    def preview_view(self, request, pk, language):
        if language not in LANGUAGE_CODES:
            raise Http404("No such language.")
        if not self.has_view_permission(request):
            raise PermissionDenied
        with translation.override(language):
            return self.preview_view_class.as_view()(request, pk=pk).render()

    def render_change_form(self, request, context, *args, **kwargs):
        if self.preview_view_class is not None:
            context["preview_url_name"] = f"admin:treatments_{self.model._meta.model_name}_preview"
        return super().render_change_form(request, context, *args, **kwargs)


@admin.register(Therapy)
class TherapyAdmin(ReviewWorkflow, TranslationColumns, ContentAdmin):
    list_display = [
        "name", "family", "status", "reviewed_on", "reviewed_by", "review_overdue",
        "is_fully_translated",
    ]  # fmt: skip
    list_filter = ["status", ReviewOverdueFilter, MissingTranslationFilter, "family"]
    search_fields = ["key", "name_fr", "name_en", "summary_fr", "summary_en", "body_fr", "body_en"]
    filter_horizontal = ["sources"]
    inlines = [TreatmentStepInline, TherapySideEffectInline]
    preview_view_class = TherapyPreviewView


REVIEW_COLUMNS = ["status", "reviewed_on", "review_overdue", "is_fully_translated"]
REVIEW_FILTERS = ["status", ReviewOverdueFilter, MissingTranslationFilter]


@admin.register(SideEffect)
class SideEffectAdmin(ReviewWorkflow, TranslationColumns, ContentAdmin):
    preview_view_class = SideEffectPreviewView
    list_display = ["name", "key", *REVIEW_COLUMNS]
    list_filter = REVIEW_FILTERS
    search_fields = ["key", "name_fr", "name_en", "summary_fr", "summary_en"]
    filter_horizontal = ["sources"]


@admin.register(Disease)
class DiseaseAdmin(ReviewWorkflow, TranslationColumns, ContentAdmin):
    preview_view_class = DiseasePreviewView
    list_display = ["name", "order", *REVIEW_COLUMNS]
    list_filter = REVIEW_FILTERS
    search_fields = ["key", "name_fr", "name_en"]
    filter_horizontal = ["therapies", "sources"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ReviewWorkflow, TranslationColumns, ContentAdmin):
    list_display = ["name", "key", *REVIEW_COLUMNS]
    list_filter = REVIEW_FILTERS
    search_fields = ["key", "name_fr", "name_en", "aliases_fr", "aliases_en"]


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "publisher", "year", "language"]
    list_filter = ["language", "publisher"]
    search_fields = ["title", "publisher", "url"]


@admin.register(SynonymGroup)
class SynonymGroupAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "language"]
    list_filter = ["language"]
    search_fields = ["terms"]
