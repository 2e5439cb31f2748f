"""Each kind's file format, declared once (content/README.md describes them for
people): its folder in content/, the YAML file of its language-neutral fields,
and the front-matter fields of each language's file, in the order files write
them, each with its type. The reader reads and checks these fields and no other,
the writer sets them and their links, the exporter writes them back. Lengths are
the models' own (limits.py). A name without a type is a field its kind's own code
reads, writes and exports (READ_EXTRA, WRITE_EXTRA, EXPORT_EXTRA: a treatment's
steps, a symptom's contexts, a figure's images).

A new kind shaped like the disease pages is one more FileFormat here, placed
after the kinds its keys name."""

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .. import figures
from ..content_yaml import shown
from ..models import (
    LANGUAGE_CODES,
    SOURCE_LANGUAGE,
    Action,
    Article,
    CareService,
    Disease,
    Family,
    Figure,
    GlossaryTerm,
    SideEffect,
    Source,
    Status,
    Symptom,
    Therapy,
    validate_phone,
)


class Field:
    """A text field: read from its Document (which checks it and names file, line
    and field), written back from the database; left out of an export when empty."""

    def __init__(self, name, *, required=True, column=None):
        self.name = name
        self.required = required  # True, False, or the one language that must have it
        self.column = column or name  # the model's field

    def read(self, doc, reader, language):
        required = self.required in (True, language)
        return doc.text(self.name, required, field=self.column)

    def store(self, item, value, language):
        column = f"{self.column}_{language}" if language else self.column
        item["fields"][column] = value

    def export(self, obj, language):
        return getattr(obj, f"{self.column}_{language}" if language else self.column)


Text = Field


class Slug(Field):
    def read(self, doc, reader, language):
        return doc.key(self.name)


class KeyPoints(Field):
    def read(self, doc, reader, language):
        return doc.key_points()


class Body(Field):
    """The Markdown after the front matter."""

    def read(self, doc, reader, language):
        return doc.markdown_body(self.column)


class NoBody(Field):
    """Front matter only: any text after it is refused with `message`."""

    def __init__(self, message, with_line=True):
        super().__init__("")
        self.message, self.with_line = message, with_line

    def read(self, doc, reader, language):
        if doc.body.strip():
            doc.problem(None, self.message, doc.body_line if self.with_line else None)

    def store(self, item, value, language):
        pass

    def export(self, obj, language):
        return ""


class Integer(Field):
    def __init__(self, name, *, required=True, minimum=0, maximum=32767):
        super().__init__(name, required=required)
        self.minimum, self.maximum = minimum, maximum

    def read(self, doc, reader, language):
        return doc.integer(self.name, self.required, self.minimum, self.maximum)


class Flag(Field):
    """true or false; false is the default, left out."""

    def read(self, doc, reader, language):
        return doc.flag(self.name)

    def export(self, obj, language):
        return super().export(obj, language) or None


class Choice(Field):
    def __init__(self, name, choices):
        super().__init__(name)
        self.choices = choices

    def read(self, doc, reader, language):
        return doc.choice(self.name, self.choices)


class Review(Field):
    """Whether a new object goes online when it is first loaded: files are reviewed
    in git, so one without a status is published; `status: draft` exports what is
    not online. Reviews are signed in the admin by a person (publishing.py)."""

    def __init__(self):
        super().__init__("status", required=False)

    def read(self, doc, reader, language):
        if doc is None or "status" not in doc.data:
            return Status.PUBLISHED
        return doc.choice("status", Status)

    def export(self, obj, language):
        return None if obj.live_version_id else Status.DRAFT.value


class Lines(Field):
    """A list of words in the file, one per line in the database (a term's aliases)."""

    def read(self, doc, reader, language):
        words = doc.data.get(self.name) or []
        if not isinstance(words, list) or not all(
            isinstance(word, str) and word.strip() for word in words
        ):
            doc.problem(self.name, "must be a list of words, e.g. [GVH, GvHD]")
            words = []
        text = "\n".join(word.strip() for word in words)
        return text if doc.fits(self.name, text, None, self.column) else ""

    def export(self, obj, language):
        return (super().export(obj, language) or "").splitlines()


