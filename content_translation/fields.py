"""What of the content is translated, segment by segment, and from what.

Every translated field of the content (modeltranslation's registry, without
the rendered `*_html` fields and the slugs) is a `TranslatableField` of one
object. Its segments carry a stable id, the PO file's msgctxt:

    therapy:car-t:name                       a short field: one segment
    therapy:car-t:body:7                     the 7th block of a Markdown field
    step:car-t/leukapheresis:title           a row of a treatment: parent key/row key
    therapy-side-effect:car-t/fatigue:notes
    side-effect-sign:fatigue/fever:note      a side effect's note on one of its signs

`resolve()` says, for each segment, which English text stands for it now and
whether that text was made from an older French text (fuzzy).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Prefetch
from django.utils.translation import override
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from treatments.content.formats import FORMATS
from treatments.models import (
    SOURCE_LANGUAGE,
    Article,
    CareService,
    Disease,
    Figure,
    GlossaryTerm,
    SideEffect,
    SideEffectSign,
    Symptom,
    SymptomContext,
    Therapy,
    TherapySideEffect,
    TreatmentStep,
)
from treatments.publishing import page_of

from .models import SegmentTranslation
from .segments import Block, rebuild, same_shape, segment_texts, split_markdown

# The language content is written in; every other language is a translation of it.
CONTENT_SOURCE_LANGUAGE = SOURCE_LANGUAGE

# The pages whose texts go through the translators' PO files, in the file's order; the rows
# published with each (its child_relations: a treatment's steps...) follow their page.
TRANSLATED_PAGES = (
    Therapy,
    SideEffect,
    Disease,
    Article,
    GlossaryTerm,
    Symptom,
    Figure,
    CareService,
)

# Each kind's name in the segment ids (msgctxt): its model's name in kebab case
# (TherapySideEffect: therapy-side-effect), or the name given here. Translators' files
# keep these ids: never rename one.
KIND_NAMES = {TreatmentStep: "step"}


def kind_name(model) -> str:
    return KIND_NAMES.get(model) or re.sub(r"(?<!^)(?=[A-Z])", "-", model.__name__).lower()


def object_key(obj) -> str:
    """The language-neutral key of an object; rows of a treatment add its key."""
    if isinstance(obj, TreatmentStep):
        return f"{obj.therapy.key}/{obj.key}"
    if isinstance(obj, SymptomContext):
        return f"{obj.symptom.key}/{obj.therapy_key}"
    if isinstance(obj, TherapySideEffect):
        return f"{obj.therapy.key}/{obj.side_effect.key}"
    if isinstance(obj, SideEffectSign):
        return f"{obj.side_effect.key}/{obj.symptom.key}"
    return obj.key


def source_file(obj) -> str:
    """The French content file an object's text comes from (its page's, for a row)."""
    page = page_of(obj)
    path = FORMATS[type(page)].language_path(page.key, CONTENT_SOURCE_LANGUAGE)
    return f"content/{path.as_posix()}"


def translated_field_names(model) -> list[str]:
    """The fields a translator translates. Slugs are not: an English slug, once
    there, stays (links to it keep working); a missing one is made from the
    English name on import."""
    registered = translator.get_options_for_model(model).fields
    return [
        field.name
        for field in model._meta.fields  # in the model's order, as the page shows them
        if field.name in registered and not field.name.endswith("_html") and field.name != "slug"
    ]


def content_objects() -> Iterator:
    """Every translated working version, page by page (TRANSLATED_PAGES), each page
    followed by its rows: a treatment, then its steps and its side-effect rows; a side
    effect, then its signs' notes; a symptom, then its treatment contexts."""
    for model in TRANSLATED_PAGES:
        rows = [_rows(model, name) for name in model.child_relations]
        for page in model.objects.working().prefetch_related(*rows):
            yield page
            for name in model.child_relations:
                yield from getattr(page, name).all()


def _rows(model, relation) -> Prefetch:
    """A page's rows, with what their keys name (a side-effect row's side effect)."""
    row_model = model._meta.get_field(relation).related_model
    named = [
        field.name
        for field in row_model._meta.concrete_fields
        if field.is_relation and field.related_model is not model
    ]
    rows = row_model.objects.select_related(*named) if named else row_model.objects.all()
    return Prefetch(relation, queryset=rows)


