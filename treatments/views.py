from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.csp import CSP
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView

from . import search, structured_data
from .cache import per_content_version
from .content import KEY_PATTERN
from .context_processors import live_service
from .models import (
    ONSET_TIMING,
    Action,
    Article,
    Disease,
    Family,
    FigureFile,
    GlossaryTerm,
    SideEffect,
    Symptom,
    Therapy,
    TherapySideEffect,
    Timing,
    TreatmentStep,
    page_url,
)

# The medical reviewer shown on a page, fetched with it.
REVIEWER = "reviewed_by__staff_profile"


def shown(queryset, *hidden, related=""):
    """Rows without what a page never shows: the `hidden` texts, and the Markdown patients
    read as HTML (but for what tells whether a row is translated: display_language() reads
    it); `related`: of the model reached through that lookup. What a page keeps per content
    version then holds little more than what it shows."""
    model = queryset.model
    for name in filter(None, related.split("__")):
        model = model._meta.get_field(name).related_model
    markdown = [name for name in model.markdown_fields if name not in model.required_translations]
    prefix = f"{related}__" if related else ""
    return queryset.defer(*(prefix + name for name in (*markdown, *hidden)))


def rendered(model) -> tuple[str, ...]:
    """A model's HTML made from Markdown: the texts only its own page shows."""
    return tuple(f"{name}_html" for name in model.markdown_fields)


THERAPY_ARTICLE = rendered(Therapy)


def published(model):
    """What patients see of a model: its live versions (and live rows)."""
    return model.objects.published()


def working(model):
    """What staff are writing: the working versions, for previews."""
    return model.objects.working()


class TranslatedObjectMixin:
    """A page about one translated object, found by its slug in the active language
    among the view's get_queryset() (which each view declares, from `published` versions;
    a preview passes `working`). Its context says in which language the text is shown
    (`content_language`: French where the translation is missing) and the object itself
    (`translated_object`): the `alternates` tag then asks get_translated_url() for the
    page's address in each language the object is translated into, for the language
    switcher and hreflang links."""

    live = True  # a published page; a staff preview (PreviewMixin) is not

    def get_object(self, queryset=None):
        if self.live and queryset is None:
            slug = self.kwargs["slug"]
            return published_page(type(self), get_language(), slug, request=self.request)
        return self.build_object(queryset)

    def build_object(self, queryset=None):
        """The page's object with everything its template reads (views extend it)."""
        return self.find_object(self.get_queryset() if queryset is None else queryset)

    def find_object(self, queryset):
        # A page whose translation is missing answers to the French slug too (with_slug):
        # an object whose own slug is this one comes first.
        own_slug = F(f"slug_{get_language()}")
        found = queryset.with_slug(self.kwargs["slug"]).order_by(own_slug.asc(nulls_last=True))
        found = found.first()
        if found is None:
            raise Http404("Nothing published has this address.")
        return found

    def get_translated_url(self):
        """The address of this page in the active language: the same view, with the
        object's slug in that language."""
        return page_url(self.request.resolver_match.view_name, self.object.slug)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["translated_object"] = self.object
        context["content_language"] = self.object.display_language()
        return context


@per_content_version
def published_page(view_class, language, slug):
    """A published page's object, built once per content version in each process (as
    what it draws from other pages is): a page not in the page cache then costs its
    template, not its queries. Only pages found are kept (a wrong address raises)."""
    view = view_class(kwargs={"slug": slug})
    view.request = None
    with translation.override(language):
        return view.build_object()


@per_content_version
def published_list(model, language=None, hidden=None):
    """What patients see of a model, as a list page shows it: in the model's order, or, for
    a `language`, alphabetical in it; without the `hidden` texts (by default the HTML only
    each object's own page shows). Read once per content version in each process."""
    objects = list(shown(published(model), *(rendered(model) if hidden is None else hidden)))
    if language:
        with translation.override(language):
            return by_name(objects)
    return objects


