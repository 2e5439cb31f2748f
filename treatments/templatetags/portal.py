import re
from html import unescape

from django import template
from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, override

from ..glossary import link_glossary_terms
from ..markdown import french_typography
from ..models import GlossaryTerm

register = template.Library()


def _same_page_url(request, language: str) -> str:
    """The address of the page being shown, in `language`; its home page when
    the address means nothing there (a 404 page, for one)."""
    try:
        resolve(request.path_info)
    except Resolver404:
        with override(language):
            return reverse("treatments:home")
    return translate_url(request.path, language)


@register.simple_tag(takes_context=True)
def alternates(context):
    """The same page in each language it really exists in: for the language
    switcher and the hreflang links. A page about an object links to the
    object's own slug in each language (its view's get_translated_url);
    other pages translate their URL. The query string is kept."""
    request = context["request"]
    page_object = context.get("translated_object")
    current = get_language()
    try:
        query = f"?{request.GET.urlencode()}" if request.GET else ""
    except TooManyFieldsSent:  # the 400 page of that very request: keep no query
        query = ""
    links = []
    for code, _name in settings.LANGUAGES:
        if page_object is not None:
            if not page_object.is_translated(code):
                continue
            with override(code):
                url = context["view"].get_translated_url() + query
        else:
            url = _same_page_url(request, code) + query
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                # Lazy: the 400 page of a request whose host is not allowed never asks.
                "absolute_url": lazy(request.build_absolute_uri, str)(url),
                "is_current": code == current,
            }
        )
    return links


@register.filter
def typography(text, language=None):
    """French non-breaking spaces for plain text shown in a French page."""
    if (language or get_language()) == "fr" and text:
        return french_typography(str(text))
    return text


_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@register.filter
def h2_headings(html):
    """[(id, text)] of the second-level headings of rendered Markdown, for
    the "on this page" list."""
    return [(anchor, unescape(_TAG.sub("", text))) for anchor, text in _H2.findall(html or "")]


@register.simple_tag(takes_context=True)
def with_glossary(context, html):
    """A page's article HTML with the first use of each published glossary
    term explained. Linked when the page is rendered, never stored: a changed
    definition shows at the next request, a withdrawn term is linked nowhere.
    The glossary is read once a request."""
    request = context["request"]
    language = get_language()
    cache = request.__dict__.setdefault("_glossary_entries", {})
    if language not in cache:
        cache[language] = GlossaryTerm.objects.for_linking(language)
    return mark_safe(link_glossary_terms(html, cache[language]))  # noqa: S308 — sanitised HTML


@register.filter
def triage_for(symptom, therapy_key=None):
    """`{% with sign=symptom|triage_for:therapy.key %}`: Symptom.for_therapy."""
    return symptom.for_therapy(therapy_key)
