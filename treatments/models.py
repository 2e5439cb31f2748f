"""The portal's content: treatments, their steps, side effects and sources.

Fields marked translated in translation.py are stored once per language
(name_fr, name_en...). Markdown is rendered to HTML when an object is saved,
for every language, and pages show the stored HTML.
"""

import functools
import re
from datetime import date

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language, override, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from .fulltext import SearchDocumentQuerySet, SearchWordQuerySet
from .glossary import GlossaryEntry
from .limits import validate_key_points
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

# Choices offered in staff forms: working versions only (live ones are copies).
WORKING = {"is_live": False}


_INLINE_TAG = re.compile(r"</?(?:a|abbr|b|code|em|i|mark|span|strong|sub|sup)\b[^>]*>")


def search_plain_text(*html: str) -> str:
    """Rendered fields as search reads them: plain text, inline tags gone
    without a space (« l’irradiation »)."""
    return " ".join(plain_text(_INLINE_TAG.sub("", part)) for part in html)


def key_points_field():
    """Key points (L'essentiel in French): what a page opens with, on every treatment,
    side effect and disease. Required in French; the loader and the admin refuse
    fewer than 3 or more than 5 items (limits.py)."""
    return models.TextField(
        _("key points"),
        validators=[validate_key_points],
        help_text=_(
            "Markdown list of 3 to 5 short sentences shown first on the page: what it is, "
            "what will happen, the one or two signs that mean calling now."
        ),
    )


class RenderedMarkdownMixin:
    """Fills each `<field>_html_<lang>` from `<field>_<lang>` on save, in every
    language. The stored HTML is the field's own Markdown only: glossary links,
    drawn from other rows, are added when the page is rendered (glossary.py)."""

    markdown_fields: tuple[str, ...] = ()
    # The field where the first use of each glossary term is explained (one a page).
    glossary_field: str | None = None

    def render_markdown_fields(self):
        for language in LANGUAGE_CODES:
            for field in self.markdown_fields:
                source = getattr(self, build_localized_fieldname(field, language)) or ""
                html = render_markdown(source, language) if source else ""
                setattr(self, build_localized_fieldname(f"{field}_html", language), html)

    def save(self, *args, **kwargs):
        # A live version is a copy of its working version's rendered HTML, and
        # a save of a few named fields (the review record) changes no text.
        if not getattr(self, "is_live", False) and kwargs.get("update_fields") is None:
            self.render_markdown_fields()
        super().save(*args, **kwargs)


class VersionQuerySet(models.QuerySet):
    def published(self):
        """What the public sees: the live versions, copies made by publishing."""
        return self.filter(is_live=True)

    def working(self):
        """What staff edit: the working versions (the admin, imports, exports)."""
        return self.filter(is_live=False)

    def review_overdue(self):
        """The one rule (Reviewed.is_review_overdue says it of one object)."""
        return self.filter(Q(next_review_due__isnull=True) | Q(next_review_due__lt=date.today()))


class TranslatedSlugQuerySet(VersionQuerySet):
    def with_slug(self, slug: str):
        """Objects whose slug in the active language is `slug`; where that
        translation is missing, the French slug answers (the page falls back)."""
        language = get_language()
        own = build_localized_fieldname("slug", language)
        if language == SOURCE_LANGUAGE:
            return self.filter(**{own: slug})
        source = build_localized_fieldname("slug", SOURCE_LANGUAGE)
        return self.filter(Q(**{own: slug}) | Q(**{f"{own}__isnull": True, source: slug}))