class PublishedListMixin:
    """A ListView of the published objects of its `model`."""

    alphabetical = False
    hidden = None  # published_list()'s
    live = True  # published objects only: lists have no staff preview

    def get_queryset(self):
        language = get_language() if self.alphabetical else None
        return published_list(self.model, language, self.hidden, request=self.request)


def published_or_working(build):
    """build(version) as a page needs it: for a published page, kept once per content
    version in each process (as the glossary is); for a staff preview, built from the
    working versions each time. Returns get(live, request=None)."""
    kept = per_content_version(lambda: build(published))

    def get(live: bool, request=None):
        return kept(request=request) if live else build(working)

    return get


@published_or_working
def triage_table(version) -> list:
    """The triage table, most urgent first, with its treatment contexts and sources. A
    page takes its warning signs from it (set_warning_signs) rather than reading dozens
    of symptoms again."""
    return list(version(Symptom).by_urgency().prefetch_related("contexts", "sources"))


# A treatment's own signs: their ids only, the symptoms come from the table.
SIGN_IDS = Prefetch("signs", queryset=Symptom.objects.only("pk"))


def set_warning_signs(pages, request=None):
    """`warning_signs` of each page (a treatment, with its prefetched `signs`, or a side
    effect, with its prefetched `sign_notes`): its entries of the triage table, most
    urgent first."""
    table = None
    for page in pages:
        if table is None:
            table = triage_table(page.is_live, request)
        if isinstance(page, SideEffect):
            ids = {row.symptom_id for row in page.sign_notes.all()}
        else:
            ids = {symptom.pk for symptom in page.signs.all()}
        page.warning_signs = [symptom for symptom in table if symptom.pk in ids]


def therapies_by_family(therapies):
    """[(family, [therapies])] in the order of the Family choices."""
    groups = {family: [] for family in Family}
    for therapy in therapies:
        groups[Family(therapy.family)].append(therapy)
    return [(family, members) for family, members in groups.items() if members]


class TherapiesByFamilyMixin(PublishedListMixin):
    """The published treatments, grouped by family (`families`)."""

    model = Therapy

    def get_context_data(self, **kwargs):
        return super().get_context_data(families=therapies_by_family(self.object_list), **kwargs)


class HomeView(TherapiesByFamilyMixin, ListView):
    template_name = "treatments/home.html"

    def get_context_data(self, **kwargs):
        articles = published_list(Article, request=self.request)
        return super().get_context_data(articles=articles, **kwargs)


class TherapyListView(TherapiesByFamilyMixin, ListView):
    template_name = "treatments/therapy_list.html"


@published_or_working
def pages_about_therapies(version) -> tuple[dict, dict]:
    """The diseases and articles that name each treatment, in their order:
    ({treatment id: [its diseases]}, {treatment id: [its articles]})."""
    found = []
    for model in (Disease, Article):
        pages = version(model).only("key", "name", "slug", "order")
        about = {}
        for page in pages.prefetch_related(Prefetch("therapies", Therapy.objects.only("pk"))):
            for therapy in page.therapies.all():
                about.setdefault(therapy.pk, []).append(page)
        found.append(about)
    return tuple(found)


def therapy_breadcrumbs():
    return [(reverse("treatments:therapy-list"), _("All treatments"))]


