import functools
import re
from html import unescape

from django import template
from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, override

from ..cache import VersionMemo, canonical_query, is_incomplete, per_content_version
from ..figures import figure_markup, has_figures, place_figures
from ..glossary import link_glossary_terms
from ..markdown import french_typography
from ..models import Figure, GlossaryTerm

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


# Lazy: the 400 page of a request whose host is not allowed never asks. Made once: lazy()
# makes a class at each call.
_absolute_url = lazy(lambda request, url: request.build_absolute_uri(url), str)


@register.simple_tag(takes_context=True)
def alternates(context):
    """The same page in each language it really exists in: for the language
    switcher and the hreflang links. A page about an object links to the
    object's own slug in each language (its view's get_translated_url: the same
    view with the object's slug in that language); other pages translate their
    URL. The query string is kept."""
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
                "absolute_url": _absolute_url(request, url),
                "is_current": code == current,
            }
        )
    return links


@register.simple_tag
def application_url(name):
    """The address of a page only the application can answer (a search, a form): on
    DJANGO_APPLICATION_ORIGIN when a baked copy serves the other pages elsewhere."""
    return settings.APPLICATION_ORIGIN + reverse(name)


@register.filter
def typography(text, language=None):
    """French non-breaking spaces for plain text shown in a French page."""
    if (language or get_language()) == "fr" and text:
        text = str(text)
        return _short_typography(text) if len(text) <= SHORT_TEXT else french_typography(text)
    return text


# Names, thresholds and notes come back on page after page (a sign in every row of a
# guide): the typography of texts this short is kept, a few MB at most.
SHORT_TEXT = 1000
_short_typography = functools.lru_cache(maxsize=4096)(french_typography)


_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@register.filter
def h2_headings(html):
    """[(id, text)] of the second-level headings of rendered Markdown, for
    the "on this page" list. Read from the stored HTML, not from the Markdown's
    table of contents: the HTML has the French typography and only the ids the
    sanitiser kept."""
    return [(anchor, unescape(_TAG.sub("", text))) for anchor, text in _H2.findall(html or "")]


@per_content_version
def published_glossary(language):
    return tuple(GlossaryTerm.objects.for_linking(language))


@per_content_version
def _with_published_glossary(html, language):
    """An article's HTML linked to the glossary: once per content version, as the
    glossary itself (a linked body is a few tens of kB; a process keeps one per page)."""
    return link_glossary_terms(html, published_glossary(language))


@register.simple_tag(takes_context=True)
def with_glossary(context, html):
    """A page's article HTML with the first use of each published glossary
    term explained. Linked when the page is rendered, never stored: a changed
    definition shows at the next request, a withdrawn term is linked nowhere.
    The glossary is read, and a published page linked, once per content version
    and language, in each process (a staff preview is linked each time)."""
    language = get_language()
    request = context["request"]
    if context.get("preview"):
        html = link_glossary_terms(html, published_glossary(language, request=request))
    else:
        html = _with_published_glossary(html, language, request=request)
    if has_figures(html):
        html = place_figures(html, _page_figures(context, language))
    return mark_safe(html)  # noqa: S308 — sanitised HTML and escaped figure markup


def _page_figures(context, language) -> dict:
    """{key: markup} of the figures a page may show: the published ones, read once per
    content version and language in each process; in a staff preview the working ones,
    as they will be once published (one query, however many figures)."""
    if context.get("preview"):
        return _figure_markups(Figure.objects.working(), language)
    return _published_figures(language, request=context["request"])


def _figure_markups(figures, language) -> dict:
    figures = figures.select_related("image_fr", "image_en").defer(
        "image_fr__data", "image_en__data"
    )
    return {figure.key: figure_markup(figure, language) for figure in figures}


@per_content_version
def _published_figures(language) -> dict:
    return _figure_markups(Figure.objects.published(), language)


_kept_fragments = VersionMemo()


class _Incomplete(Exception):
    def __init__(self, html):
        self.html = html


class KeptPerVersionNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        live = getattr(context.get("view"), "live", False) is True and not context.get("preview")
        query = request and canonical_query(request.path_info, request.META.get("QUERY_STRING"))
        if not live or query is None:
            return self.nodelist.render(context)
        page = context.get("translated_object")
        key = (
            context.template.name,  # the page's own template: a treatment, its guide...
            page and (page._meta.label, page.pk),
            context.get("content_language"),
            context.get("LANGUAGE_CODE"),
            query,  # only the parameters the page reads, canonical: junk keeps nothing new
        )

        def render():
            html = self.nodelist.render(context)
            if is_incomplete(request):
                raise _Incomplete(html)
            return html

        try:
            return _kept_fragments.get(key, render, request)
        except _Incomplete as incomplete:
            return incomplete.html


@register.tag
def kept_per_version(parser, token):
    """{% kept_per_version %}...{% endkept_per_version %}: the part of a published page that
    depends on nothing but the content version, the page's object, the languages and the
    parameters the page reads (its article, a list), rendered once per content version in
    each process, as the objects it shows are read once. Most of a page's rendering: a page
    not in the page cache then costs the layout around it. A staff preview, and a page
    rendered while a read failed, are rendered each time."""
    nodelist = parser.parse(("endkept_per_version",))
    parser.delete_first_token()
    return KeptPerVersionNode(nodelist)


@register.simple_tag
def frequency(row):
    """How often a treatment's side effect happens: its word, after a scale drawn by CSS."""
    return format_html(
        '<span class="frequency--{}"><span class="frequency__scale" aria-hidden="true"></span>'
        "{}</span>",
        row.frequency,
        row.get_frequency_display(),
    )


@register.simple_tag
def triage(symptom, therapy_key=None, side_effect=None):
    """`{% triage symptom therapy.key side_effect as sign %}`: Symptom.for_therapy."""
    return symptom.for_therapy(therapy_key, side_effect or None)
