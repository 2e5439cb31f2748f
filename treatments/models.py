"""The portal's content: treatments, their steps, side effects and sources.

Fields marked translated in translation.py are stored once per language
(name_fr, name_en...). Markdown is rendered to HTML when an object is saved,
for every language, and pages show the stored HTML.
"""

import functools

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, override, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from .glossary import GlossaryEntry, link_glossary_terms
from .markdown import first_sentence, plain_text, render_markdown

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
SOURCE_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def page_url(viewname: str, slug: str | None = None) -> str:
    """reverse() of a public page's address in the active language, remembered: reverse()
    costs 25-40 µs, and a guide links dozens of pages."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _page_url(viewname, slug, get_language(), get_script_prefix(), urlconf)


@functools.lru_cache(maxsize=4096)
def _page_url(viewname, slug, language, script_prefix, urlconf):
    return reverse(viewname, kwargs={"slug": slug} if slug is not None else None)


def choice_label(choices, value):
    """The label of `value` among `choices`, or the value itself (as get_FOO_display)."""
    try:
        return choices(value).label
    except ValueError:
        return value


class Family(models.TextChoices):
    CONVENTIONAL = "conventional", _("Chemotherapy and radiotherapy")
    TARGETED = "targeted", _("Targeted therapies")
    IMMUNOTHERAPY = "immunotherapy", _("Immunotherapy")
    CELL_THERAPY = "cell-therapy", _("Cell therapies")
    STEM_CELL_TRANSPLANT = "stem-cell-transplant", _("Stem cell transplants")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in-review", _("In review")
    PUBLISHED = "published", _("Published")


class Frequency(models.TextChoices):
    # Translators: how often a side effect happens (EMA convention: 1 person in 10 or more).
    VERY_COMMON = "very-common", _("Very common")
    # Translators: how often a side effect happens (between 1 in 100 and 1 in 10 people).
    COMMON = "common", _("Common")
    # Translators: how often a side effect happens (between 1 in 1,000 and 1 in 100 people).
    UNCOMMON = "uncommon", _("Uncommon")
    # Translators: how often a side effect happens (fewer than 1 in 1,000 people).
    RARE = "rare", _("Rare")


class Onset(models.TextChoices):
    # Translators: when a side effect usually starts: while the drug or session is being given.
    DURING_TREATMENT = "during-treatment", _("During the treatment")
    # Translators: when a side effect usually starts: in the first days after treatment.
    FIRST_DAYS = "first-days", _("In the first days")
    # Translators: when a side effect usually starts: in the first weeks after treatment.
    FIRST_WEEKS = "first-weeks", _("In the first weeks")
    # Translators: when a side effect usually starts: months after treatment.
    MONTHS = "months", _("After some months")
    # Translators: when a side effect usually starts: years after treatment (late effect).
    YEARS_LATER = "years-later", _("Years later")


class Timing(models.TextChoices):
    """The groups of the side-effects guide: when a side effect shows itself."""

    DURING = "during", _("During treatment")
    FIRST_WEEKS = "first-weeks", _("First weeks")
    LATER = "later", _("Later")
    LONG_TERM = "long-term", _("Long-term effects")


ONSET_TIMING = {
    Onset.DURING_TREATMENT: Timing.DURING,
    Onset.FIRST_DAYS: Timing.FIRST_WEEKS,
    Onset.FIRST_WEEKS: Timing.FIRST_WEEKS,
    Onset.MONTHS: Timing.LATER,
    Onset.YEARS_LATER: Timing.LONG_TERM,
}


class Action(models.TextChoices):
    """What the patient does when the side effect appears, most urgent first."""

    # Translators: action tier: a life-threatening sign, call the emergency number at once.
    EMERGENCY = "emergency", _("Call 15 or 112 now")
    # Translators: action tier: call the hospital care team at once, even at night.
    CALL_NOW = "call-now", _("Call your care team now, day or night")
    # Translators: action tier: not urgent within the hour, but call the team the same day.
    CALL_TODAY = "call-today", _("Call your care team today")
    # Translators: action tier: not urgent, tell the doctor or nurse at the next appointment.
    NEXT_VISIT = "next-visit", _("Mention it at your next visit")


ACTION_URGENCY = {action: rank for rank, action in enumerate(Action.values)}


class RenderedMarkdownMixin:
    """Fills each `<field>_html_<lang>` from `<field>_<lang>` on save, in every
    language. In `glossary_field` (one per page, so that a term is explained
    once a page) the first use of each glossary term becomes a definition."""

    markdown_fields: tuple[str, ...] = ()
    glossary_field: str | None = None

    def render_markdown_fields(self):
        for language in LANGUAGE_CODES:
            glossary = None
            for field in self.markdown_fields:
                source = getattr(self, build_localized_fieldname(field, language)) or ""
                html = render_markdown(source, language) if source else ""
                if html and field == self.glossary_field:
                    glossary = glossary or GlossaryTerm.objects.for_linking(language)
                    html = link_glossary_terms(html, glossary)
                setattr(self, build_localized_fieldname(f"{field}_html", language), html)

    def save(self, *args, **kwargs):
        self.render_markdown_fields()
        super().save(*args, **kwargs)


class PageQuerySet(models.QuerySet):
    def published(self):
        """What the public sees: published after medical review."""
        return self.filter(status=Status.PUBLISHED)


class TranslatedSlugQuerySet(PageQuerySet):
    def with_slug(self, slug: str):
        """Objects whose slug in the active language is `slug`; where that
        translation is missing, the French slug answers (the page falls back)."""
        language = get_language()
        own = build_localized_fieldname("slug", language)
        if language == SOURCE_LANGUAGE:
            return self.filter(**{own: slug})
        source = build_localized_fieldname("slug", SOURCE_LANGUAGE)
        return self.filter(Q(**{own: slug}) | Q(**{f"{own}__isnull": True, source: slug}))


class TranslatedPage(models.Model):
    """What every translated page shares: a key, a name and a slug per language,
    and the review workflow: draft, in review, published (admin.py, roles.py)."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # NULL, not "", where a translation is missing: slugs are unique per language.
    slug = models.SlugField(_("slug"), max_length=200, unique=True, null=True)  # noqa: DJ001
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    reviewed_on = models.DateField(_("last medical review"), null=True, blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=200, blank=True)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)

    # The translated fields that must be filled for a language to count as translated.
    required_translations: tuple[str, ...] = ("name", "slug")

    class Meta:
        abstract = True

    def __str__(self):
        return self.name or self.key

    def is_translated(self, language: str) -> bool:
        return all(
            getattr(self, build_localized_fieldname(field, language))
            for field in self.required_translations
        )

    def translated_languages(self) -> list[str]:
        return [language for language in LANGUAGE_CODES if self.is_translated(language)]

    def display_language(self) -> str:
        """The language its text is shown in now: French where the active
        language's translation is missing (modeltranslation's fallback)."""
        language = get_language()
        return language if self.is_translated(language) else SOURCE_LANGUAGE