class Url(Field):
    def read(self, doc, reader, language):
        value = super().read(doc, reader, language)
        try:
            value and URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            doc.problem(self.name, f"'{shown(value)}' is not an http(s) address")
        return value


class Language(Field):
    def read(self, doc, reader, language):
        value = super().read(doc, reader, language)
        if value and value not in LANGUAGE_CODES:
            doc.problem(self.name, f"must be one of: {', '.join(LANGUAGE_CODES)}")
        return value


class Phone(Field):
    def __init__(self, name):
        super().__init__(name, required=False)

    def read(self, doc, reader, language):
        number = super().read(doc, reader, language)
        try:
            number and validate_phone(number)
        except ValidationError:
            doc.problem(self.name, f"'{shown(number)}' is not a phone number (e.g. 01 23 45 67 89)")
        return number


class Key(Field):
    """The key of one object of another kind (`of`), or nothing."""

    def __init__(self, name, of, column=None):
        super().__init__(name, required=False, column=column)
        self.of = of

    def read(self, doc, reader, language):
        value = super().read(doc, reader, language)
        if value and value not in reader.known(self.of):
            doc.problem(self.name, f"'{shown(value)}' is not a known {FORMATS[self.of].noun}")
            return ""
        return value


class Keys(Field):
    """Keys of objects of another kind (`of`), set as the many-to-many `relation`;
    exported sorted by key unless `order` orders the related objects."""

    def __init__(self, name, of, relation=None, order=None):
        super().__init__(name, required=False)
        self.of, self.relation, self.order = of, relation or name, order

    def read(self, doc, reader, language):
        return reader.key_list(doc, self.name, reader.known(self.of), FORMATS[self.of].noun)

    def store(self, item, value, language):
        item[self.relation] = value

    def export(self, obj, language):
        related = getattr(obj, self.relation)
        if self.order:
            return [other.key for other in self.order(related)]
        return sorted(other.key for other in related.all())


@dataclass(frozen=True)
class FileFormat:
    """One kind of content: `<folder>/<key>/` holds `meta_file` (its `meta`
    fields) and one `<language><suffix>` file per language (its `texts`, and its
    `body` after the front matter). A kind without `meta_file` is one YAML file per
    key, without languages; a `single` kind is one object, in the folder itself."""

    name: str  # Content's attribute: key -> {"fields": {...}, relation: [keys], ...}
    noun: str  # in messages: "'x' is not a known <noun>"
    folder: str  # in content/
    meta_file: str  # the language-neutral YAML in each object's folder
    meta: tuple  # its fields (Field, or the name of a field its kind reads itself)
    texts: tuple = ()  # each language's front-matter fields (the same)
    body: Field | None = None  # each language's Markdown after the front matter
    suffix: str = ".md"  # of each language's file
    optional: bool = False  # the folder may be missing
    meta_optional: bool = False  # the meta file may be missing (and is written only if needed)
    single: bool = False
    other_files: tuple = ()  # other files an object's folder may hold

    def path(self, key) -> Path:
        """Where an object lives in content/: its folder, or its file."""
        if self.single:
            return Path(self.folder)
        return Path(self.folder, key if self.meta_file else f"{key}.yaml")

    def meta_path(self, key) -> Path:
        return self.path(key) / self.meta_file if self.meta_file else self.path(key)

    def language_path(self, key, language) -> Path:
        return self.path(key) / f"{language}{self.suffix}"

    @property
    def languages(self):
        return LANGUAGE_CODES if self.texts else ()

    @property
    def meta_fields(self) -> set[str]:
        return {getattr(field, "name", field) for field in self.meta}

    @property
    def language_fields(self) -> set[str]:
        return {getattr(field, "name", field) for field in self.texts}


