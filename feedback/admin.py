"""What visitors answered, for staff: counts per page and language above the list, the
comments (escaped as text by the admin, like every value it shows), a CSV export.
Answers are read, never edited; only administrators delete them."""

import csv

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from .models import Answer

# A cell a spreadsheet would run as a formula ("=HYPERLINK(...)") is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def summary(answers):
    """[{kind, key, language, yes, no, comments}] per page and language."""
    return (
        answers.order_by()
        .values("kind", "key", "language")
        .annotate(
            yes=Count("id", filter=Q(helpful=True)),
            no=Count("id", filter=Q(helpful=False)),
            comments=Count("id", filter=~Q(comment="")),
        )
        .order_by("kind", "key", "language")
    )


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["day", "page", "language", "helpful", "comment"]
    list_filter = ["helpful", "language", "kind", "day"]
    search_fields = ["key", "comment"]
    fields = ["day", "kind", "key", "language", "helpful", "comment"]
    readonly_fields = fields
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("page"), ordering="key")
    def page(self, answer):
        return answer.page

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:  # the counts of what the filters select
            response.context_data["summary"] = summary(changelist.queryset)
        return response

    @admin.action(description=_("Export the selected answers as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="feedback.csv"'
        response.write("\ufeff")  # so that spreadsheets read it as UTF-8
        writer = csv.writer(response)
        writer.writerow([Answer._meta.get_field(name).verbose_name for name in self.fields])
        for answer in queryset.order_by("day", "id"):
            writer.writerow(
                [
                    answer.day.isoformat(),
                    answer.kind,
                    answer.key,
                    answer.language,
                    "yes" if answer.helpful else "no",
                    spreadsheet_text(answer.comment),
                ]
            )
        return response
