from django import forms
from django.utils.translation import gettext_lazy as _

from treatments.models import Article, Disease, SideEffect, Therapy

from .models import COMMENT_MAX_LENGTH, PageKind

# Each kind of page: its model, and its address from the live object.
PAGES = {
    PageKind.THERAPY: (Therapy, Therapy.get_absolute_url),
    PageKind.GUIDE: (Therapy, Therapy.get_side_effects_url),
    PageKind.SIDE_EFFECT: (SideEffect, SideEffect.get_absolute_url),
    PageKind.DISEASE: (Disease, Disease.get_absolute_url),
    PageKind.ARTICLE: (Article, Article.get_absolute_url),
}


def find_page(kind: str, key: str):
    """(the live page's address in the active language, or None) for a kind and key."""
    model, address = PAGES[kind]
    found = model.objects.published().filter(key=key).first()
    return found and address(found)


class AnswerForm(forms.Form):
    page = forms.CharField(max_length=120)
    helpful = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))])
    comment = forms.CharField(required=False)
    # The honeypot: hidden from people by the style sheet, filled in by form-filling robots.
    website = forms.CharField(required=False)

    def clean_page(self):
        kind, _colon, key = self.cleaned_data["page"].partition(":")
        url = find_page(kind, key) if kind in PageKind.values else None
        if url is None:
            raise forms.ValidationError(_("This page does not exist."))
        self.page_url = url
        return kind, key

    def clean_comment(self):
        # Browsers send a textarea's line breaks as CRLF but count them as one character.
        comment = self.cleaned_data["comment"].replace("\r\n", "\n").replace("\r", "\n")
        if len(comment) > COMMENT_MAX_LENGTH:
            raise forms.ValidationError(
                _("Your comment is %(length)d characters long: %(limit)d at most, please."),
                params={"length": len(comment), "limit": COMMENT_MAX_LENGTH},
            )
        return comment