@dataclass(frozen=True)
class Segment:
    context: str  # the msgctxt
    text: str  # the French text
    number: int  # 1-based, among the field's segments
    kind: str  # heading, paragraph, list item...


class TranslatableField:
    def __init__(self, obj, name: str):
        self.obj = obj
        self.name = name
        self.markdown = name in getattr(obj, "markdown_fields", ())
        self.kind = kind_name(type(obj))
        self.key = object_key(obj)
        self.id = f"{self.kind}:{self.key}:{self.name}"

    def value(self, language: str) -> str:
        return getattr(self.obj, build_localized_fieldname(self.name, language)) or ""

    @property
    def source(self) -> str:
        return self.value(CONTENT_SOURCE_LANGUAGE)

    @cached_property
    def blocks(self) -> list[Block]:
        return split_markdown(self.source) if self.markdown else []

    @cached_property
    def translatable_blocks(self) -> list[Block]:
        return [block for block in self.blocks if block.translatable]

    @cached_property
    def segments(self) -> list[Segment]:
        if not self.source.strip():
            return []
        if not self.markdown:
            return [Segment(self.id, self.source, 1, "text")]
        return [
            Segment(f"{self.id}:{number}", block.text, number, block.kind)
            for number, block in enumerate(self.translatable_blocks, start=1)
        ]

    def current_translations(self, language: str) -> list[str] | None:
        """The English text of each segment, when the English field has the
        French field's structure (so each segment has its counterpart)."""
        value = self.value(language)
        if not value.strip():
            return None
        if not self.markdown:
            return [value]
        blocks = split_markdown(value)
        return segment_texts(blocks) if same_shape(blocks, self.blocks) else None

    def build(self, texts: list[str]) -> str:
        """The field's translated value: the French structure with these texts."""
        return rebuild(self.blocks, texts) if self.markdown else texts[0]

    def label(self) -> str:
        """Where the text is, for the translator and the status report."""
        with override(None):  # in English, as the ids and the interface's msgids
            model = str(self.obj._meta.verbose_name)
            field = str(self.obj._meta.get_field(self.name).verbose_name)
        return f"{model} {self.key}, {field}"


def translatable_fields() -> Iterator[TranslatableField]:
    for obj in content_objects():
        for name in translated_field_names(type(obj)):
            field = TranslatableField(obj, name)
            if field.segments:
                yield field


class Memory:
    """The translation memory of one language, read once."""

    def __init__(self, language: str):
        self.language = language
        self.by_context = {}
        self.by_source = {}  # French text -> its latest translation, wherever it was
        for row in SegmentTranslation.objects.filter(language=language).order_by("updated_at"):
            self.by_context[row.context] = row
            self.by_source[row.source] = row.translation


@dataclass(frozen=True)
class Resolved:
    segment: Segment
    translation: str  # "" when there is none
    fuzzy: bool  # the translation was made from another French text...
    previous_source: str | None  # ...this one


def resolve(field: TranslatableField, memory: Memory) -> list[Resolved]:
    """For each segment, the translation that stands for it now.

    The English field itself comes first when it has the French structure: it
    is what readers see, edits made in the admin included. Where the memory
    holds the very French text a translation was made from, that translation
    counts too, even from another place (a paragraph moved, a repeated
    heading). A translation is fuzzy when the memory says it was made from a
    French text that has changed since; with no memory yet (before the first
    import), the English field is taken as up to date.
    """
    current = field.current_translations(memory.language) or [""] * len(field.segments)
    resolved = []
    for segment, english in zip(field.segments, current, strict=True):
        remembered = memory.by_context.get(segment.context)
        if remembered and remembered.source == segment.text:
            resolved.append(Resolved(segment, english or remembered.translation, False, None))
        elif english and not remembered:
            resolved.append(Resolved(segment, english, False, None))
        elif segment.text in memory.by_source:
            resolved.append(Resolved(segment, memory.by_source[segment.text], False, None))
        elif remembered:
            text = english or remembered.translation
            resolved.append(Resolved(segment, text, True, remembered.source))
        else:
            resolved.append(Resolved(segment, "", False, None))
    return resolved