class ContentChange(models.Model):
    """One row: when the portal's content last changed (see cache.py)."""

    changed_at = models.DateTimeField()
    # The content change the search index was last built for (search.py).
    search_indexed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("last content change")

    def __str__(self):
        return str(self.changed_at)


class Source(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        ordering = ["publisher", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return f"{self.publisher}: {self.title}"


class Therapy(RenderedMarkdownMixin, TranslatedPage):
    family = models.CharField(_("family"), max_length=30, choices=Family.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("article"), help_text=_("Markdown, headings from ## down."))
    body_html = models.TextField(editable=False, default="")
    daily_life = models.TextField(
        _("daily life and questions"), blank=True, help_text=_("Markdown, headings from ## down.")
    )
    daily_life_html = models.TextField(editable=False, default="")
    warning_signs = models.TextField(
        _("warning signs of this treatment"),
        blank=True,
        help_text=_(
            "Markdown list: the signs specific to this treatment that need a call at once, "
            "and whom to call. Shown first in its side-effects guide."
        ),
    )
    warning_signs_html = models.TextField(editable=False, default="")
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    markdown_fields = ("body", "daily_life", "warning_signs")
    glossary_field = "body"
    required_translations = ("name", "slug", "summary", "body")

    objects = TranslatedSlugQuerySet.as_manager()

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("treatment")
        verbose_name_plural = _("treatments")
        # One permission publishes every kind of page (the codename is historical).
        permissions = [("publish_therapy", _("Can publish content after medical review"))]

    def get_absolute_url(self):
        return page_url("treatments:therapy", self.slug)

    def get_side_effects_url(self):
        return page_url("treatments:therapy-side-effects", self.slug)


class TreatmentStep(RenderedMarkdownMixin, models.Model):
    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(_("key"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    duration = models.CharField(_("duration"), max_length=200, blank=True)
    body = models.TextField(_("description"), blank=True)
    body_html = models.TextField(editable=False, default="")

    markdown_fields = ("body",)

    class Meta:
        ordering = ["therapy", "order"]
        constraints = [
            models.UniqueConstraint(fields=["therapy", "key"], name="unique_step_key_per_therapy")
        ]
        verbose_name = _("treatment step")
        verbose_name_plural = _("treatment steps")

    def __str__(self):
        return self.title or self.key


class SideEffectQuerySet(TranslatedSlugQuerySet):
    def published(self):
        """Published side effects that a published treatment causes."""
        return super().published().filter(therapies__therapy__status=Status.PUBLISHED).distinct()


class SideEffect(RenderedMarkdownMixin, TranslatedPage):
    summary = models.TextField(_("summary"))
    body = models.TextField(_("explanation"), help_text=_("Markdown: what it is, what helps."))
    body_html = models.TextField(editable=False, default="")
    self_care = models.TextField(_("what you can do"), help_text=_("Markdown list."))
    self_care_html = models.TextField(editable=False, default="")
    warning_signs = models.TextField(
        _("warning signs"), help_text=_("Markdown list: when to call at once, and whom.")
    )
    warning_signs_html = models.TextField(editable=False, default="")
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    markdown_fields = ("body", "self_care", "warning_signs")
    glossary_field = "body"
    required_translations = ("name", "slug", "summary", "body", "self_care", "warning_signs")

    objects = SideEffectQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("side effect")
        verbose_name_plural = _("side effects")

    def get_absolute_url(self):
        return page_url("treatments:side-effect", self.slug)


class TherapySideEffect(models.Model):
    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="side_effects")
    side_effect = models.ForeignKey(
        SideEffect,
        on_delete=models.PROTECT,
        related_name="therapies",
        verbose_name=_("side effect"),
    )
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)
    onset = models.CharField(_("usual onset"), max_length=20, choices=Onset.choices)
    action = models.CharField(
        pgettext_lazy("what the patient does", "action"), max_length=20, choices=Action.choices
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    duration = models.CharField(_("usual duration"), max_length=200, blank=True)
    figure = models.CharField(
        _("frequency figure"),
        max_length=200,
        blank=True,
        help_text=_("Only when a cited source gives it."),
    )
    notes = models.TextField(_("notes for this treatment"), blank=True)

    class Meta:
        ordering = ["therapy", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapy", "side_effect"], name="unique_side_effect_per_therapy"
            )
        ]
        verbose_name = _("side effect of a treatment")
        verbose_name_plural = _("side effects of the treatment")

    def __str__(self):
        return f"{self.therapy} — {self.side_effect}"

    # Django's get_FOO_display builds a dict of every (lazy) choice at each call: 25 µs,
    # three times per row of every guide. These look the label up directly.
    def get_frequency_display(self):
        return choice_label(Frequency, self.frequency)

    def get_onset_display(self):
        return choice_label(Onset, self.onset)

    def get_action_display(self):
        return choice_label(Action, self.action)

    @property
    def urgency(self) -> int:
        return ACTION_URGENCY[self.action]

    @property
    def timing(self) -> Timing:
        return ONSET_TIMING[self.onset]


class Disease(RenderedMarkdownMixin, TranslatedPage):
    """A blood cancer: a short plain page linking to the treatments used for it."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("explanation"), help_text=_("Markdown, headings from ## down."))
    body_html = models.TextField(editable=False, default="")
    therapies = models.ManyToManyField(
        Therapy, blank=True, related_name="diseases", verbose_name=_("treatments used")
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    markdown_fields = ("body",)
    glossary_field = "body"
    required_translations = ("name", "slug", "summary", "body")

    objects = TranslatedSlugQuerySet.as_manager()

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("disease")
        verbose_name_plural = _("diseases")

    def get_absolute_url(self):
        return page_url("treatments:disease", self.slug)


class GlossaryQuerySet(TranslatedSlugQuerySet):
    def for_linking(self, language) -> list[GlossaryEntry]:
        """The published glossary as link_glossary_terms needs it, in `language`."""
        with override(language):
            return [
                GlossaryEntry(
                    forms=term.forms(language),
                    slug=term.slug,
                    url=term.get_absolute_url(),
                    definition=first_sentence(plain_text(term.definition_html)),
                )
                for term in self.published().exclude(
                    **{build_localized_fieldname("name", language): ""}
                )
            ]


class GlossaryTerm(RenderedMarkdownMixin, TranslatedPage):
    definition = models.TextField(_("definition"), help_text=_("One to three plain sentences."))
    definition_html = models.TextField(editable=False, default="")
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("One a line: other words or abbreviations for the same thing."),
    )

    markdown_fields = ("definition",)

    objects = GlossaryQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def get_absolute_url(self):
        return f"{page_url('treatments:glossary')}#{self.slug}"

    def forms(self, language):
        aliases = getattr(self, build_localized_fieldname("aliases", language)) or ""
        name = getattr(self, build_localized_fieldname("name", language)) or ""
        return [form for form in [name, *aliases.splitlines()] if form.strip()]


class SynonymGroup(models.Model):
    """Words that search treats as one, in one language (CAR-T, CART, cellules CAR T)."""

    key = models.SlugField(_("key"), max_length=120)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    terms = models.TextField(_("words"), help_text=_("One a line."))

    class Meta:
        ordering = ["language", "key"]
        constraints = [
            models.UniqueConstraint(fields=["language", "key"], name="unique_synonym_group")
        ]
        verbose_name = _("search synonyms")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return ", ".join(self.terms.splitlines())


class SearchDocument(models.Model):
    """One page as search sees it, in one language: built from the content (search.py)."""

    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    kind = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    text = models.TextField()
    url = models.CharField(max_length=300)

    class Meta:
        indexes = [models.Index(fields=["language"])]

    def __str__(self):
        return self.title
