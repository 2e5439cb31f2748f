"""The staff's admin: both languages side by side in tabs, history of every
change, the review workflow of treatments, and roles (roles.py)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname
from simple_history.admin import SimpleHistoryAdmin

from . import figures, publishing
from .diff import version_diff
from .limits import validate_markdown, validate_markdown_length
from .models import (
    LANGUAGE_CODES,
    Article,
    CareService,
    Disease,
    Figure,
    FigureFile,
    GlossaryTerm,
    SideEffect,
    SideEffectSign,
    Source,
    StaffProfile,
    Status,
    Symptom,
    SymptomContext,
    SynonymGroup,
    Therapy,
    TherapySideEffect,
    TreatmentStep,
    translated_fields,
)
from .roles import is_translator
from .views import ArticlePreviewView, DiseasePreviewView, SideEffectPreviewView, TherapyPreviewView


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


class LimitedTexts:
    """Texts longer than the content files and the PO import accept are refused
    here too, with a message (limits.py), and so are images that are not our
    figures (figures.validate_markdown_images)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and formfield is not None:
            name = getattr(db_field, "translated_field", db_field).name  # body_fr: body
            markdown = name in getattr(db_field.model, "markdown_fields", ())
            formfield.validators.append(validate_markdown if markdown else validate_markdown_length)
            formfield.validators.append(figures.validate_markdown_images)
        return formfield


class ContentAdmin(
    LimitedTexts, TranslatorsSeeTextOnly, SimpleHistoryAdmin, TabbedTranslationAdmin
):
    pass


class ContentInline(LimitedTexts, TranslatorsSeeTextOnly, TranslationStackedInline):
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
        return [("overdue", _("overdue or never done")), ("due", _("up to date"))]

    def queryset(self, request, queryset):
        overdue = queryset.review_overdue()
        if self.value() == "overdue":
            return overdue
        if self.value() == "due":
            return queryset.exclude(pk__in=overdue.values("pk"))
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


def restore_fields_not_in_form(obj, form) -> bool:
    """A save changes only what its form showed. The rest (the review record,
    the live version, what a translator may not change, a read-only key) is
    taken from the database, also when History hands an old version to the form.
    Returns whether the object now differs from the database."""
    stored = type(obj).objects.get(pk=obj.pk)
    originals = translated_fields(type(obj))
    differs = False
    for model_field in type(obj)._meta.concrete_fields:
        name = model_field.name
        if name in originals or model_field.primary_key:
            continue
        if name not in form.base_fields:
            setattr(obj, model_field.attname, getattr(stored, model_field.attname))
        elif getattr(obj, model_field.attname) != getattr(stored, model_field.attname):
            differs = True
    return differs