class TherapyDetailView(TranslatedObjectMixin, DetailView):
    template_name = "treatments/therapy_detail.html"
    context_object_name = "therapy"

    def get_queryset(self, version=published):
        """Everything a treatment's article shows, in a fixed number of queries; of the
        rows it lists, only the columns it shows (a side effect's texts are long, in
        each language), in their own order (the model's would join the treatments)."""
        rows = (
            version(TherapySideEffect)
            .select_related("side_effect")
            .order_by("order")
            .only(
                *("therapy", "side_effect", "frequency", "onset", "action", "order"),
                *("side_effect__key", "side_effect__name", "side_effect__slug"),
            )
        )
        steps = TreatmentStep.objects.defer("key", "body").order_by("order")
        return (
            shown(version(Therapy))
            .select_related(REVIEWER)
            .prefetch_related(
                Prefetch("steps", queryset=steps),
                "sources",
                Prefetch("side_effects", queryset=rows),
            )
        )

    def build_object(self, queryset=None):
        therapy = super().build_object(queryset)
        about = pages_about_therapies(therapy.is_live, self.request)
        therapy.disease_pages, therapy.article_pages = (
            pages.get(therapy.pk, []) for pages in about
        )
        return therapy

    def get_context_data(self, **kwargs):
        therapy = self.object
        return super().get_context_data(
            breadcrumbs=therapy_breadcrumbs(),
            structured_data=structured_data.therapy_page(
                self.request, therapy, therapy.name, therapy.display_language()
            ),
            **kwargs,
        )


class TherapySignsMixin:
    """A treatment's guide and sheet: its side effects, and the warning signs of each
    and of the treatment (`warning_signs`, from the triage table), with their notes."""

    def get_queryset(self, version=published):
        rows = version(TherapySideEffect).select_related("side_effect")
        rows = shown(rows, "key_points_html", "body_html", related="side_effect")
        return (
            shown(version(Therapy), *THERAPY_ARTICLE)
            .select_related(REVIEWER)
            .prefetch_related(
                "sources",
                Prefetch("side_effects", rows),
                SIGN_IDS,
                "side_effects__side_effect__sign_notes",  # each sign's note for the side effect
            )
        )

    def build_object(self, queryset=None):
        therapy = super().build_object(queryset)
        effects = [row.side_effect for row in therapy.side_effects.all()]
        set_warning_signs([therapy, *effects], self.request)
        return therapy


class TherapySideEffectsView(TherapySignsMixin, TranslatedObjectMixin, DetailView):
    """The side-effects guide of a treatment: its warning signs first, then
    every side effect grouped by when it happens, the most urgent first in
    each group. `?when=<timing>` narrows it to one group."""

    template_name = "treatments/therapy_side_effects.html"
    context_object_name = "therapy"

    # The query parameters a page reads, each with the function that gives its canonical
    # value (None: as if absent). The page cache keys on these alone (cache.py).
    query_parameters = {"when": lambda value: value if value in Timing.values else None}

    def selected_timing(self):
        """The timing asked for in ?when=, or None for the whole guide."""
        when = self.query_parameters["when"](self.request.GET.get("when"))
        return Timing(when) if when else None

    def get_context_data(self, **kwargs):
        selected = self.selected_timing()
        rows = sorted(self.object.side_effects.all(), key=lambda row: (row.urgency, row.order))
        groups = [
            (timing, [row for row in rows if ONSET_TIMING[row.onset] == timing])
            for timing in Timing
            if selected in (None, timing)
        ]
        therapy = self.object
        title = _("Side effects: %(name)s") % {"name": therapy.name}
        return super().get_context_data(
            breadcrumbs=[*therapy_breadcrumbs(), (therapy.get_absolute_url(), therapy.name)],
            structured_data=structured_data.therapy_page(
                self.request, therapy, title, therapy.display_language()
            ),
            timings=list(Timing),
            selected_timing=selected,
            groups=[(timing, members) for timing, members in groups if members],
            **kwargs,
        )


class TherapySheetView(TherapySignsMixin, TranslatedObjectMixin, DetailView):
    """A treatment's one-page sheet, for the fridge door: the signs that mean calling,
    from the triage table (its own warning signs, then those of its side effects, with
    its contexts), most urgent first; whom to call; what to have at hand. It prints on
    one A4 page."""

    template_name = "treatments/therapy_sheet.html"
    context_object_name = "therapy"
    # The tiers a sheet lists: "mention it at the next visit" is the guide's.
    TIERS = (Action.EMERGENCY, Action.CALL_NOW, Action.CALL_TODAY)

    def get_context_data(self, **kwargs):
        therapy = self.object
        theirs = [s for row in therapy.side_effects.all() for s in row.side_effect.warning_signs]
        signs = {}  # each symptom once: the treatment's own signs first, then its side effects'
        for symptom in [*therapy.warning_signs, *sorted(theirs, key=lambda s: (s.order, s.key))]:
            signs.setdefault(symptom.key, (symptom, symptom.for_therapy(therapy.key)))
        ranked = list(signs.values())
        groups = [
            (tier, [item for item in ranked if item[1]["tier"] == tier]) for tier in self.TIERS
        ]
        return super().get_context_data(
            groups=[(tier, items) for tier, items in groups if items], **kwargs
        )