class Reviewed(models.Model):
    """Content that patients read only after a medical reviewer published it.

    Each object exists as a working version, which staff edit (the admin,
    load_content, the PO import), and, once published, a live version: a copy
    that only publishing.publish() writes and that the public pages read. The
    live version stays online, unchanged, while the next one is written and
    reviewed. The status and review record describe the working version."""

    is_live = models.BooleanField(_("live version"), default=False, editable=False)
    live_version = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="working_version",
        verbose_name=_("live version"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True, null=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, editable=False
    )
    reviewed_on = models.DateField(_("last medical review"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    next_review_due = models.DateField(_("next review due"), null=True, blank=True, editable=False)

    # The fields that identify an object across its versions and in content files.
    natural_key_fields: tuple[str, ...] = ("key",)
    # Rows that belong to the object and are published with it (reverse accessors).
    child_relations: tuple[str, ...] = ()

    objects = VersionQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_review_overdue(self) -> bool:
        """Never reviewed by a medical reviewer, or past its next review date."""
        return self.next_review_due is None or self.next_review_due < date.today()

    @property
    def review(self):
        """The medical review shown to patients, or None: a review is a person."""
        reviewer = self.reviewed_by
        if reviewer is None or self.reviewed_on is None:
            return None
        return Review(reviewer, self.reviewed_on)


def unique_per_version(*fields: str, name: str) -> models.UniqueConstraint:
    """Unique among working versions, and among live versions."""
    return models.UniqueConstraint(
        fields=[*fields, "is_live"], name=f"%(app_label)s_%(class)s_{name}"
    )


class TranslationState:
    """Whether an object is translated, from its `required_translations`."""

    required_translations: tuple[str, ...] = ()

    def is_translated(self, language: str) -> bool:
        return all(
            getattr(self, build_localized_fieldname(field, language))
            for field in self.required_translations
        )

    def display_language(self) -> str:
        """The language its text is shown in now: French where the active
        language's translation is missing (modeltranslation's fallback)."""
        language = get_language()
        return language if self.is_translated(language) else SOURCE_LANGUAGE


class TranslatedPage(TranslationState, Reviewed):
    """What every translated page shares: a key, a name and a slug per language,
    and the review workflow (Reviewed)."""

    key = models.SlugField(_("key"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    # NULL, not "", where a translation is missing: slugs are unique per language.
    slug = models.SlugField(_("slug"), max_length=200, null=True)  # noqa: DJ001

    # The translated fields that must be filled for a language to count as translated.
    required_translations: tuple[str, ...] = ("name", "slug")

    objects = TranslatedSlugQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            unique_per_version("key", name="unique_key"),
            *(
                unique_per_version(f"slug_{code}", name=f"unique_slug_{code}")
                for code in LANGUAGE_CODES
            ),
        ]

    def __str__(self):
        return self.name or self.key


class StaffProfile(models.Model):
    """What patients read about a medical reviewer: their qualification."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    qualification = models.CharField(
        _("qualification"),
        max_length=120,
        help_text=_("Shown after the reviewer's name, e.g. haematologist, specialist nurse."),
    )

    class Meta:
        verbose_name = _("reviewer's qualification")
        verbose_name_plural = _("reviewers' qualifications")

    def __str__(self):
        return self.qualification


class Review:
    """A medical review as a page shows it: who (name and qualification) and when."""

    def __init__(self, user, reviewed_on):
        self.user = user
        self.reviewed_on = reviewed_on

    @property
    def name(self) -> str:
        return self.user.get_full_name()

    @property
    def qualification(self) -> str:
        profile = getattr(self.user, "staff_profile", None)
        return profile.qualification if profile else ""


class ContentChange(models.Model):
    """One row: when the portal's content last changed (see cache.py)."""

    changed_at = models.DateTimeField()
    # The content change the search index was last built for (search.py).
    search_indexed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("last content change")

    def __str__(self):
        return str(self.changed_at)


class Source(Reviewed):
    """A cited source: its address is what patients follow, so it is reviewed too."""

    key = models.SlugField(_("key"), max_length=80)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        ordering = ["publisher", "title"]
        constraints = [unique_per_version("key", name="unique_key")]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return f"{self.publisher}: {self.title}"


class FigureFile(models.Model):
    """The bytes of one image, named by their SHA-256 (figures.py): a changed
    image is a new row, so a live figure keeps the image that was reviewed."""

    sha256 = models.CharField(primary_key=True, max_length=64, editable=False)
    content_type = models.CharField(max_length=30, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    data = models.BinaryField(editable=False)
    # Smaller copies of a raster image for srcset: [[width, height, name], ...].
    variants = models.JSONField(default=list, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("figure image")
        verbose_name_plural = _("figure images")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """Its address under /figures/: the hash and the type's extension."""
        from .figures import EXTENSIONS

        return f"{self.sha256}.{EXTENSIONS[self.content_type]}"


class Figure(Reviewed):
    """An image that explains, placed in articles by its key: ![](figure:key)."""

    key = models.SlugField(_("key"), max_length=80)
    alt = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the image shows, for someone who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300)
    credit = models.CharField(
        _("credit"), max_length=300, help_text=_("Who made it, and what it is based on.")
    )
    licence = models.CharField(_("licence"), max_length=100)
    image_fr = models.ForeignKey(
        FigureFile,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("image"),
        help_text=_("SVG, PNG, JPEG or WebP; with French words if it has words."),
    )
    image_en = models.ForeignKey(
        FigureFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("image with English words"),
        help_text=_("Only for an image with words: the same image, its words in English."),
    )
    sources = models.ManyToManyField(
        Source, blank=True, limit_choices_to=WORKING, verbose_name=_("sources")
    )

    required_translations = ("alt", "caption")

    class Meta:
        ordering = ["key"]
        constraints = [unique_per_version("key", name="unique_key")]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")

    def __str__(self):
        return self.caption or self.key

    def image_for(self, language: str) -> FigureFile:
        return self.image_en if language == "en" and self.image_en_id else self.image_fr


class SymptomQuerySet(VersionQuerySet):
    def by_urgency(self):
        """The table's order: the most urgent tier first, then the table's own order."""
        urgency = models.Case(
            *(models.When(tier=action, then=rank) for action, rank in ACTION_URGENCY.items()),
            output_field=models.IntegerField(),
        )
        return self.order_by(urgency, "order", "key")


class Symptom(TranslationState, Reviewed):
    """One entry of the triage table: something a patient can notice, in
    everyday words, and the one action tier the whole site gives it. A
    treatment may raise the tier (SymptomContext), never lower it."""

    key = models.SlugField(_("key"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    tier = models.CharField(
        pgettext_lazy("what the patient does", "action"), max_length=20, choices=Action
    )
    name = models.CharField(
        _("symptom"), max_length=200, help_text=_("What the patient notices, in everyday words.")
    )
    threshold = models.CharField(
        _("threshold"),
        max_length=300,
        blank=True,
        help_text=_("Where there is one, e.g. 4 or more loose stools in 24 hours."),
    )
    what_to_do = models.TextField(_("what to do"), help_text=_("One or two short sentences."))
    on_every_page = models.BooleanField(
        _("in the warning box of every page"),
        default=False,
        help_text=_("The few signs every patient must know, whatever their treatment."),
    )
    sources = models.ManyToManyField(Source, limit_choices_to=WORKING, verbose_name=_("sources"))

    required_translations = ("name", "what_to_do")
    child_relations = ("contexts",)

    objects = SymptomQuerySet.as_manager()

    class Meta:
        ordering = ["order", "key"]
        constraints = [unique_per_version("key", name="unique_key")]
        verbose_name = _("symptom (triage table)")
        verbose_name_plural = _("triage table")

    def __str__(self):
        return self.name or self.key

    def get_tier_display(self):
        return choice_label(Action, self.tier)

    @property
    def urgency(self) -> int:
        return ACTION_URGENCY[self.tier]

    def clean(self):
        """Raising the tier must not leave a treatment's row less urgent than the table."""
        if self.is_live or not self.key or not self.tier:
            return
        contexts = {c.therapy_key: c.tier for c in self.contexts.all()} if self.pk else {}
        rows = TherapySideEffect.objects.working().filter(side_effect__symptom_key=self.key)
        if problem := under_rated_rows(rows, lambda key: most_urgent(self.tier, contexts.get(key))):
            raise ValidationError({"tier": problem})

    def for_therapy(self, therapy_key: str | None, side_effect=None) -> dict:
        """What a page shows of this symptom for a patient on this treatment (or on
        none), as a sign of this side effect (or of none): the tier (the treatment's
        context and the side effect may raise it), its words, the context, the side
        effect's note."""
        context = self.context_for(therapy_key)
        sign = side_effect.sign_for(self) if side_effect else None
        tier = most_urgent(context.tier if context else self.tier, sign and sign.tier)
        note = sign.note if sign else ""
        return {"tier": tier, "label": choice_label(Action, tier), "context": context, "note": note}

    def context_for(self, therapy_key: str | None):
        """This symptom's context for a treatment (its raised tier and note), or None.
        Reads the prefetched `contexts`."""
        return self._contexts_by_therapy.get(therapy_key) if therapy_key else None

    @cached_property
    def _contexts_by_therapy(self) -> dict:
        # Once per object: a guide asks it of one symptom row after row.
        return {context.therapy_key: context for context in self.contexts.all()}


class SymptomContext(models.Model):
    """A treatment that makes a symptom more urgent: a fever during aplasia, a
    sign of ICANS in the 8 weeks after CAR-T cells. It names the treatment by
    its key (a treatment's warning signs name symptoms: a link both ways would
    leave no order in which to publish them)."""

    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="contexts")
    therapy_key = models.SlugField(
        _("treatment"), max_length=80, help_text=_("The treatment's key, e.g. car-t.")
    )
    tier = models.CharField(
        pgettext_lazy("what the patient does", "action"), max_length=20, choices=Action
    )
    note = models.TextField(_("what changes with this treatment"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["symptom", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["symptom", "therapy_key"], name="unique_context_per_symptom"
            )
        ]
        verbose_name = _("treatment that raises the tier")
        verbose_name_plural = _("treatments that raise the tier")

    def __str__(self):
        return f"{self.symptom} — {self.therapy_key}"

    def get_tier_display(self):
        return choice_label(Action, self.tier)

    def clean(self):
        problems = {}
        try:  # the admin's inline gives the symptom as edited in the same form
            symptom = self.symptom
        except Symptom.DoesNotExist:
            symptom = None
        if symptom is not None and not raises_or_keeps(symptom.tier, self.tier):
            problems["tier"] = _(
                "A treatment may only raise a symptom's tier, never lower it: "
                "this symptom's tier is “%(tier)s”."
            ) % {"tier": symptom.get_tier_display()}
        if self.therapy_key and not Therapy.objects.working().filter(key=self.therapy_key).exists():
            problems["therapy_key"] = _("No treatment has this key.")
        elif symptom is not None and symptom.key and self.therapy_key and not problems:
            rows = TherapySideEffect.objects.working().filter(
                side_effect__symptom_key=symptom.key, therapy__key=self.therapy_key
            )
            if problem := under_rated_rows(rows, lambda key: self.tier):
                problems["tier"] = problem
        if problems:
            raise ValidationError(problems)


def raises_or_keeps(tier: str, other: str) -> bool:
    """Whether `other` is as urgent as `tier` or more (unknown tiers pass: the
    choice itself is checked elsewhere)."""
    if tier not in ACTION_URGENCY or other not in ACTION_URGENCY:
        return True
    return ACTION_URGENCY[other] <= ACTION_URGENCY[tier]


def most_urgent(*tiers) -> str:
    return min((t for t in tiers if t in ACTION_URGENCY), key=ACTION_URGENCY.__getitem__)


def under_rated_rows(rows, tier_for_therapy) -> str:
    """The message refusing a change to the triage table (or to a side effect's
    symptom) that would leave these treatments' rows less urgent than the table
    (`tier_for_therapy(treatment key)`), naming them; "" when none would be."""
    rows = [
        row
        for row in rows.select_related("therapy", "side_effect")
        if not raises_or_keeps(tier_for_therapy(row.therapy.key), row.action)
    ]
    if not rows:
        return ""
    named = "; ".join(
        _("%(treatment)s — %(side_effect)s (“%(action)s”)")
        % {
            "treatment": row.therapy.name,
            "side_effect": row.side_effect.name,
            "action": row.get_action_display(),
        }
        for row in rows
    )
    return _(
        "These treatments' rows would give the symptom a lower tier than the triage table: "
        "raise them first. %(rows)s"
    ) % {"rows": named}


class Therapy(RenderedMarkdownMixin, TranslatedPage):
    family = models.CharField(_("family"), max_length=30, choices=Family)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    summary = models.TextField(_("summary"))
    key_points = key_points_field()
    key_points_html = models.TextField(editable=False, default="")
    body = models.TextField(_("article"), help_text=_("Markdown, headings from ## down."))
    body_html = models.TextField(editable=False, default="")
    daily_life = models.TextField(
        _("daily life and questions"), blank=True, help_text=_("Markdown, headings from ## down.")
    )
    daily_life_html = models.TextField(editable=False, default="")
    # Its own warning signs, shown first in its side-effects guide: entries of the triage
    # table, with this treatment's context (SymptomContext), never free text.
    signs = models.ManyToManyField(
        Symptom,
        blank=True,
        limit_choices_to=WORKING,
        related_name="therapies",
        verbose_name=_("warning signs (triage table)"),
    )
    sources = models.ManyToManyField(
        Source, blank=True, limit_choices_to=WORKING, verbose_name=_("sources")
    )

    markdown_fields = ("key_points", "body", "daily_life")
    glossary_field = "body"
    required_translations = ("name", "slug", "summary", "key_points", "body")
    child_relations = ("steps", "side_effects")

    class Meta(TranslatedPage.Meta):
        ordering = ["order", "key"]
        verbose_name = _("treatment")
        verbose_name_plural = _("treatments")
        # The one permission that publishes every kind of content (publishing.py).
        permissions = [("publish", _("Can publish content after medical review"))]

    def get_absolute_url(self):
        return page_url("treatments:therapy", self.slug)

    def get_side_effects_url(self):
        return page_url("treatments:therapy-side-effects", self.slug)

    def get_sheet_url(self):
        return page_url("treatments:therapy-sheet", self.slug)

    def search_text(self) -> tuple[str, str]:
        """(summary, rest of the page) as search reads them, in the active language."""
        steps = [f"{step.title}. {search_plain_text(step.body_html)}" for step in self.steps.all()]
        html = search_plain_text(self.key_points_html, self.body_html, self.daily_life_html)
        return self.summary, " ".join([html, *steps])


class Setting(models.TextChoices):
    """Where the patient is during a step of their treatment (the timeline)."""

    # Translators: where a treatment step happens: appointments with a doctor or nurse.
    CLINIC = "clinic", pgettext_lazy("setting", "Clinic appointments")
    # Translators: where a treatment step happens: the unit where blood cells are collected.
    APHERESIS = "apheresis", pgettext_lazy("setting", "Apheresis unit")
    # Translators: where a treatment step happens: treatment in hospital without staying overnight.
    DAY_HOSPITAL = "day-hospital", pgettext_lazy("setting", "Day unit")
    # Translators: where a treatment step happens: staying in hospital, day and night.
    WARD = "ward", pgettext_lazy("setting", "In hospital")
    # Translators: where a treatment step happens: the radiotherapy department.
    RADIOTHERAPY = "radiotherapy", pgettext_lazy("setting", "Radiotherapy department")
    # Translators: where a treatment step happens: the patient lives at home.
    HOME = "home", pgettext_lazy("setting", "At home")


class TreatmentStep(RenderedMarkdownMixin, models.Model):
    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(_("key"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    duration = models.CharField(_("duration"), max_length=200, blank=True)
    setting = models.CharField(
        pgettext_lazy("where a treatment step happens", "where"),
        max_length=20,
        choices=Setting,
        blank=True,
    )
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
        """Live side effects that a live treatment causes."""
        return super().published().filter(therapies__therapy__is_live=True).distinct()


class SideEffect(RenderedMarkdownMixin, TranslatedPage):
    summary = models.TextField(_("summary"))
    key_points = key_points_field()
    key_points_html = models.TextField(editable=False, default="")
    body = models.TextField(_("explanation"), help_text=_("Markdown: what it is, what helps."))
    body_html = models.TextField(editable=False, default="")
    self_care = models.TextField(_("what you can do"), help_text=_("Markdown list."))
    self_care_html = models.TextField(editable=False, default="")
    # The triage table's entry for what the patient notices of this side effect: no
    # treatment's row may give it a lower tier (content/reader.py). A key, as SymptomContext's.
    symptom_key = models.SlugField(
        _("its symptom in the triage table"), max_length=80, blank=True, help_text=_("Its key.")
    )
    # Its warning signs: entries of the triage table, each with what is particular to
    # this side effect (SideEffectSign.note), never free text.
    signs = models.ManyToManyField(
        Symptom,
        blank=True,
        through="SideEffectSign",
        related_name="side_effects",
        verbose_name=_("warning signs (triage table)"),
    )
    sources = models.ManyToManyField(
        Source, blank=True, limit_choices_to=WORKING, verbose_name=_("sources")
    )

    markdown_fields = ("key_points", "body", "self_care")
    glossary_field = "body"
    required_translations = ("name", "slug", "summary", "key_points", "body", "self_care")
    child_relations = ("sign_notes",)

    objects = SideEffectQuerySet.as_manager()

    class Meta(TranslatedPage.Meta):
        ordering = ["key"]
        verbose_name = _("side effect")
        verbose_name_plural = _("side effects")

    def get_absolute_url(self):
        return page_url("treatments:side-effect", self.slug)

    def clean(self):
        """Its symptom is an entry of the triage table, which the treatments' rows of
        this side effect may not under-rate."""
        if self.is_live or not self.symptom_key:
            return
        symptom = (
            Symptom.objects.working()
            .filter(key=self.symptom_key)
            .prefetch_related("contexts")
            .first()
        )
        if symptom is None:
            raise ValidationError(
                {"symptom_key": _("No symptom of the triage table has this key.")}
            )
        if self.pk:
            rows = TherapySideEffect.objects.working().filter(side_effect=self)
            if problem := under_rated_rows(rows, lambda key: symptom.for_therapy(key)["tier"]):
                raise ValidationError({"symptom_key": problem})

    def search_text(self) -> tuple[str, str]:
        """(summary, rest of the page) as search reads them, in the active language."""
        html = [self.key_points_html, self.body_html, self.self_care_html]
        signs = [
            " ".join([row.symptom.name, row.symptom.threshold, row.note or ""])
            for row in self.sign_notes.select_related("symptom")
        ]  # as the page shows them
        return self.summary, " ".join([search_plain_text(*html), *signs])

    def sign_for(self, symptom):
        """This side effect's row for one of its signs (its raised tier, its note in
        the active language), or None. Reads the prefetched `sign_notes`."""
        return self._signs_by_symptom.get(symptom.pk)

    @cached_property
    def _signs_by_symptom(self) -> dict:
        return {row.symptom_id: row for row in self.sign_notes.all()}


class SideEffectSign(models.Model):
    """One warning sign of a side effect: an entry of the triage table (its name,
    threshold and tier), with what is particular to this side effect, as
    SymptomContext.note is for a treatment."""

    side_effect = models.ForeignKey(SideEffect, on_delete=models.CASCADE, related_name="sign_notes")
    symptom = models.ForeignKey(
        Symptom, on_delete=models.CASCADE, limit_choices_to=WORKING, verbose_name=_("symptom")
    )
    note = models.TextField(
        _("what is particular to this side effect"),
        blank=True,
        help_text=_("One or two short sentences; name, threshold and tier come from the table."),
    )
    tier = models.CharField(
        _("tier for this side effect"),
        max_length=20,
        choices=Action,
        blank=True,
        help_text=_("Empty: the table's tier. A side effect may raise it, never lower it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["side_effect", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["side_effect", "symptom"], name="unique_sign_per_side_effect"
            )
        ]
        verbose_name = _("warning sign")
        verbose_name_plural = _("warning signs")

    def __str__(self):
        return str(self.symptom)

    def clean(self):
        if self.tier and self.symptom_id and not raises_or_keeps(self.symptom.tier, self.tier):
            raise ValidationError(
                {
                    "tier": _(
                        "A side effect may only raise a symptom's tier, never lower it: "
                        "this symptom's tier is “%(tier)s”."
                    )
                    % {"tier": self.symptom.get_tier_display()}
                }
            )


class TherapySideEffectQuerySet(models.QuerySet):
    def published(self):
        """Rows patients see: a live treatment's rows (they name live side effects)."""
        return self.filter(therapy__is_live=True, side_effect__is_live=True)

    def working(self):
        return self.filter(therapy__is_live=False)


class TherapySideEffect(models.Model):
    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="side_effects")
    side_effect = models.ForeignKey(
        SideEffect,
        on_delete=models.PROTECT,
        limit_choices_to=WORKING,
        related_name="therapies",
        verbose_name=_("side effect"),
    )
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency)
    onset = models.CharField(_("usual onset"), max_length=20, choices=Onset)
    action = models.CharField(
        pgettext_lazy("what the patient does", "action"), max_length=20, choices=Action
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

    objects = TherapySideEffectQuerySet.as_manager()

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

    def clean(self):
        """The loader's rule, in the admin too: a row may not give its side effect a
        lower tier than the triage table gives the side effect's symptom."""
        if not self.side_effect_id or not self.therapy_id or not self.side_effect.symptom_key:
            return
        symptom = (
            Symptom.objects.working()
            .filter(key=self.side_effect.symptom_key)
            .prefetch_related("contexts")
            .first()
        )
        tier = symptom and symptom.for_therapy(self.therapy.key)["tier"]
        if tier and not raises_or_keeps(tier, self.action):
            raise ValidationError(
                {
                    "action": _(
                        "The triage table says “%(tier)s” for “%(symptom)s”: a treatment's "
                        "row may not give this side effect a lower tier."
                    )
                    % {"tier": choice_label(Action, tier), "symptom": symptom.name}
                }
            )

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


class ExplainedPage(RenderedMarkdownMixin, TranslatedPage):
    """A page of a summary, key points and a Markdown text that cites its sources and
    names the treatments it concerns: a blood cancer, an article (clinical trials)."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    summary = models.TextField(_("summary"))
    key_points = key_points_field()
    key_points_html = models.TextField(editable=False, default="")
    body = models.TextField(_("explanation"), help_text=_("Markdown, headings from ## down."))
    body_html = models.TextField(editable=False, default="")
    # diseases / articles: the treatment's pages that speak of it.
    therapies = models.ManyToManyField(
        Therapy,
        blank=True,
        limit_choices_to=WORKING,
        related_name="%(class)ss",
        verbose_name=_("treatments used"),
    )
    sources = models.ManyToManyField(
        Source, blank=True, limit_choices_to=WORKING, verbose_name=_("sources")
    )

    markdown_fields = ("key_points", "body")
    glossary_field = "body"
    required_translations = ("name", "slug", "summary", "key_points", "body")

    class Meta(TranslatedPage.Meta):
        abstract = True
        ordering = ["order", "key"]

    def search_text(self) -> tuple[str, str]:
        """(summary, rest of the page) as search reads them, in the active language."""
        return self.summary, search_plain_text(self.key_points_html, self.body_html)


class Disease(ExplainedPage):
    """A blood cancer: a short plain page linking to the treatments used for it."""

    class Meta(ExplainedPage.Meta):
        verbose_name = _("disease")
        verbose_name_plural = _("diseases")

    def get_absolute_url(self):
        return page_url("treatments:disease", self.slug)


class Article(ExplainedPage):
    """A page that explains a subject beyond one treatment (clinical trials...),
    at its own address: /fr/<slug>/, /en/<slug>/."""

    class Meta(ExplainedPage.Meta):
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def get_absolute_url(self):
        return page_url("treatments:article", self.slug)


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

    class Meta(TranslatedPage.Meta):
        ordering = ["key"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def get_absolute_url(self):
        return f"{page_url('treatments:glossary')}#{self.slug}"

    def forms(self, language):
        aliases = getattr(self, build_localized_fieldname("aliases", language)) or ""
        name = getattr(self, build_localized_fieldname("name", language)) or ""
        return [form for form in [name, *aliases.splitlines()] if form.strip()]

    def search_text(self) -> tuple[str, str]:
        """(definition and other names, nothing more) as search reads them, in
        the active language."""
        definition, aliases = plain_text(self.definition_html), self.forms(get_language())[1:]
        return (f"{definition} ({', '.join(aliases)})" if aliases else definition), ""


# A phone number as people write it: digits, spaces, dots, hyphens, a leading +.
PHONE_PATTERN = r"^\+?[0-9](?:[0-9 .-]{4,22}[0-9])$"


validate_phone = RegexValidator(
    PHONE_PATTERN, _("Write a phone number with digits, spaces or dots, e.g. 01 23 45 67 89.")
)


class CareService(Reviewed):
    """The haematology service's contact details, set by the hospital: shown in
    the warning box of every page, on printed pages and on the contact page.
    One service; where none is online the pages point to the discharge letter."""

    key = models.SlugField(_("key"), max_length=80, default="service")
    name = models.CharField(_("name of the service"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    ward_phone = models.CharField(
        _("ward, 24 hours a day"), max_length=30, blank=True, validators=[validate_phone]
    )
    day_hospital_phone = models.CharField(
        _("day hospital"), max_length=30, blank=True, validators=[validate_phone]
    )
    day_hospital_hours = models.CharField(_("day hospital's hours"), max_length=200, blank=True)
    switchboard_phone = models.CharField(
        _("hospital switchboard"), max_length=30, blank=True, validators=[validate_phone]
    )
    after_hours = models.CharField(
        _("after hours"),
        max_length=300,
        blank=True,
        help_text=_("How to reach the team at night and at weekends."),
    )

    class Meta:
        constraints = [unique_per_version("key", name="unique_key")]
        verbose_name = _("service's contact details")
        verbose_name_plural = _("service's contact details")

    def __str__(self):
        return self.name

    @property
    def ward_tel(self) -> str:
        return tel_address(self.ward_phone)

    @property
    def phones(self) -> list[tuple[str, str, str, str]]:
        """(what, number, tel: address, when) of each number set, most urgent first."""
        numbers = [
            (_("Ward, 24 hours a day"), self.ward_phone, ""),
            (_("Day hospital"), self.day_hospital_phone, self.day_hospital_hours),
            (_("Hospital switchboard"), self.switchboard_phone, ""),
        ]
        return [(label, n, tel_address(n), when) for label, n, when in numbers if n]


def tel_address(number: str) -> str:
    """`tel:` address of a phone number as written: its + and digits."""
    return "tel:" + re.sub(r"[^0-9+]", "", number)


class SynonymGroup(Reviewed):
    """Words that search treats as one, in one language (CAR-T, CART, cellules CAR T)."""

    key = models.SlugField(_("key"), max_length=120)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    terms = models.TextField(_("words"), help_text=_("One a line."))

    class Meta:
        ordering = ["language", "key"]
        constraints = [unique_per_version("language", "key", name="unique_synonym_group")]
        verbose_name = _("search synonyms")
        verbose_name_plural = _("search synonyms")

    natural_key_fields = ("language", "key")

    def __str__(self):
        return ", ".join(self.terms.splitlines())


class ImportRecord(models.Model):
    """What load_content last wrote of one object: a hash of its files as
    exported just after, to tell an object changed in the admin since (content/writer.py)."""

    kind = models.CharField(max_length=100)  # the model's label, e.g. treatments.Therapy
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="unique_import")]

    def __str__(self):
        return f"{self.kind} {self.key}"


class SearchDocument(models.Model):
    """One page as search sees it, in one language: built from the content (search.py).

    `vector` is PostgreSQL's stored full-text vector (title weighted A, summary B,
    text C), GIN-indexed, and `title_vector` the title's alone; on SQLite they
    stay empty and the FTS5 table treatments_search_fts holds the same three
    columns (fulltext.py)."""

    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    kind = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    summary = models.TextField(default="")
    text = models.TextField()
    url = models.CharField(max_length=300)
    vector = SearchVectorField(null=True, editable=False)
    title_vector = SearchVectorField(null=True, editable=False)

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["language"]),
            # PostgreSQL only: the migration skips it on SQLite.
            GinIndex(fields=["vector"], name="treatments_search_vector_gin"),
        ]

    def __str__(self):
        return self.title


class SearchWord(models.Model):
    """A word of the indexed content (or of a synonym), lower case without
    accents, for spelling correction: "radiotérapie" → "radiothérapie"."""

    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    word = models.CharField(max_length=100)
    spelling = models.CharField(max_length=100)  # its most frequent written form
    documents = models.PositiveIntegerField(default=0)  # how many pages use it

    objects = SearchWordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "word"], name="unique_search_word")
        ]
        indexes = [
            # PostgreSQL only (pg_trgm); SQLite has the FTS5 trigram table
            # treatments_searchword_trigrams.
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="treatments_word_trgm"),
        ]

    def __str__(self):
        return self.word


def normalize_newlines(sender, instance, **kwargs):
    """pre_save receiver: text typed in a browser's form arrives with \\r\\n line
    ends; stored text has \\n only, so that comparing and exporting see real changes."""
    for model_field in sender._meta.concrete_fields:
        value = getattr(instance, model_field.attname)
        if isinstance(value, str) and "\r" in value:
            setattr(instance, model_field.attname, value.replace("\r\n", "\n"))


# --- The registry of content: everything that derives a list of models reads it here ---------

# The reviewed content, in publishing order: what a page links to comes first.
REVIEWED_MODELS: tuple[type[Reviewed], ...] = (
    Source, Figure, GlossaryTerm, Symptom, SideEffect, Therapy, Disease, Article,
    SynonymGroup, CareService,
)  # fmt: skip


def translated_fields(model) -> dict:
    """{original field name: its per-language fields} for a model registered
    with modeltranslation (translation.py); {} for one that is not."""
    if model not in translator.get_registered_models():
        return {}
    return translator.get_options_for_model(model).all_fields


def child_models(model) -> list:
    """The models of the rows published with `model` (a treatment's steps...)."""
    return [model._meta.get_field(name).related_model for name in model.child_relations]


@functools.cache
def content_models() -> tuple:
    """Every model whose rows are content: page cache, history, roles, snapshots.
    (A function: reverse relations exist once every model is loaded.)"""
    return (
        *REVIEWED_MODELS,
        *(child for model in REVIEWED_MODELS for child in child_models(model)),
    )