class ReviewWorkflow:
    """Draft, then in review, then published, for every kind of content.

    The admin edits working versions only; patients read live versions, which
    only publishing.publish() writes: from this admin's publish page, after the
    reviewer has seen what changes in both languages. A change saved to a
    published page leaves it online, unchanged, and sends the change for review."""

    actions = ["submit_for_review", "publish_selected", "withdraw"]
    change_form_template = "admin/treatments/change_form.html"
    # The page as patients will see it, for staff, whatever its status.
    preview_view_class = None

    def get_queryset(self, request):
        return super().get_queryset(request).working().select_related("reviewed_by")

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "status", "review", "online"]
        if obj is not None:
            readonly.append("key")  # imports and exports match on it
        return readonly

    @admin.display(description=_("medical review"))
    def review(self, page):
        if page.review is None:
            return _("pending")
        return _("%(date)s by %(name)s, %(qualification)s") % {
            "date": date_format(page.reviewed_on),
            "name": page.review.name,
            "qualification": page.review.qualification,
        }

    @admin.display(boolean=True, description=_("on the site"))
    def online(self, page):
        return page.live_version_id is not None

    @admin.display(boolean=True, description=_("review overdue"))
    def review_overdue(self, page):
        return page.is_review_overdue()

    def save_model(self, request, obj, form, change):
        differs = change and restore_fields_not_in_form(obj, form)
        super().save_model(request, obj, form, change)
        if differs:  # also History's form, which saves no inlines
            publishing.changed(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        page = form.instance
        changed = form.has_changed() or any(formset.has_changed() for formset in formsets)
        if changed:
            publishing.changed(page)
        if "_send_for_review" in request.POST and page.status == Status.DRAFT:
            page.status = Status.IN_REVIEW
            page.save(update_fields=["status"])
        if page.live_version_id and changed:
            messages.info(
                request,
                _("Your changes are saved. Patients keep reading the published version "
                  "until a medical reviewer publishes your changes."),
            )  # fmt: skip

    def response_change(self, request, obj):
        if "_review_and_publish" in request.POST:
            return HttpResponseRedirect(self.publish_url(obj))
        return super().response_change(request, obj)

    def publish_url(self, obj):
        return reverse(f"admin:{self.url_name('publish')}", args=[obj.pk])

    def url_name(self, view):
        return f"treatments_{self.model._meta.model_name}_{view}"

    @admin.action(description=_("Submit for medical review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        count = queryset.filter(status=Status.DRAFT).update(status=Status.IN_REVIEW)
        self.message_user(
            request,
            ngettext("%(count)d page sent for review.", "%(count)d pages sent for review.", count)
            % {"count": count},
        )

    @admin.action(description=_("Publish (after reading the changes)"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        """Shows what publishing changes in every selected page, then publishes
        them when the reviewer confirms."""
        pages = list(queryset)
        if request.POST.get("confirmed") == "yes":
            self.publish_pages(request, pages)
            return None
        return self.render_publish_page(request, pages, action=True)

    @admin.action(description=_("Withdraw from the site"), permissions=["publish"])
    def withdraw(self, request, queryset):
        count = sum(publishing.withdraw(page) for page in queryset)
        self.message_user(
            request,
            ngettext("%(count)d page taken off the site.", "%(count)d pages taken off the site.",
                     count) % {"count": count},
        )  # fmt: skip

    def has_publish_permission(self, request, obj=None):
        return publishing.can_publish(request.user)

    def publish_pages(self, request, pages):
        for page in pages:
            try:
                publication = publishing.publish(page, request.user)
            except publishing.PublishError as error:
                self.message_user(request, str(error), messages.ERROR)
                return False
            self.message_user(request, _("“%(page)s” is published.") % {"page": page})
            if publication.not_linked:
                names = ", ".join(sorted({str(target) for target in publication.not_linked}))
                self.message_user(
                    request,
                    _("Not shown on “%(page)s” until they are published: %(names)s.")
                    % {"page": page, "names": names},
                    messages.WARNING,
                )
        return True

    def publish_view(self, request, pk):
        """What publishing this page changes, in both languages; POST publishes."""
        page = self.get_object(request, str(pk))
        if page is None:
            raise Http404("No such page.")
        if not self.has_view_permission(request, page):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_publish_permission(request):
                raise PermissionDenied
            self.publish_pages(request, [page])
            return HttpResponseRedirect(reverse(f"admin:{self.url_name('change')}", args=[page.pk]))
        return self.render_publish_page(request, [page], action=False)

    def render_publish_page(self, request, pages, action):
        reviewer_problem = publishing.reviewer_problem(request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review and publish"),
            "opts": self.model._meta,
            "pages": [(page, *version_diff(page)) for page in pages],
            "action": action,
            "reviewer_problem": reviewer_problem,
        }
        return TemplateResponse(request, "admin/treatments/publish.html", context)

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name=self.url_name("publish"),
            )
        ]
        if self.preview_view_class is not None:
            preview = self.admin_site.admin_view(self.preview_view)
            urls.append(
                path("<int:pk>/preview/<str:language>/", preview, name=self.url_name("preview"))
            )
        return [*urls, *super().get_urls()]

    def preview_view(self, request, pk, language):
        if language not in LANGUAGE_CODES:
            raise Http404("No such language.")
        if not self.has_view_permission(request):
            raise PermissionDenied
        with translation.override(language):
            return self.preview_view_class.as_view()(request, pk=pk).render()

    def render_change_form(self, request, context, *args, **kwargs):
        if self.preview_view_class is not None:
            context["preview_url_name"] = f"admin:{self.url_name('preview')}"
        context["publish_url_name"] = f"admin:{self.url_name('publish')}"
        return super().render_change_form(request, context, *args, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """History's form: an old version becomes the working version, never
        the live one; and it saves nothing for someone who may only view."""
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Therapy)
class TherapyAdmin(ReviewWorkflow, TranslationColumns, ContentAdmin):
    list_display = [
        "name", "family", "status", "online", "review", "review_overdue", "is_fully_translated",
    ]  # fmt: skip
    list_filter = ["status", ReviewOverdueFilter, MissingTranslationFilter, "family"]
    search_fields = ["key", "name_fr", "name_en", "summary_fr", "summary_en", "body_fr", "body_en"]
    filter_horizontal = ["signs", "sources"]
    inlines = [TreatmentStepInline, TherapySideEffectInline]
    preview_view_class = TherapyPreviewView


REVIEW_COLUMNS = ["status", "online", "review", "review_overdue", "is_fully_translated"]
REVIEW_FILTERS = ["status", ReviewOverdueFilter, MissingTranslationFilter]


class SideEffectSignInline(ContentInline):
    """A side effect's warning signs: entries of the triage table, each with its note."""

    model = SideEffectSign


@admin.register(SideEffect)
class SideEffectAdmin(ReviewWorkflow, TranslationColumns, ContentAdmin):
    preview_view_class = SideEffectPreviewView
    list_display = ["name", "key", *REVIEW_COLUMNS]
    list_filter = REVIEW_FILTERS
    search_fields = ["key", "name_fr", "name_en", "summary_fr", "summary_en"]
    filter_horizontal = ["sources"]
    inlines = [SideEffectSignInline]


class SymptomContextInline(ContentInline):
    model = SymptomContext


@admin.register(Symptom)
class SymptomAdmin(ReviewWorkflow, TranslationColumns, ContentAdmin):
    """The triage table: one tier per symptom, under the same review rules."""

    list_display = ["name", "tier", "order", "on_every_page", *REVIEW_COLUMNS]
    list_filter = [*REVIEW_FILTERS, "tier", "on_every_page"]
    search_fields = ["key", "name_fr", "name_en", "threshold_fr", "threshold_en"]
    filter_horizontal = ["sources"]
    inlines = [SymptomContextInline]


@admin.register(Disease)
class DiseaseAdmin(ReviewWorkflow, TranslationColumns, ContentAdmin):
    preview_view_class = DiseasePreviewView
    list_display = ["name", "order", *REVIEW_COLUMNS]
    list_filter = REVIEW_FILTERS
    search_fields = ["key", "name_fr", "name_en"]
    filter_horizontal = ["therapies", "sources"]


@admin.register(Article)
class ArticleAdmin(ReviewWorkflow, TranslationColumns, ContentAdmin):
    preview_view_class = ArticlePreviewView
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
class SourceAdmin(ReviewWorkflow, LimitedTexts, SimpleHistoryAdmin):
    list_display = ["title", "publisher", "year", "language", "status", "online"]
    list_filter = ["language", "publisher"]
    search_fields = ["title", "publisher", "url"]


@admin.register(SynonymGroup)
class SynonymGroupAdmin(ReviewWorkflow, LimitedTexts, SimpleHistoryAdmin):
    list_display = ["__str__", "language", "status", "online"]
    list_filter = ["language"]
    search_fields = ["terms"]


@admin.register(CareService)
class CareServiceAdmin(ReviewWorkflow, ContentAdmin):
    """The one service's numbers: what a patient dials, so reviewed like a page."""

    list_display = ["name", "ward_phone", "status", "online"]

    def has_add_permission(self, request):
        exists = CareService.objects.working().exists()
        return not exists and super().has_add_permission(request)


class FigureImageField(forms.FileField):
    """An uploaded image, checked (figures.prepare) and stored by its hash; the
    figure's current image when nothing is uploaded."""

    widget = forms.FileInput(attrs={"accept": ".svg,.png,.jpg,.jpeg,.webp"})

    def clean(self, data, initial=None):
        if data in self.empty_values or data is False:
            if initial:
                return FigureFile.objects.defer("data").get(pk=initial)
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        try:
            if data.size > figures.MAX_FIGURE_BYTES:  # refused before it is read
                raise figures.FigureRefused(figures.too_large(data.size))
            prepared = figures.prepare(data.read(), data.name)
        except figures.FigureRefused as refused:
            raise forms.ValidationError(str(refused.args[0])) from None
        return figures.store(prepared)

    def has_changed(self, initial, data):
        return data not in (None, False, "")


@admin.register(Figure)
class FigureAdmin(ReviewWorkflow, TranslationColumns, ContentAdmin):
    """A figure: its image(s), alternative text and caption in both languages,
    credit and licence; reviewed and published like every page."""

    list_display = ["__str__", "key", "preview", *REVIEW_COLUMNS]
    list_filter = REVIEW_FILTERS
    search_fields = ["key", "alt_fr", "alt_en", "caption_fr", "caption_en"]
    filter_horizontal = ["sources"]
    readonly_fields = ["preview"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("image_fr", "image_en"):
            return FigureImageField(
                required=not db_field.blank,
                label=db_field.verbose_name.capitalize(),
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("image_fr", "image_en")
            .defer("image_fr__data", "image_en__data")
        )

    @admin.display(description=_("image"))
    def preview(self, figure):
        if figure is None or not figure.image_fr_id:
            return "—"
        images = [figure.image_fr, *([figure.image_en] if figure.image_en_id else [])]
        return format_html_join(
            " ",
            '<img src="{}" alt="{}" style="max-width:12rem;height:auto">',
            ((figures.file_url(image.name), figure.alt) for image in images),
        )


class StaffProfileInline(TranslationStackedInline):
    """The qualification a medical reviewer signs reviews with, in both languages."""

    model = StaffProfile
    can_delete = False


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
