"""The translation memory, read-only, and the translation status page, for staff."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .models import SegmentTranslation
from .status import translation_status


@admin.register(SegmentTranslation)
class SegmentTranslationAdmin(admin.ModelAdmin):
    """Every staff member may read the memory and the status (they hold only
    published-to-be text); only import_content_po writes the memory."""

    list_display = ["context", "language", "source", "translation", "updated_at"]
    list_filter = ["language"]
    search_fields = ["context", "source", "translation"]
    change_list_template = "content_translation/segmenttranslation_change_list.html"

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        status = path(
            "status/",
            self.admin_site.admin_view(self.status_view),
            name="content_translation_status",
        )
        return [status, *super().get_urls()]

    def status_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Translation status"),
            "opts": self.model._meta,
            "report": translation_status(),
        }
        return TemplateResponse(request, "content_translation/status.html", context)
