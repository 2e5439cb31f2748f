"""Reading, checking and writing the content files of content/ (see content/README.md).

`read_content(root)` reads and checks every file and returns the whole
content, or raises ContentErrors listing every problem with its file, line and
field. `write_content(content)` then writes it in one transaction, matching
each object by its key and saving only what changed, so that loading the same
files twice changes nothing.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import resolve
from django.utils.text import slugify
from django.utils.translation import override

from . import content_yaml, figures, publishing
from .content_yaml import shown
from .limits import (
    MAX_CONTENT_FILE_SIZE,
    key_points_problem,
    markdown_problem,
    max_length,
    too_long,
)
from .markdown import image_references
from .models import (
    LANGUAGE_CODES,
    SOURCE_LANGUAGE,
    Action,
    Article,
    CareService,
    Disease,
    Family,
    Figure,
    Frequency,
    GlossaryTerm,
    ImportRecord,
    Onset,
    Setting,
    SideEffect,
    SideEffectSign,
    Source,
    Status,
    Symptom,
    SymptomContext,
    SynonymGroup,
    Therapy,
    TherapySideEffect,
    TreatmentStep,
    raises_or_keeps,
    validate_phone,
)

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Content files say only whether a new object goes online when it is first
# loaded; reviews are signed in the admin by a person (publishing.py).
REVIEW_FIELDS = ("status",)
# The one service whose contact details content/service/ holds.
SERVICE_KEY = "service"


def unreadable(key, what) -> str:
    return f"'{key}' is not a known {what}: its own files have problems, listed above"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    field: str | None
    message: str
    # Caused by a problem of another file (a side effect that could not be read
    # is "not a known side effect" for the treatments that list it): listed after.
    consequence: bool = False

    def __str__(self):
        where = str(self.path)
        if self.line:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{shown(self.field, 100)}'"
        return f"{where}: {self.message}"


class ContentErrors(Exception):
    def __init__(self, problems):
        self.problems = sorted(
            problems, key=lambda p: (p.consequence, str(p.path), p.line or 0)
        )  # root causes first
        super().__init__("\n".join(str(problem) for problem in self.problems))


class Document:
    """One content file: its YAML data, its Markdown body, and where each field is."""

    def __init__(self, path: Path, display_path: Path, problems: list, expected=dict, model=None):
        self.expected = expected  # the YAML's top level: a mapping, or a list
        self.model = model  # the model its fields go to: their lengths are checked
        self.path = path
        self.display_path = display_path
        self.problems = problems
        self.data = expected()
        self.body = ""
        self.lines = {}
        self.first_line = 1  # line of the YAML text in the file
        self.body_line = None  # line of the Markdown body in the file
        self.ok = True
        self.figure_keys = None  # the figures its Markdown may place (ContentReader)
        self._read()

    def problem(self, field_path, message, line=None, consequence=False):
        if line is None and field_path is not None:
            line = self.line(field_path)
        self.problems.append(Problem(self.display_path, line, field_path, message, consequence))
        self.ok = False

    def line(self, field_path):
        """The line of a field, or of the nearest field around it that the file has."""
        for _ in range(content_yaml.MAX_DEPTH + 1):  # a key may hold dots: stop anyway
            if field_path in self.lines:
                return self.lines[field_path]
            parent = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", field_path)
            if parent == field_path:
                return None
            field_path = parent
        return None

    def _read(self):
        try:
            size = self.path.stat().st_size
            if size > MAX_CONTENT_FILE_SIZE:  # checked before reading it: memory stays bounded
                self.problem(
                    None, f"too large: {size:,} bytes, at most {MAX_CONTENT_FILE_SIZE:,} allowed", 1
                )
                return
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            self.problem(None, f"not UTF-8 text ({error.reason})")
            return
        except OSError as error:
            self.problem(None, f"cannot be read ({error.strerror})")
            return
        if self.path.suffix == ".md":
            match = re.match(r"---[ \t]*\n(.*?\n)---[ \t]*(?:\n|$)(.*)", text, re.DOTALL)
            if not match:
                self.problem(
                    None, "the file must start with YAML front matter between --- lines", 1
                )
                return
            yaml_text, self.body = match.group(1), match.group(2)
            self.first_line = 2
            self.body_line = self.first_line + yaml_text.count("\n") + 1
        else:
            yaml_text = text
        try:
            data, lines = content_yaml.load(yaml_text, self.first_line)
        except content_yaml.Refused as error:
            self.problem(error.field, error.problem, error.problem_mark.line + self.first_line)
            return
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + self.first_line if mark else None
            self.problem(None, f"invalid YAML: {getattr(error, 'problem', None) or error}", line)
            return
        if not isinstance(data, self.expected):
            wanted = "a mapping of field: value" if self.expected is dict else "a list"
            self.problem(None, f"expected {wanted}", self.first_line)
            return
        self.data = data
        self.lines = lines

    # --- typed accessors: each records a problem and returns a safe value ---

    def check_fields(self, allowed, prefix="", data=None):
        data = self.data if data is None else data
        for name in data:
            if name not in allowed:
                path = f"{prefix}.{name}" if prefix else str(name)
                self.problem(path, f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def text(self, name, required=True, data=None, prefix="", model=None, field=None):
        """A text for the field `field` (by default `name`) of `model` (by
        default the document's), within that field's length."""
        data = self.data if data is None else data
        path = f"{prefix}.{name}" if prefix else name
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(path, "is required and must not be empty")
            return ""
        if not isinstance(value, str | int | float):
            self.problem(path, "must be text")
            return ""
        value = str(value).strip()
        self.check_images(path, value)
        return value if self.fits(path, value, model, field or name) else ""

    def fits(self, path, value, model, field):
        """Whether `value` fits in its database field: the same check on
        SQLite (which would store it whole) and PostgreSQL (which would fail)."""
        model = model or self.model
        limit = max_length(model, field) if model else None
        if limit is not None and len(value) > limit:
            self.problem(path, too_long(len(value), limit))
            return False
        if field in getattr(model, "markdown_fields", ()) and (problem := markdown_problem(value)):
            self.problem(path, problem)
            return False
        return True

    def key_points(self):
        """The page's "Key points": required, a Markdown list of 3 to 5 items.
        A missing one is reported at the front matter's first line."""
        before = len(self.problems)
        value = self.text("key_points", required=False)
        if len(self.problems) == before and (problem := key_points_problem(value)):
            self.problem("key_points", problem, self.line("key_points") or self.first_line)
            return ""
        return value

    def key(self, name, data=None, prefix=""):
        value = self.text(name, data=data, prefix=prefix)
        if value and not KEY_PATTERN.match(value):
            path = f"{prefix}.{name}" if prefix else name
            self.problem(path, f"'{value}' must be lower-case ASCII letters, digits and hyphens")
        return value

    def choice(self, name, choices, data=None, prefix="", model=None, field=None):
        value = self.text(name, data=data, prefix=prefix, model=model, field=field)
        if value and value not in choices.values:
            path = f"{prefix}.{name}" if prefix else name
            self.problem(path, f"'{shown(value)}' is not one of: {', '.join(choices.values)}")
            return ""
        return value

    def date(self, name):
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        self.problem(name, f"'{shown(value)}' must be a date written YYYY-MM-DD")
        return None

    def integer(self, name, required=True, minimum=0, maximum=32767):
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
            self.problem(
                name, f"'{shown(value)}' must be a whole number from {minimum} to {maximum}"
            )
            return None
        return value

    def flag(self, name) -> bool:
        """A yes-or-no field: `true` or `false`, false when left out."""
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            self.problem(name, f"'{shown(value)}' must be true or false")
            return False
        return value

    def key_list(self, name, known, what, broken=()):
        """Keys of known objects; `broken` ones exist but could not be read."""
        value = self.data.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(name, "must be a list of keys, e.g. [one, two]")
            return []
        keys = {}  # a dict: in order, and a key is found at once
        for index, item in enumerate(value):
            path = f"{name}[{index}]"
            if isinstance(item, str) and item in broken:
                self.problem(path, unreadable(item, what), consequence=True)
            elif not isinstance(item, str) or item not in known:
                self.problem(path, f"'{shown(item)}' is not a known {what}")
            elif item in keys:
                self.problem(path, f"'{item}' is listed twice")
            else:
                keys[item] = None
        return list(keys)

    def mapping(self, name, required=True):
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return {}
        if not isinstance(value, dict):
            self.problem(name, "must be a mapping of key: value")
            return {}
        return value

    def markdown_body(self, field="body"):
        body = self.body.strip()
        if not body:
            self.problem(None, "the Markdown body after the front matter is empty")
        limit = max_length(self.model, field) if self.model else None
        if limit is not None and len(body) > limit:
            self.problem(None, f"the Markdown body is {too_long(len(body), limit)}", self.body_line)
            return ""
        if problem := markdown_problem(body):
            self.problem(None, f"the Markdown body: {problem}", self.body_line)
            return ""
        self.check_images(None, body)
        return body

    def check_images(self, path, text):
        """Markdown places only our figures, by a key that exists; an image from
        another site is refused (it would never be shown)."""
        if self.figure_keys is None:
            return
        keys, others = image_references(text)
        for image in others:
            self.problem(
                path,
                f"the image '{shown(image)}' is not a figure: images are placed with "
                "![](figure:key), from content/figures/<key>/, never from another site",
                self.text_line(path, text, image),
            )
        for key in keys:
            if key not in self.figure_keys:
                self.problem(
                    path,
                    f"'figure:{shown(key)}' is not a known figure (content/figures/<key>/)",
                    self.text_line(path, text, key),
                )

    def text_line(self, path, text, token):
        """The line of `token` in a field's text (the Markdown body when path is None)."""
        if path is not None:
            return self.line(path)
        offset = self.body.find(token)
        return self.body_line + self.body.count("\n", 0, offset) if offset >= 0 else None


# --- The content, read and checked ----------------------------------------------------------


@dataclass
class Content:
    sources: dict = field(default_factory=dict)  # key -> fields
    glossary: dict = field(default_factory=dict)  # key -> {"fields"}
    side_effects: dict = field(default_factory=dict)  # key -> {"fields":…, "sources":[…]}
    therapies: dict = field(default_factory=dict)  # key -> {"fields", "sources", "steps", …}
    diseases: dict = field(default_factory=dict)  # key -> {"fields", "sources", "therapies"}
    articles: dict = field(default_factory=dict)  # key -> {"fields", "sources", "therapies"}
    synonyms: dict = field(default_factory=dict)  # (language, key) -> {"terms": "..."}
    service: dict = field(default_factory=dict)  # the fields of the contact details, or {}
    figures: dict = field(default_factory=dict)  # key -> {"fields", "sources", "images"}
    symptoms: dict = field(default_factory=dict)  # key -> {"fields", "sources", "contexts"}


def _localized(values: dict, language: str) -> dict:
    return {f"{name}_{language}": value for name, value in values.items()}


class ContentReader:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.problems = []
        self.content = Content()
        self.unread = {}  # "source", "side effect", "treatment" -> keys whose files have problems
        # (document, field, treatment key) of each symptom context, checked once treatments are read
        self.context_therapies = []

    def display(self, path: Path) -> Path:
        try:
            return path.relative_to(self.root.parent)
        except ValueError:
            return path

    def document(self, path: Path, model, expected=dict) -> Document:
        document = Document(path, self.display(path), self.problems, expected, model)
        # None until the figures are read: their own files place no figure.
        document.figure_keys = getattr(self, "known_figures", None)
        return document

    def missing(self, path: Path, message="this file is missing"):
        self.problems.append(Problem(self.display(path), None, None, message))

    def read(self) -> Content:
        if not self.root.is_dir():
            raise ContentErrors([Problem(self.root, None, None, "no such content folder")])
        self.read_sources()
        self.read_figures()
        self.read_glossary()
        self.read_symptoms()
        self.read_side_effects()
        self.read_therapies()
        self.check_context_therapies()
        self.read_diseases()
        self.read_articles()
        self.read_synonyms()
        self.read_service()
        self.check_unique_slugs()
        if self.problems:
            raise ContentErrors(self.problems)
        return self.content

    def keyed_entries(self, folder: Path, model, *, directories: bool):
        """(key, path) for each file (or folder) of `folder`, checking the key
        (the `key` of `model`)."""
        if not folder.is_dir():
            self.missing(folder, "this folder is missing")
            return []
        entries = []
        for path in sorted(folder.iterdir()):
            if path.name.startswith("."):
                continue
            key = path.name if directories else path.stem
            if path.is_dir() != directories or (not directories and path.suffix != ".yaml"):
                expected = "a folder" if directories else "a .yaml file"
                self.missing(path, f"unexpected entry: each entry here must be {expected}")
            elif not KEY_PATTERN.match(key):
                self.missing(path, f"'{key}' is not a valid key (lower-case ASCII and hyphens)")
            elif len(key) > max_length(model, "key"):
                self.missing(path, f"the key is {too_long(len(key), max_length(model, 'key'))}")
            else:
                entries.append((key, path))
        return entries

    def check_folder_files(self, folder: Path, expected: set[str]):
        for path in folder.iterdir():
            if path.name not in expected and not path.name.startswith("."):
                self.missing(path, f"unexpected file (expected: {', '.join(sorted(expected))})")

    def note_unread(self, what, entries, read):
        """The keys of `entries` that have files but were not read, for the
        problems they cause elsewhere (Problem.consequence)."""
        self.unread[what] = {key for key, _path in entries} - read.keys()

    def key_list(self, doc, name, known, what):
        return doc.key_list(name, known, what, broken=self.unread.get(what, ()))

    def language_documents(self, folder: Path, model):
        documents = {}
        for language in LANGUAGE_CODES:
            path = folder / f"{language}.md"
            if path.is_file():
                documents[language] = self.document(path, model)
            else:
                self.missing(path, f"the {language} translation is missing")
        return documents

    # sources/<key>.yaml
    def read_sources(self):
        url_validator = URLValidator(schemes=["http", "https"])
        entries = self.keyed_entries(self.root / "sources", Source, directories=False)
        for key, path in entries:
            doc = self.document(path, Source)
            if not doc.ok:
                continue
            doc.check_fields({"title", "publisher", "url", "year", "language", *REVIEW_FIELDS})
            values = {
                **self.read_review(doc),
                "title": doc.text("title"),
                "publisher": doc.text("publisher"),
                "url": doc.text("url"),
                "year": doc.integer("year", required=False, minimum=1900, maximum=2100),
                "language": doc.text("language"),
            }
            if values["language"] and values["language"] not in LANGUAGE_CODES:
                doc.problem("language", f"must be one of: {', '.join(LANGUAGE_CODES)}")
            if values["url"]:
                try:
                    url_validator(values["url"])
                except ValidationError:
                    doc.problem("url", f"'{shown(values['url'])}' is not an http(s) address")
            if doc.ok:
                self.content.sources[key] = values
        self.note_unread("source", entries, self.content.sources)

    # figures/<key>/{figure.yaml, fr.md, en.md, fr.<ext>, en.<ext>}
    def read_figures(self):
        folder = self.root / "figures"
        if not folder.is_dir():  # optional: a site may have no figure
            self.known_figures = set()
            return
        entries = self.keyed_entries(folder, Figure, directories=True)
        extensions = sorted(figures.TYPES)
        for key, path in entries:
            images = {f"{language}.{ext}" for language in LANGUAGE_CODES for ext in extensions}
            self.check_folder_files(path, {"figure.yaml", *self.language_files(), *images})
            meta_path = path / "figure.yaml"
            if not meta_path.is_file():
                self.missing(meta_path)
                continue
            meta = self.document(meta_path, Figure)
            meta.check_fields({"licence", "sources", *REVIEW_FIELDS})
            figure = {
                "fields": {"licence": meta.text("licence"), **self.read_review(meta)},
                "sources": self.key_list(meta, "sources", self.content.sources, "source"),
                "images": {},
            }
            documents = self.language_documents(path, Figure)
            for language, doc in documents.items():
                if not doc.ok:
                    continue
                doc.check_fields({"alt", "caption", "credit"})
                values = {
                    "alt": doc.text("alt"),
                    "caption": doc.text("caption"),
                    "credit": doc.text("credit", required=language == SOURCE_LANGUAGE),
                }
                if doc.body.strip():
                    doc.problem(None, "a figure's file has front matter only, no text after it")
                figure["fields"].update(_localized(values, language))
            ok = meta.ok and self.complete(documents)
            for language in LANGUAGE_CODES:
                found = [path / f"{language}.{ext}" for ext in extensions]
                found = [image for image in found if image.is_file()]
                if len(found) > 1:
                    self.missing(found[1], f"two {language} images: keep one")
                    ok = False
                elif not found and language == SOURCE_LANGUAGE:
                    self.missing(path / f"{language}.svg", "the image is missing (.svg, .png…)")
                    ok = False
                elif found:
                    image = self.read_image(found[0])
                    ok = ok and image is not None
                    figure["images"][language] = image
            if ok:
                self.content.figures[key] = figure
        self.note_unread("figure", entries, self.content.figures)
        # Markdown may place the figures read, and those whose own problems are listed.
        self.known_figures = {*self.content.figures, *self.unread["figure"]}

    def read_image(self, path: Path):
        """The image checked and ready to store (figures.prepare), or None."""
        try:
            if path.stat().st_size > figures.MAX_FIGURE_BYTES:
                raise figures.FigureRefused(figures.too_large(path.stat().st_size))
            return figures.prepare(path.read_bytes(), path.name)
        except figures.FigureRefused as refused:
            with override(None):  # the loader's messages are for the operator, in English
                self.missing(path, str(refused.args[0]))
        except OSError as error:
            self.missing(path, f"cannot be read ({error.strerror})")
        return None

    # side-effects/<key>/{side-effect.yaml, fr.md, en.md}
    def read_side_effects(self):
        entries = self.keyed_entries(self.root / "side-effects", SideEffect, directories=True)
        for key, folder in entries:
            self.check_folder_files(folder, {"side-effect.yaml", *self.language_files()})
            meta_path = folder / "side-effect.yaml"
            if not meta_path.is_file():
                self.missing(meta_path)
                continue
            meta = self.document(meta_path, SideEffect)
            meta.check_fields(
                {"sources", "symptom", "warning_signs", "raised_tiers", *REVIEW_FIELDS}
            )
            sources = self.key_list(meta, "sources", self.content.sources, "source")
            # The file's order is kept; each sign's note (per language) is read below.
            signs = {
                key: {"order": order, "tier": "", **{f"note_{lang}": "" for lang in LANGUAGE_CODES}}
                for order, key in enumerate(
                    self.key_list(meta, "warning_signs", self.content.symptoms, "symptom")
                )
            }
            self.read_raised_tiers(meta, signs)
            symptom = meta.text("symptom", required=False, field="symptom_key")
            if symptom and symptom not in self.content.symptoms:
                meta.problem("symptom", f"'{shown(symptom)}' is not a known symptom")
                symptom = ""
            fields = {"symptom_key": symptom}
            documents = self.language_documents(folder, SideEffect)
            for language, doc in documents.items():
                if not doc.ok:
                    continue
                names = {"name", "slug", "summary", "key_points", "self_care"}
                doc.check_fields({*names, "signs"})
                values = {name: doc.text(name) for name in names - {"slug", "key_points"}}
                values["slug"] = doc.key("slug")
                values["key_points"] = doc.key_points()
                values["body"] = doc.markdown_body()
                fields.update(_localized(values, language))
                self.read_keyed_texts(
                    doc, "signs", signs, language, {"note": False}, SideEffectSign, meta.ok,
                    listed_in="side-effect.yaml's warning_signs", every_key=False,
                )  # fmt: skip
            if (
                meta.ok
                and len(documents) == len(LANGUAGE_CODES)
                and all(doc.ok for doc in documents.values())
            ):
                fields.update(self.read_review(meta))
                self.content.side_effects[key] = {
                    "fields": fields, "sources": sources, "signs": signs,
                }  # fmt: skip
        self.note_unread("side effect", entries, self.content.side_effects)

    def read_raised_tiers(self, meta, signs):
        """side-effect.yaml's `raised_tiers: {symptom key: tier}`: the signs this side
        effect makes more urgent than the table (never less)."""
        raised = meta.mapping("raised_tiers", required=False)
        for key in raised:
            path = f"raised_tiers.{shown(key)}"
            if key not in signs:
                meta.problem(path, "is not one of this side effect's warning_signs")
                continue
            tier = meta.choice(key, Action, raised, "raised_tiers", SideEffectSign, "tier")
            table = self.content.symptoms[key]["fields"]["tier"]
            if tier and not raises_or_keeps(table, tier):
                meta.problem(
                    path,
                    f"'{tier}' is less urgent than the symptom's tier '{table}': "
                    "a side effect may raise a symptom's tier, never lower it",
                )
            elif tier:
                signs[key]["tier"] = tier

    # symptoms/<key>/{symptom.yaml, fr.md, en.md}: the triage table
    def read_symptoms(self):
        entries = self.keyed_entries(self.root / "symptoms", Symptom, directories=True)
        for key, folder in entries:
            self.check_folder_files(folder, {"symptom.yaml", *self.language_files()})
            meta_path = folder / "symptom.yaml"
            if not meta_path.is_file():
                self.missing(meta_path)
                continue
            meta = self.document(meta_path, Symptom)
            if not meta.ok:
                continue
            meta.check_fields(
                {"tier", "order", "on_every_page", "sources", "contexts", *REVIEW_FIELDS}
            )
            tier = meta.choice("tier", Action)
            sources = self.key_list(meta, "sources", self.content.sources, "source")
            if not meta.data.get("sources"):
                meta.problem("sources", "at least one source must set this tier")
            symptom = {
                "fields": {
                    "tier": tier,
                    "order": meta.integer("order"),
                    "on_every_page": meta.flag("on_every_page"),
                    **self.read_review(meta),
                },
                "sources": sources,
                "contexts": self.read_symptom_contexts(meta, tier),
            }
            documents = self.language_documents(folder, Symptom)
            for language, doc in documents.items():
                if not doc.ok:
                    continue
                doc.check_fields({"name", "threshold", "what_to_do", "contexts"})
                if doc.body.strip():
                    doc.problem(None, "front matter only: no text after ---", doc.body_line)
                values = {
                    "name": doc.text("name"),
                    "threshold": doc.text("threshold", required=False),
                    "what_to_do": doc.text("what_to_do"),
                }
                symptom["fields"].update(_localized(values, language))
                self.read_keyed_texts(
                    doc, "contexts", symptom["contexts"], language, {"note": True},
                    SymptomContext, meta.ok, listed_in="symptom.yaml",
                )  # fmt: skip
            if meta.ok and self.complete(documents):
                self.content.symptoms[key] = symptom
        self.note_unread("symptom", entries, self.content.symptoms)

    def read_symptom_contexts(self, meta, tier) -> dict:
        """The treatments that raise this symptom's tier: {treatment key: values}."""
        rows = meta.data.get("contexts") or []
        if not isinstance(rows, list):
            meta.problem("contexts", "must be a list of treatments, each with therapy and tier")
            return {}
        contexts = {}
        for index, row in enumerate(rows):
            prefix = f"contexts[{index}]"
            if not isinstance(row, dict):
                meta.problem(prefix, "must be a mapping with therapy and tier")
                continue
            meta.check_fields({"therapy", "tier"}, prefix, row)
            therapy = meta.text("therapy", data=row, prefix=prefix, model=SymptomContext,
                                field="therapy_key")  # fmt: skip
            raised = meta.choice("tier", Action, row, prefix, SymptomContext)
            if raised and tier and not raises_or_keeps(tier, raised):
                meta.problem(
                    f"{prefix}.tier",
                    f"'{raised}' is less urgent than the symptom's tier '{tier}': "
                    "a treatment may raise a symptom's tier, never lower it",
                )
            if therapy in contexts:
                meta.problem(f"{prefix}.therapy", f"'{therapy}' is listed twice")
            elif therapy:
                contexts[therapy] = {"tier": raised, "order": index}
                self.context_therapies.append((meta, f"{prefix}.therapy", therapy))
        return contexts

    def check_context_therapies(self):
        for meta, path, therapy in self.context_therapies:
            if therapy in self.unread.get("treatment", ()):
                meta.problem(path, unreadable(therapy, "treatment"), consequence=True)
            elif therapy not in self.content.therapies:
                meta.problem(path, f"'{shown(therapy)}' is not a known treatment")

    # glossary/<key>/{fr.md, en.md}
    def read_glossary(self):
        for key, folder in self.keyed_entries(
            self.root / "glossary", GlossaryTerm, directories=True
        ):
            self.check_folder_files(folder, {"term.yaml", *self.language_files()})
            documents = self.language_documents(folder, GlossaryTerm)
            fields = {}
            meta_path = folder / "term.yaml"  # optional: only when not simply published
            if meta_path.is_file():
                meta = self.document(meta_path, GlossaryTerm)
                meta.check_fields(set(REVIEW_FIELDS))
                fields.update(self.read_review(meta))
            else:
                fields.update(self.read_review(None))
            for language, doc in documents.items():
                if not doc.ok:
                    continue
                doc.check_fields({"term", "slug", "aliases"})
                aliases = doc.data.get("aliases") or []
                if not isinstance(aliases, list) or not all(
                    isinstance(alias, str) and alias.strip() for alias in aliases
                ):
                    doc.problem("aliases", "must be a list of words, e.g. [GVH, GvHD]")
                    aliases = []
                aliases = "\n".join(alias.strip() for alias in aliases)
                values = {
                    "name": doc.text("term", field="name"),
                    "slug": doc.key("slug"),
                    "aliases": aliases if doc.fits("aliases", aliases, None, "aliases") else "",
                    "definition": doc.markdown_body("definition"),
                }
                fields.update(_localized(values, language))
            if self.complete(documents):
                self.content.glossary[key] = {"fields": fields}

    # diseases/<key>/{disease.yaml, fr.md, en.md}
    def read_diseases(self):
        self.content.diseases = self.read_linked_pages("diseases", "disease.yaml", Disease)

    # articles/<key>/{article.yaml, fr.md, en.md}
    def read_articles(self):
        if not (self.root / "articles").is_dir():  # optional
            return
        self.content.articles = self.read_linked_pages("articles", "article.yaml", Article)
        for key, article in self.content.articles.items():
            for language in LANGUAGE_CODES:
                slug = article["fields"][f"slug_{language}"]
                with override(language):
                    match = resolve(f"/{language}/{slug}/")
                if match.url_name != "article":  # /fr/traitements/ is the treatments' list
                    path = self.display(self.root / "articles" / key / f"{language}.md")
                    message = f"'{slug}' is the address of another page of the site"
                    self.problems.append(Problem(path, None, "slug", message))

    def read_linked_pages(self, folder_name, meta_name, model) -> dict:
        """Pages made of a summary and a body, listing the treatments they concern."""
        pages = {}
        for key, folder in self.keyed_entries(self.root / folder_name, model, directories=True):
            self.check_folder_files(folder, {meta_name, *self.language_files()})
            meta_path = folder / meta_name
            if not meta_path.is_file():
                self.missing(meta_path)
                continue
            meta = self.document(meta_path, model)
            meta.check_fields({"order", "therapies", "sources", *REVIEW_FIELDS})
            page = {
                "fields": {"order": meta.integer("order"), **self.read_review(meta)},
                "therapies": self.key_list(meta, "therapies", self.content.therapies, "treatment"),
                "sources": self.key_list(meta, "sources", self.content.sources, "source"),
            }
            documents = self.language_documents(folder, model)
            for language, doc in documents.items():
                if not doc.ok:
                    continue
                doc.check_fields({"name", "slug", "summary", "key_points"})
                values = {
                    "name": doc.text("name"),
                    "slug": doc.key("slug"),
                    "summary": doc.text("summary"),
                    "key_points": doc.key_points(),
                    "body": doc.markdown_body(),
                }
                page["fields"].update(_localized(values, language))
            if meta.ok and self.complete(documents):
                pages[key] = page
        return pages

    # synonyms/<lang>.yaml
    def read_synonyms(self):
        folder = self.root / "synonyms"
        if not folder.is_dir():
            self.missing(folder, "this folder is missing")
            return
        self.check_folder_files(folder, {f"{language}.yaml" for language in LANGUAGE_CODES})
        for language in LANGUAGE_CODES:
            path = folder / f"{language}.yaml"
            if not path.is_file():
                self.missing(path, f"the {language} synonyms are missing")
                continue
            doc = self.document(path, SynonymGroup, expected=list)
            for index, group in enumerate(doc.data if doc.ok else []):
                line = doc.lines.get(f"[{index}]")
                words = (
                    [str(word).strip() for word in group if str(word).strip()]
                    if isinstance(group, list)
                    else []
                )
                if len(words) < 2:
                    doc.problem(None, f"group {index + 1} must list two words or more", line)
                    continue
                key = slugify(words[0]) or f"group-{index + 1}"
                terms = "\n".join(words)
                if len(key) > max_length(SynonymGroup, "key"):
                    doc.problem(None, f"group {index + 1}: its first word is too long", line)
                elif (language, key) in self.content.synonyms:
                    doc.problem(None, f"'{shown(words[0])}' starts two groups", line)
                elif len(terms) > max_length(SynonymGroup, "terms"):
                    limit = max_length(SynonymGroup, "terms")
                    doc.problem(None, f"group {index + 1} is {too_long(len(terms), limit)}", line)
                else:
                    self.content.synonyms[(language, key)] = {"terms": terms}

    # service/{service.yaml, fr.yaml, en.yaml}: optional
    def read_service(self):
        folder = self.root / "service"
        if not folder.is_dir():
            return  # no contact details: the pages point to the discharge letter
        names = {f"{language}.yaml" for language in LANGUAGE_CODES}
        self.check_folder_files(folder, {"service.yaml", *names})
        meta_path = folder / "service.yaml"
        if not meta_path.is_file():
            self.missing(meta_path)
            return
        meta = self.document(meta_path, CareService)
        phones = ("ward_phone", "day_hospital_phone", "switchboard_phone")
        meta.check_fields({*phones, *REVIEW_FIELDS})
        fields = self.read_review(meta)
        for name in phones:
            number = meta.text(name, required=False)
            try:
                validate_phone(number) if number else None
            except ValidationError:
                meta.problem(name, f"'{shown(number)}' is not a phone number (e.g. 01 23 45 67 89)")
            fields[name] = number
        documents = {}
        for language in LANGUAGE_CODES:
            path = folder / f"{language}.yaml"
            if not path.is_file():
                self.missing(path, f"the {language} translation is missing")
                continue
            doc = documents[language] = self.document(path, CareService)
            if not doc.ok:
                continue
            texts = {"name": True, "address": False, "day_hospital_hours": False,
                     "after_hours": False}  # fmt: skip
            doc.check_fields(set(texts))
            values = {name: doc.text(name, required=required) for name, required in texts.items()}
            fields.update(_localized(values, language))
        if meta.ok and self.complete(documents):
            self.content.service = fields

    @staticmethod
    def read_review(meta) -> dict:
        """Whether a new object goes online when it is first loaded: files are
        reviewed in git, so one without a status is published."""
        if meta is None or "status" not in meta.data:
            return {"status": Status.PUBLISHED}
        return {"status": meta.choice("status", Status)}

    def complete(self, documents) -> bool:
        return len(documents) == len(LANGUAGE_CODES) and all(doc.ok for doc in documents.values())

    @staticmethod
    def language_files():
        return {f"{language}.md" for language in LANGUAGE_CODES}

    # therapies/<key>/{therapy.yaml, fr.md, en.md}
    def read_therapies(self):
        entries = self.keyed_entries(self.root / "therapies", Therapy, directories=True)
        for key, folder in entries:
            self.check_folder_files(folder, {"therapy.yaml", *self.language_files()})
            meta_path = folder / "therapy.yaml"
            if not meta_path.is_file():
                self.missing(meta_path)
                continue
            meta = self.document(meta_path, Therapy)
            if not meta.ok:
                continue
            therapy = self.read_therapy_meta(meta, key)
            documents = self.language_documents(folder, Therapy)
            for language, doc in documents.items():
                if doc.ok:
                    self.read_therapy_language(doc, language, therapy, meta.ok)
            if (
                meta.ok
                and len(documents) == len(LANGUAGE_CODES)
                and all(doc.ok for doc in documents.values())
            ):
                self.content.therapies[key] = therapy
        self.note_unread("treatment", entries, self.content.therapies)

    @staticmethod
    def read_steps(meta):
        """The step keys in order, and where each happens: `- infusion: ward`
        (or `- infusion` where no single place fits)."""
        steps, settings = [], {}
        entries = meta.data.get("steps") or []
        if not isinstance(entries, list):
            entries = [None]
        for index, entry in enumerate(entries):
            if isinstance(entry, dict) and len(entry) == 1:
                [(step, setting)] = entry.items()
                if setting is not None and setting not in Setting.values:
                    where = f"'{shown(setting)}' is not one of: {', '.join(Setting.values)}"
                    meta.problem(f"steps[{index}].{shown(step)}", where)
                elif setting is not None:
                    settings[step] = setting
                entry = step
            if not isinstance(entry, str):
                meta.problem(
                    "steps", "must be a list of step keys, each with where it happens, "
                    "e.g. [consultation: clinic, infusion: ward]",
                )  # fmt: skip
                return [], {}
            steps.append(entry)
        return steps, settings

    def read_therapy_meta(self, meta, key):
        meta.check_fields(
            {"family", "order", "sources", "warning_signs", "steps", "side_effects", *REVIEW_FIELDS}
        )
        steps, settings = self.read_steps(meta)
        first = {}  # step -> its first index
        for index, step in enumerate(steps):
            if not KEY_PATTERN.match(step):
                meta.problem(f"steps[{index}]", f"'{shown(step)}' is not a valid key")
            elif first.setdefault(step, index) != index:
                meta.problem(f"steps[{index}]", f"'{step}' is listed twice")
            else:
                meta.fits(f"steps[{index}]", step, TreatmentStep, "key")
        rows = meta.data.get("side_effects") or []
        if not isinstance(rows, list):
            meta.problem("side_effects", "must be a list of side effects")
            rows = []
        side_effects = {}
        for index, row in enumerate(rows):
            prefix = f"side_effects[{index}]"
            if not isinstance(row, dict):
                meta.problem(prefix, "must be a mapping with key, frequency, onset and action")
                continue
            meta.check_fields({"key", "frequency", "onset", "action"}, prefix, row)
            effect = meta.text("key", data=row, prefix=prefix, model=SideEffect)
            if effect in self.unread.get("side effect", ()):
                meta.problem(f"{prefix}.key", unreadable(effect, "side effect"), consequence=True)
            elif effect and effect not in self.content.side_effects:
                meta.problem(f"{prefix}.key", f"'{shown(effect)}' is not a known side effect")
            elif effect in side_effects:
                meta.problem(f"{prefix}.key", f"'{effect}' is listed twice")
            values = {
                "frequency": meta.choice("frequency", Frequency, row, prefix, TherapySideEffect),
                "onset": meta.choice("onset", Onset, row, prefix, TherapySideEffect),
                "action": meta.choice("action", Action, row, prefix, TherapySideEffect),
                "order": index,
            }
            if effect:
                side_effects[effect] = values
                self.check_row_tier(meta, f"{prefix}.action", key, effect, values["action"])
        return {
            "fields": {
                "family": meta.choice("family", Family),
                "order": meta.integer("order"),
                **self.read_review(meta),
            },
            "sources": self.key_list(meta, "sources", self.content.sources, "source"),
            "signs": self.key_list(meta, "warning_signs", self.content.symptoms, "symptom"),
            "steps": {
                step: {"order": index, "setting": settings.get(step, "")}
                for index, step in enumerate(steps)
            },
            "side_effects": side_effects,
        }

    def check_row_tier(self, meta, path, therapy, effect, action):
        """A row may not give a side effect a lower tier than the triage table gives
        the symptom that side effect is (its `symptom`), with this treatment's context:
        the patient reading the guide acts on the row's tier."""
        item = self.content.side_effects.get(effect)
        if not action or not item or not item["fields"]["symptom_key"]:
            return
        sign = item["fields"]["symptom_key"]
        symptom = self.content.symptoms[sign]
        context = symptom["contexts"].get(therapy)
        tier = (context and context["tier"]) or symptom["fields"]["tier"]
        if not raises_or_keeps(tier, action):
            meta.problem(
                path,
                f"'{action}' is less urgent than the triage table's '{tier}' for '{sign}', "
                f"the symptom of '{effect}': a row may not give it a lower tier",
            )

    def read_therapy_language(self, doc, language, therapy, meta_ok=True):
        doc.check_fields(
            {"name", "slug", "summary", "key_points", "daily_life", "steps", "side_effects"}
        )  # fmt: skip
        values = {
            "name": doc.text("name"),
            "slug": doc.key("slug"),
            "summary": doc.text("summary"),
            "key_points": doc.key_points(),
            "daily_life": doc.text("daily_life", required=False),
            "body": doc.markdown_body(),
        }
        therapy["fields"].update(_localized(values, language))
        self.read_keyed_texts(
            doc,
            "steps",
            therapy["steps"],
            language,
            {"title": True, "duration": False, "body": False},
            TreatmentStep,
            meta_ok,
        )
        self.read_keyed_texts(
            doc,
            "side_effects",
            therapy["side_effects"],
            language,
            {"duration": False, "figure": False, "notes": False},
            TherapySideEffect,
            meta_ok,
        )

    def read_keyed_texts(
        self, doc, name, expected, language, texts, model, meta_ok, listed_in="therapy.yaml",
        every_key=True,
    ):  # fmt: skip
        """The per-language texts of steps or side-effect rows: one entry for
        each key of therapy.yaml, no more, no less (with `every_key` false, a key
        may have none: a side effect's sign without a note). Where therapy.yaml
        has problems, a mismatch is likely one of their consequences."""
        given = doc.mapping(name, required=bool(expected) and every_key)
        for key in expected if every_key else ():
            if key not in given:
                doc.problem(
                    name,
                    f"'{key}' (listed in {listed_in}) has no entry here",
                    consequence=not meta_ok,
                )
        for key, entry in given.items():
            prefix = f"{name}.{key}"
            if key not in expected:
                doc.problem(
                    prefix,
                    f"'{shown(key)}' is not listed in {listed_in}",
                    consequence=not meta_ok,
                )
                continue
            if not isinstance(entry, dict):
                doc.problem(prefix, f"must be a mapping of {', '.join(texts)}")
                continue
            doc.check_fields(set(texts), prefix, entry)
            for text_name, required in texts.items():
                value = doc.text(
                    text_name, required=required, data=entry, prefix=prefix, model=model
                )
                expected[key][f"{text_name}_{language}"] = value

    def check_unique_slugs(self):
        for kind, objects in (
            ("glossary term", self.content.glossary),
            ("side effect", self.content.side_effects),
            ("treatment", self.content.therapies),
            ("disease", self.content.diseases),
            ("article", self.content.articles),
        ):
            for language in LANGUAGE_CODES:
                seen = {}
                for key, item in objects.items():
                    slug = item["fields"].get(f"slug_{language}")
                    if slug in seen:
                        self.problems.append(
                            Problem(
                                Path(self.root.name),
                                None,
                                f"slug ({language})",
                                f"the {kind}s '{seen[slug]}' and '{key}' share the slug '{slug}'",
                            )
                        )
                    seen[slug] = key


def read_content(root: Path) -> Content:
    return ContentReader(root).read()


# --- Writing ---------------------------------------------------------------------------------
#
# The database owns the content once it is loaded; files are the exchange format.
# load_content creates what is missing (and puts it online when its file says
# published, "medical review pending"), and updates a working version only where
# it has not changed in the admin since its last import (ImportRecord keeps a hash
# of each object as exported right after that import). A working version changed
# on both sides is a conflict: reported, nothing written, unless --force. Live
# versions, statuses and review records of existing objects are never touched:
# only a reviewer publishes (publishing.py).


@dataclass(frozen=True)
class Conflict:
    path: str  # the object's content file or folder, relative to content/
    differs: list  # the fields the file would change

    def __str__(self):
        return (
            f"{self.path}: changed in the admin since the last import, and the files differ "
            f"({', '.join(self.differs)}); left as it is"
        )


class ContentConflicts(Exception):
    def __init__(self, conflicts):
        self.conflicts = conflicts
        super().__init__("\n".join(str(conflict) for conflict in conflicts))


@dataclass
class WriteReport:
    OUTCOMES = (
        "created", "updated", "published", "withdrawn", "kept as changed in the admin", "unchanged",
    )  # fmt: skip
    counts: dict = field(default_factory=dict)  # model name -> {"created": n, ...}
    missing: list = field(default_factory=list)  # objects without files, as paths
    conflicts: list = field(default_factory=list)  # written anyway with --force

    def add(self, model, outcome):
        with override(None):  # the report is for the operator, in English
            label = str(model._meta.verbose_name_plural)
        counts = self.counts.setdefault(label, {})
        counts[outcome] = counts.get(outcome, 0) + 1

    @property
    def changed(self) -> int:
        """How many objects were written: 0 when the files changed nothing."""
        return sum(
            count for counts in self.counts.values() for outcome, count in counts.items()
            if outcome != "unchanged"
        )  # fmt: skip

    def lines(self):
        for model, counts in self.counts.items():
            parts = ", ".join(
                f"{counts[outcome]} {outcome}" for outcome in self.OUTCOMES if outcome in counts
            )
            yield f"{model}: {parts}"
        for conflict in self.conflicts:
            yield f"overwritten (--force): {conflict}"
        for path in self.missing:
            yield f"no longer in the files: {path}"


def _assign(instance, values: dict) -> list[str]:
    """Sets the values that differ; returns their names."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def links(objects: dict, keys: list):
    """Sets a many-to-many field (its name is the relation's) to these objects."""
    targets = [objects[key] for key in keys]

    def set_links(owner, field_name) -> bool:
        manager = getattr(owner, field_name)
        if {obj.pk for obj in manager.all()} != {obj.pk for obj in targets}:
            manager.set(targets)
            return True
        return False

    return set_links


def rows(model, lookup_field: str, values_by_key: dict, parent: str = "therapy"):
    """Sets an object's rows (a treatment's steps, a symptom's contexts): the file
    is the whole truth."""
    return lambda owner, _name: _set_rows(model, {parent: owner}, values_by_key, lookup_field)


def _set_rows(model, parent_lookup: dict, values_by_key: dict, lookup_field: str) -> bool:
    changed = False
    kept = []
    for key, values in values_by_key.items():
        lookup = {**parent_lookup, lookup_field: key}
        row = model.objects.filter(**lookup).first()
        if row is None:
            row = model.objects.create(**lookup, **values)
            changed = True
        elif _assign(row, values):
            row.save()
            changed = True
        kept.append(row.pk)
    deleted, _per_model = model.objects.filter(**parent_lookup).exclude(pk__in=kept).delete()
    return changed or bool(deleted)


class ContentWriter:
    def __init__(self, content: Content, force: bool, prune: bool):
        self.content = content
        self.force = force
        self.prune = prune
        self.report = WriteReport()
        self.conflicts = []
        self.created = []  # (model, key, working version, whether to publish it)
        self.records = {(r.kind, r.key): r for r in ImportRecord.objects.all()}

    def write(self) -> WriteReport:
        with transaction.atomic(), override(SOURCE_LANGUAGE):
            content = self.content
            sources = {
                key: self.write_object(Source, key, values, {})
                for key, values in content.sources.items()
            }
            self.write_figures(sources)
            for key, item in content.glossary.items():
                self.write_object(GlossaryTerm, key, item["fields"], {})
            symptoms = {}
            for key, item in content.symptoms.items():
                relations = {
                    "sources": links(sources, item["sources"]),
                    "contexts": rows(SymptomContext, "therapy_key", item["contexts"], "symptom"),
                }
                symptoms[key] = self.write_object(Symptom, key, item["fields"], relations)
            side_effects = {}
            for key, item in content.side_effects.items():
                signs = {symptoms[k]: values for k, values in item["signs"].items()}
                relations = {
                    "sources": links(sources, item["sources"]),
                    "sign_notes": rows(SideEffectSign, "symptom", signs, "side_effect"),
                }
                side_effects[key] = self.write_object(SideEffect, key, item["fields"], relations)
            therapies = {}
            for key, item in content.therapies.items():
                effects = {side_effects[k]: values for k, values in item["side_effects"].items()}
                relations = {
                    "sources": links(sources, item["sources"]),
                    "signs": links(symptoms, item["signs"]),
                    "steps": rows(TreatmentStep, "key", item["steps"]),
                    "side_effects": rows(TherapySideEffect, "side_effect", effects),
                }
                therapies[key] = self.write_object(Therapy, key, item["fields"], relations)
            for model, pages in ((Disease, content.diseases), (Article, content.articles)):
                for key, item in pages.items():
                    relations = {
                        "therapies": links(therapies, item["therapies"]),
                        "sources": links(sources, item["sources"]),
                    }
                    self.write_object(model, key, item["fields"], relations)
            for (language, key), values in content.synonyms.items():
                self.write_object(SynonymGroup, f"{language}/{key}", values, {})
            if content.service:
                self.write_object(CareService, SERVICE_KEY, content.service, {})
            if self.conflicts and not self.force:
                transaction.set_rollback(True)
                raise ContentConflicts(self.conflicts)
            self.report.conflicts = self.conflicts
            self.list_missing()
            for model, key, working, to_publish in self.created:
                if to_publish:  # online, "medical review pending"
                    publishing.publish(working)
                    self.report.add(model, "published")
                self.remember(model, key, working)
        return self.report

    def write_figures(self, sources):
        """Figures, their images stored first (by hash: an unchanged image is the same row)."""
        for key, item in self.content.figures.items():
            images = {
                f"image_{language}_id": figures.store(item["images"][language]).pk
                if language in item["images"]
                else None
                for language in LANGUAGE_CODES
            }
            relations = {"sources": links(sources, item["sources"])}
            self.write_object(Figure, key, {**item["fields"], **images}, relations)

    def write_object(self, model, key, values, relations):
        """Creates or updates the working version of one object; `relations`
        are functions that set its links and rows and say whether they changed."""
        values = dict(values)
        status = values.pop("status", Status.PUBLISHED)
        lookup = natural_lookup(model, key)
        working = model.objects.working().filter(**lookup).first()
        if working is None:
            initial = Status.DRAFT if status == Status.PUBLISHED else status
            working = model.objects.create(**lookup, **values, status=initial)
            for name, set_relation in relations.items():
                set_relation(working, name)
            self.report.add(model, "created")
            self.created.append((model, key, working, status == Status.PUBLISHED))
            return working
        before = object_fingerprint(working)
        savepoint = transaction.savepoint_create()
        differs = _assign(working, values)
        if differs:
            working.save()
        differs += [name for name, set_relation in relations.items() if set_relation(working, name)]
        if not differs:
            self.report.add(model, "unchanged")
            return working
        after = object_fingerprint(working)  # the object as the files have it
        record = self.records.get((model._meta.label, key))
        if record is not None and record.fingerprint == after:
            # The files have not changed since the last import: staff edits stay.
            transaction.savepoint_rollback(savepoint)
            working.refresh_from_db()
            self.report.add(model, "kept as changed in the admin")
            return working
        transaction.savepoint_commit(savepoint)
        if record is None or record.fingerprint != before:
            self.conflicts.append(Conflict(content_path(model, key), differs))
        publishing.changed(working)  # the change waits for a reviewer
        self.report.add(model, "updated")
        self.remember(model, key, working, after)
        return working

    def remember(self, model, key, working, fingerprint=None):
        ImportRecord.objects.update_or_create(
            kind=model._meta.label,
            key=key,
            defaults={"fingerprint": fingerprint or object_fingerprint(working)},
        )

    def list_missing(self):
        """Working versions without files: listed, and withdrawn with --prune."""
        given = {
            Source: self.content.sources, GlossaryTerm: self.content.glossary,
            SideEffect: self.content.side_effects, Therapy: self.content.therapies,
            Disease: self.content.diseases, Article: self.content.articles,
            Symptom: self.content.symptoms,
            SynonymGroup: {f"{lang}/{key}" for lang, key in self.content.synonyms},
            CareService: {SERVICE_KEY} if self.content.service else set(),
            Figure: self.content.figures,
        }  # fmt: skip
        for model, keys in given.items():
            for working in model.objects.working():
                key = natural_key(working)
                if key in keys:
                    continue
                self.report.missing.append(content_path(model, key))
                if self.prune and publishing.withdraw(working):
                    self.report.add(model, "withdrawn")


def natural_lookup(model, key: str) -> dict:
    """The lookup of an object by its key in the content files."""
    if model is SynonymGroup:
        language, group = key.split("/", 1)
        return {"language": language, "key": group}
    return {"key": key}


def natural_key(obj) -> str:
    if isinstance(obj, SynonymGroup):
        return f"{obj.language}/{obj.key}"
    return obj.key


def content_path(model, key: str) -> str:
    """Where an object lives in content/ (a file or a folder)."""
    if model is SynonymGroup:
        return f"synonyms/{key.split('/', 1)[0]}.yaml"
    if model is Source:
        return f"sources/{key}.yaml"
    if model is CareService:
        return "service"
    return f"{FOLDERS[model]}/{key}"


def object_fingerprint(working) -> str:
    """A hash of everything the content files hold of one object: its export."""
    if isinstance(working, SynonymGroup):
        text = f"{working.language}\n{working.terms}"
    else:
        text = "\n".join(
            f"{path}\n{body}" for path, body in sorted(EXPORTERS[type(working)](working).items())
        )
    return hashlib.sha256(text.encode()).hexdigest()


def write_content(content: Content, force: bool = False, prune: bool = False) -> WriteReport:
    return ContentWriter(content, force, prune).write()


# --- Exporting ---------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """YAML as people write it: multi-line text as | blocks, nothing folded."""


def _represent_text(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def _yaml(data) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6, indent=2
    )


def _front_matter(data: dict, body: str) -> str:
    body = body.strip()
    return f"---\n{_yaml(data)}---\n" + (f"{body}\n" if body else "")


def _compact(data: dict) -> dict:
    """Optional fields left out when empty, as in hand-written files."""
    return {name: value for name, value in data.items() if value not in (None, "", [], {})}


def _status(page) -> dict:
    """`status: draft` for what is not online; nothing for what is (the default)."""
    return {} if page.live_version_id else {"status": Status.DRAFT.value}


def _language_values(obj, names, language):
    return {name: getattr(obj, f"{name}_{language}") or "" for name in names}


def _export_source(source) -> dict:
    data = {
        "title": source.title,
        "publisher": source.publisher,
        "url": source.url,
        "year": source.year,
        "language": source.language,
    }
    return {Path("sources", f"{source.key}.yaml"): _yaml({**_compact(data), **_status(source)})}


def _export_glossary_term(term) -> dict:
    files = {}
    for language in LANGUAGE_CODES:
        aliases = (getattr(term, f"aliases_{language}") or "").splitlines()
        data = _compact(
            {
                "term": getattr(term, f"name_{language}"),
                "slug": getattr(term, f"slug_{language}"),
                "aliases": aliases,
            }
        )
        body = getattr(term, f"definition_{language}")
        files[Path("glossary", term.key, f"{language}.md")] = _front_matter(data, body)
    if _status(term):
        files[Path("glossary", term.key, "term.yaml")] = _yaml(_status(term))
    return files


def _export_side_effect(effect) -> dict:
    folder = Path("side-effects", effect.key)
    keys = sorted(source.key for source in effect.sources.all())
    rows = list(effect.sign_notes.all())  # in the file's order
    signs = _compact(
        {
            "symptom": effect.symptom_key,
            "warning_signs": [row.symptom.key for row in rows],
            "raised_tiers": {row.symptom.key: row.tier for row in rows if row.tier},
        }
    )
    files = {folder / "side-effect.yaml": _yaml({"sources": keys, **signs, **_status(effect)})}
    for language in LANGUAGE_CODES:
        data = _language_values(
            effect, ("name", "slug", "summary", "key_points", "self_care"), language
        )
        notes = {
            row.symptom.key: {"note": getattr(row, f"note_{language}")}
            for row in rows
            if getattr(row, f"note_{language}")
        }
        if notes:
            data["signs"] = notes
        files[folder / f"{language}.md"] = _front_matter(data, getattr(effect, f"body_{language}"))
    return files


def _export_therapy(therapy) -> dict:
    folder = Path("therapies", therapy.key)
    steps = list(therapy.steps.all())
    rows = list(therapy.side_effects.select_related("side_effect"))
    meta = {
        "family": therapy.family,
        "order": therapy.order,
        **_status(therapy),
        "sources": sorted(source.key for source in therapy.sources.all()),
        # The guide's order: the table's, most urgent first (an M2M keeps no order of its own).
        "warning_signs": [sign.key for sign in therapy.signs.by_urgency()],
        "steps": [{step.key: step.setting} if step.setting else step.key for step in steps],
        "side_effects": [
            {
                "key": row.side_effect.key,
                "frequency": row.frequency,
                "onset": row.onset,
                "action": row.action,
            }
            for row in rows
        ],
    }
    files = {folder / "therapy.yaml": _yaml(_compact(meta))}
    for language in LANGUAGE_CODES:
        data = _language_values(
            therapy,
            ("name", "slug", "summary", "key_points", "daily_life"),
            language,
        )
        data["steps"] = {
            step.key: _compact(_language_values(step, ("title", "duration", "body"), language))
            for step in steps
        }
        data["side_effects"] = {
            row.side_effect.key: _compact(
                _language_values(row, ("duration", "figure", "notes"), language)
            )
            for row in rows
        }
        files[folder / f"{language}.md"] = _front_matter(
            _compact(data), getattr(therapy, f"body_{language}")
        )
    return files


def _export_figure(figure) -> dict:
    folder = Path("figures", figure.key)
    meta = {
        "licence": figure.licence,
        "sources": sorted(source.key for source in figure.sources.all()),
        **_status(figure),
    }
    files = {folder / "figure.yaml": _yaml(_compact(meta))}
    for language in LANGUAGE_CODES:
        data = _compact(_language_values(figure, ("alt", "caption", "credit"), language))
        files[folder / f"{language}.md"] = f"---\n{_yaml(data)}---\n"
        image = getattr(figure, f"image_{language}")
        if image is not None:
            files[folder / f"{language}.{figures.EXTENSIONS[image.content_type]}"] = bytes(
                image.data
            )
    return files


def _export_disease(disease, folder_name="diseases", meta_name="disease.yaml") -> dict:
    folder = Path(folder_name, disease.key)
    meta = {
        "order": disease.order,
        "therapies": [t.key for t in disease.therapies.order_by("order")],
        "sources": sorted(source.key for source in disease.sources.all()),
        **_status(disease),
    }
    files = {folder / meta_name: _yaml(meta)}
    for language in LANGUAGE_CODES:
        data = _language_values(disease, ("name", "slug", "summary", "key_points"), language)
        files[folder / f"{language}.md"] = _front_matter(data, getattr(disease, f"body_{language}"))
    return files


def _export_article(article) -> dict:
    return _export_disease(article, "articles", "article.yaml")


def _export_service(service) -> dict:
    phones = ("ward_phone", "day_hospital_phone", "switchboard_phone")
    meta = {name: getattr(service, name) for name in phones}
    files = {Path("service", "service.yaml"): _yaml({**_compact(meta), **_status(service)})}
    texts = ("name", "address", "day_hospital_hours", "after_hours")
    for language in LANGUAGE_CODES:
        data = _compact(_language_values(service, texts, language))
        files[Path("service", f"{language}.yaml")] = _yaml(data)
    return files


def _export_symptom(symptom) -> dict:
    folder = Path("symptoms", symptom.key)
    contexts = list(symptom.contexts.all())
    meta = {
        "tier": symptom.tier,
        "order": symptom.order,
        "on_every_page": symptom.on_every_page or None,
        **_status(symptom),
        "sources": sorted(source.key for source in symptom.sources.all()),
        "contexts": [{"therapy": c.therapy_key, "tier": c.tier} for c in contexts],
    }
    files = {folder / "symptom.yaml": _yaml(_compact(meta))}
    for language in LANGUAGE_CODES:
        data = _language_values(symptom, ("name", "threshold", "what_to_do"), language)
        data["contexts"] = {
            c.therapy_key: _compact(_language_values(c, ("note",), language)) for c in contexts
        }
        files[folder / f"{language}.md"] = _front_matter(_compact(data), "")
    return files


# Each kind's files, and its folder in content/.
EXPORTERS = {
    Source: _export_source,
    GlossaryTerm: _export_glossary_term,
    SideEffect: _export_side_effect,
    Therapy: _export_therapy,
    Disease: _export_disease,
    Article: _export_article,
    CareService: _export_service,
    Figure: _export_figure,
    Symptom: _export_symptom,
}
FOLDERS = {GlossaryTerm: "glossary", SideEffect: "side-effects", Therapy: "therapies",
           Disease: "diseases", Article: "articles", Figure: "figures",
           Symptom: "symptoms"}  # fmt: skip


def export_content(root: Path) -> list[Path]:
    """Writes the working versions to `root` in the format read_content reads,
    so that loading an export changes nothing. Returns the files written; files
    of objects that no longer exist are removed."""
    files: dict[Path, str] = {}
    prefetch = {Therapy: ["sources", "signs", "steps"],
                SideEffect: ["sources", "sign_notes__symptom"],
                Disease: ["therapies", "sources"], Article: ["therapies", "sources"],
                Figure: ["sources"], Symptom: ["sources", "contexts"]}  # fmt: skip
    for model, exporter in EXPORTERS.items():
        for obj in (
            model.objects.working().prefetch_related(*prefetch.get(model, [])).order_by("key")
        ):
            files.update(exporter(obj))
    for language in LANGUAGE_CODES:
        groups = SynonymGroup.objects.working().filter(language=language).order_by("key")
        files[Path("synonyms", f"{language}.yaml")] = _yaml(
            [group.terms.splitlines() for group in groups]
        )
    return _write_files(Path(root), files)


EXPORTED_FOLDERS = (
    "sources", "glossary", "side-effects", "therapies", "diseases", "articles", "synonyms",
    "service", "figures", "symptoms",
)  # fmt: skip


def _write_files(root: Path, files: dict) -> list[Path]:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):  # a figure's image
            if not path.exists() or path.read_bytes() != text:
                path.write_bytes(text)
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    expected = {root / relative for relative in files}
    for folder in EXPORTED_FOLDERS:
        for path in sorted((root / folder).rglob("*"), reverse=True):
            if path.is_file() and path not in expected:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return sorted(expected)