class SideEffectListView(PublishedListMixin, ListView):
    template_name = "treatments/side_effect_list.html"
    context_object_name = "side_effects"
    model = SideEffect
    alphabetical = True


class SideEffectDetailView(TranslatedObjectMixin, DetailView):
    """One side effect, explained once, with every published treatment that causes it."""

    template_name = "treatments/side_effect_detail.html"
    context_object_name = "side_effect"

    def get_queryset(self, version=published):
        rows = version(TherapySideEffect).select_related("therapy").order_by("therapy__order")
        rows = shown(rows, *THERAPY_ARTICLE, related="therapy")
        return (
            shown(version(SideEffect))
            .select_related(REVIEWER)
            .prefetch_related("sources", Prefetch("therapies", queryset=rows), "sign_notes")
        )

    def build_object(self, queryset=None):
        side_effect = super().build_object(queryset)
        set_warning_signs([side_effect], self.request)
        return side_effect

    def get_context_data(self, **kwargs):
        side_effect = self.object
        return super().get_context_data(
            breadcrumbs=[(reverse("treatments:side-effect-list"), _("Side effects"))],
            structured_data=structured_data.side_effect_page(
                self.request,
                side_effect,
                side_effect.therapies.all(),
                side_effect.display_language(),
            ),
            **kwargs,
        )


def by_name(objects):
    """Alphabetical in the active language, accents aside (é with e)."""
    return sorted(objects, key=lambda item: slugify(item.name))


class DiseaseListView(PublishedListMixin, ListView):
    template_name = "treatments/disease_list.html"
    context_object_name = "diseases"
    model = Disease


class DiseaseDetailView(TranslatedObjectMixin, DetailView):
    template_name = "treatments/disease_detail.html"
    context_object_name = "disease"

    def get_queryset(self, version=published):
        therapies = Prefetch("therapies", queryset=shown(version(Therapy), *THERAPY_ARTICLE))
        return (
            shown(version(Disease)).select_related(REVIEWER).prefetch_related("sources", therapies)
        )

    def get_context_data(self, **kwargs):
        crumbs = [(reverse("treatments:disease-list"), _("Blood cancers"))]
        return super().get_context_data(breadcrumbs=crumbs, **kwargs)


class ArticleDetailView(TranslatedObjectMixin, DetailView):
    template_name = "treatments/article_detail.html"
    context_object_name = "article"

    def get_queryset(self, version=published):
        return shown(version(Article)).select_related(REVIEWER).prefetch_related("sources")


class GlossaryView(PublishedListMixin, ListView):
    template_name = "treatments/glossary.html"
    context_object_name = "terms"
    model = GlossaryTerm
    alphabetical = True
    hidden = ()  # the glossary shows each definition


# Translators: example searches offered when a search finds nothing; words of the articles.
SEARCH_EXAMPLES = [_("aplasia"), _("CAR-T"), _("graft-versus-host disease"), _("myeloma")]


class SearchView(TemplateView):
    """`?q=` across treatments, side effects, diseases and the glossary."""

    template_name = "treatments/search.html"
    query_parameters = {
        "q": lambda value: value[: search.MAX_QUERY_LENGTH].strip() or None,
        "exact": lambda value: "1" if value == "1" else None,
    }

    def get_context_data(self, **kwargs):
        query = self.query_parameters["q"](self.request.GET.get("q", "")) or ""
        # `exact=1`: the words as typed, without spelling correction.
        correct = not self.query_parameters["exact"](self.request.GET.get("exact", ""))
        understood, results = search.search(query, get_language(), correct) if query else (None, [])
        return super().get_context_data(
            query=query,
            corrected=understood.text if understood and understood.corrected else "",
            results=results,
            search_examples=SEARCH_EXAMPLES,
            **kwargs,
        )