REVIEW = Review()
LINKED_PAGE = dict(
    meta=(
        Integer("order"),
        Keys("therapies", Therapy, order=lambda therapies: therapies.order_by("order")),
        Keys("sources", Source),
        REVIEW,
    ),
    texts=(Text("name"), Slug("slug"), Text("summary"), KeyPoints("key_points")),
    body=Body("body"),
)
SIDE_EFFECT_SIGN_TEXTS = ("note",)  # side-effects/<key>/<lang>.md `signs:`
STEP_TEXTS = ("title", "duration", "body")  # therapies/<key>/<lang>.md `steps:`
ROW_TEXTS = ("duration", "figure", "notes")  # therapies/<key>/<lang>.md `side_effects:`
ROW_META = ("key", "frequency", "onset", "action")  # therapy.yaml `side_effects:`
CONTEXT_TEXTS = ("note",)  # symptoms/<key>/<lang>.md `contexts:`
CONTEXT_META = ("therapy", "tier")  # symptom.yaml `contexts:`

# In the order they are read: a kind's keys may list only kinds read before it.
FORMATS = {
    Source: FileFormat(
        "sources", "source", "sources", "",
        (Text("title"), Text("publisher"), Url("url"),
         Integer("year", required=False, minimum=1900, maximum=2100), Language("language"),
         REVIEW),
    ),
    Figure: FileFormat(
        "figures", "figure", "figures", "figure.yaml",
        (Text("licence"), Keys("sources", Source), REVIEW),
        (Text("alt"), Text("caption"), Text("credit", required=SOURCE_LANGUAGE)),
        NoBody("a figure's file has front matter only, no text after it", with_line=False),
        optional=True,
        other_files=tuple(f"{lang}.{ext}" for lang in LANGUAGE_CODES for ext in figures.TYPES),
    ),
    GlossaryTerm: FileFormat(
        "glossary", "glossary term", "glossary", "term.yaml", (REVIEW,),
        (Text("term", column="name"), Slug("slug"), Lines("aliases", required=False)),
        Body("definition"),
        meta_optional=True,
    ),
    Symptom: FileFormat(
        "symptoms", "symptom", "symptoms", "symptom.yaml",
        (Choice("tier", Action), Integer("order"), Flag("on_every_page"), REVIEW,
         Keys("sources", Source), "contexts"),
        (Text("name"), Text("threshold", required=False), Text("what_to_do"), "contexts"),
        NoBody("front matter only: no text after ---"),
    ),
    SideEffect: FileFormat(
        "side_effects", "side effect", "side-effects", "side-effect.yaml",
        (Keys("sources", Source), Key("symptom", Symptom, column="symptom_key"),
         "warning_signs", "raised_tiers", REVIEW),
        (Text("name"), Slug("slug"), Text("summary"), KeyPoints("key_points"),
         Text("self_care"), "signs"),
        Body("body"),
    ),
    Therapy: FileFormat(
        "therapies", "treatment", "therapies", "therapy.yaml",
        (Choice("family", Family), Integer("order"), REVIEW, Keys("sources", Source),
         # The guide's order: the table's, most urgent first (an M2M keeps no order of its own).
         Keys("warning_signs", Symptom, "signs", order=lambda signs: signs.by_urgency()),
         "steps", "side_effects"),
        (Text("name"), Slug("slug"), Text("summary"), KeyPoints("key_points"),
         Text("daily_life", required=False), "steps", "side_effects"),
        Body("body"),
    ),
    Disease: FileFormat("diseases", "disease", "diseases", "disease.yaml", **LINKED_PAGE),
    Article: FileFormat(
        "articles", "article", "articles", "article.yaml", **LINKED_PAGE, optional=True
    ),
    CareService: FileFormat(
        "service", "service", "service", "service.yaml",
        (Phone("ward_phone"), Phone("day_hospital_phone"), Phone("switchboard_phone"), REVIEW),
        (Text("name"), Text("address", required=False),
         Text("day_hospital_hours", required=False), Text("after_hours", required=False)),
        suffix=".yaml", optional=True, single=True,
    ),
}  # fmt: skip
# What an export rewrites (and prunes) in content/.
EXPORTED_FOLDERS = (*(f.folder for f in FORMATS.values()), "synonyms")