class ContactView(TemplateView):
    """The service's contact details (the context processor gives them), or
    where a patient finds their team's numbers when none are set."""

    template_name = "treatments/contact.html"

    def get_context_data(self, **kwargs):
        service = live_service(self.request)
        data = structured_data.organization(service) if service else ""
        return super().get_context_data(care_service=service, structured_data=data, **kwargs)


def _key_or_none(value):
    """A content key as a query parameter: its canonical form, or None (as if absent)."""
    value = (value or "").strip()
    return value if 0 < len(value) <= 80 and KEY_PATTERN.match(value) else None


class WhatToDoView(TemplateView):
    """ "I have a symptom: what do I do?": `?symptom=<key>` (and optionally
    `&treatment=<key>`) gives the answer from the triage table; without a
    symptom, or with one that is not in the table, the whole table by tier
    (a sheet to print). Keys, not slugs: the language switcher keeps the answer."""

    template_name = "treatments/what_to_do.html"
    query_parameters = {"symptom": _key_or_none, "treatment": _key_or_none}

    def get_context_data(self, **kwargs):
        symptoms = triage_table(live=True, request=self.request)
        therapies = list(Therapy.objects.published().only("key", "name", "slug", "order"))
        wanted = self.query_parameters["symptom"](self.request.GET.get("symptom"))
        symptom = next((item for item in symptoms if item.key == wanted), None)
        treatment_key = self.query_parameters["treatment"](self.request.GET.get("treatment"))
        therapy = next((item for item in therapies if item.key == treatment_key), None)
        answer = symptom.for_therapy(therapy and therapy.key) if symptom else {}
        return super().get_context_data(
            symptoms=symptoms,
            therapies=therapies,
            symptom=symptom,
            therapy=therapy,
            symptom_context=answer.get("context"),
            tier=answer.get("tier"),
            tier_label=answer.get("label", ""),
            groups=[
                (action, [item for item in symptoms if item.tier == action])
                for action in Action
                if any(item.tier == action for item in symptoms)
            ],
            **kwargs,
        )


class PreviewMixin:
    """Staff only (the admin wraps it): the working version of a page exactly as
    patients will see it once published, in the language of the address."""

    live = False

    def get_queryset(self):
        return super().get_queryset(version=working)

    def find_object(self, queryset):
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_translated_url(self):
        match = self.request.resolver_match  # the admin's preview address
        return reverse(match.view_name, kwargs={**match.kwargs, "language": get_language()})

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


class TherapyPreviewView(PreviewMixin, TherapyDetailView):
    """The preview of a treatment's article."""


class SideEffectPreviewView(PreviewMixin, SideEffectDetailView):
    """The preview of a side effect's page."""


class DiseasePreviewView(PreviewMixin, DiseaseDetailView):
    """The preview of a disease's page."""


class ArticlePreviewView(PreviewMixin, ArticleDetailView):
    """The preview of an article."""


# A figure's image, opened on its own, can run nothing and load nothing.
FIGURE_CSP = {"default-src": [CSP.NONE], "style-src": [CSP.UNSAFE_INLINE]}


@require_safe
@csp_override(FIGURE_CSP)
def figure_file(request, name):
    """A figure's image (or a smaller copy) by its hash: the bytes behind an
    address never change, so browsers keep them a year without asking again."""
    sha256, _dot, extension = name.partition(".")
    stored = FigureFile.objects.filter(sha256=sha256).first()
    if stored is None or stored.name != name:
        raise Http404("No such figure.")
    etag = f'"{sha256}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(bytes(stored.data), content_type=stored.content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
