"""Reading and checking the whole of content/: `read_content(root)` returns the
content, or raises ContentErrors listing every problem (root causes first)."""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import resolve
from django.utils.text import slugify
from django.utils.translation import override

from .. import figures
from ..content_yaml import shown
from ..limits import (
    max_length,
    too_long,
)
from ..models import (
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
from .document import KEY_PATTERN, ContentErrors, Document, Problem, unreadable
from .formats import (
    CONTEXT_META,
    CONTEXT_TEXTS,
    FORMATS,
    ROW_META,
    ROW_TEXTS,
    SIDE_EFFECT_SIGN_TEXTS,
    STEP_TEXTS,
)


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

    def folder(self, model) -> Path:
        """The folder of a kind of content (formats.py)."""
        return self.root / FORMATS[model].folder

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
        entries = self.keyed_entries(self.folder(Source), Source, directories=False)
        for key, path in entries:
            doc = self.document(path, Source)
            if not doc.ok:
                continue
            doc.check_fields(FORMATS[Source].meta_fields)
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
        folder = self.folder(Figure)
        if not folder.is_dir():  # optional: a site may have no figure
            self.known_figures = set()
            return
        entries = self.keyed_entries(folder, Figure, directories=True)
        extensions = sorted(figures.TYPES)
        for key, path in entries:
            images = {f"{language}.{ext}" for language in LANGUAGE_CODES for ext in extensions}
            self.check_folder_files(
                path, {FORMATS[Figure].meta_file, *self.language_files(), *images}
            )
            meta_path = path / FORMATS[Figure].meta_file
            if not meta_path.is_file():
                self.missing(meta_path)
                continue
            meta = self.document(meta_path, Figure)
            meta.check_fields(FORMATS[Figure].meta_fields)
            figure = {
                "fields": {"licence": meta.text("licence"), **self.read_review(meta)},
                "sources": self.key_list(meta, "sources", self.content.sources, "source"),
                "images": {},
            }
            documents = self.language_documents(path, Figure)
            for language, doc in documents.items():
                if not doc.ok:
                    continue
                doc.check_fields(FORMATS[Figure].language_fields)
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
        entries = self.keyed_entries(self.folder(SideEffect), SideEffect, directories=True)
        for key, folder in entries:
            self.check_folder_files(folder, {FORMATS[SideEffect].meta_file, *self.language_files()})
            meta_path = folder / FORMATS[SideEffect].meta_file
            if not meta_path.is_file():
                self.missing(meta_path)
                continue
            meta = self.document(meta_path, SideEffect)
            meta.check_fields(FORMATS[SideEffect].meta_fields)
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
                names = set(FORMATS[SideEffect].texts)
                doc.check_fields(FORMATS[SideEffect].language_fields)
                values = {name: doc.text(name) for name in names - {"slug", "key_points"}}
                values["slug"] = doc.key("slug")
                values["key_points"] = doc.key_points()
                values["body"] = doc.markdown_body()
                fields.update(_localized(values, language))
                self.read_keyed_texts(
                    doc, "signs", signs, language, dict.fromkeys(SIDE_EFFECT_SIGN_TEXTS, False),
                    SideEffectSign, meta.ok,
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
        entries = self.keyed_entries(self.folder(Symptom), Symptom, directories=True)
        for key, folder in entries:
            self.check_folder_files(folder, {FORMATS[Symptom].meta_file, *self.language_files()})
            meta_path = folder / FORMATS[Symptom].meta_file
            if not meta_path.is_file():
                self.missing(meta_path)
                continue
            meta = self.document(meta_path, Symptom)
            if not meta.ok:
                continue
            meta.check_fields(FORMATS[Symptom].meta_fields)
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
                doc.check_fields(FORMATS[Symptom].language_fields)
                if doc.body.strip():
                    doc.problem(None, "front matter only: no text after ---", doc.body_line)
                values = {
                    "name": doc.text("name"),
                    "threshold": doc.text("threshold", required=False),
                    "what_to_do": doc.text("what_to_do"),
                }
                symptom["fields"].update(_localized(values, language))
                self.read_keyed_texts(
                    doc, "contexts", symptom["contexts"], language,
                    dict.fromkeys(CONTEXT_TEXTS, True), SymptomContext, meta.ok,
                    listed_in="symptom.yaml",
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
            meta.check_fields(set(CONTEXT_META), prefix, row)
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
            self.folder(GlossaryTerm), GlossaryTerm, directories=True
        ):
            self.check_folder_files(
                folder, {FORMATS[GlossaryTerm].meta_file, *self.language_files()}
            )
            documents = self.language_documents(folder, GlossaryTerm)
            fields = {}
            meta_path = (
                folder / FORMATS[GlossaryTerm].meta_file
            )  # optional: only when not simply published
            if meta_path.is_file():
                meta = self.document(meta_path, GlossaryTerm)
                meta.check_fields(FORMATS[GlossaryTerm].meta_fields)
                fields.update(self.read_review(meta))
            else:
                fields.update(self.read_review(None))
            for language, doc in documents.items():
                if not doc.ok:
                    continue
                doc.check_fields(FORMATS[GlossaryTerm].language_fields)
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
        self.content.diseases = self.read_linked_pages(Disease)

    # articles/<key>/{article.yaml, fr.md, en.md}
    def read_articles(self):
        if not (self.folder(Article)).is_dir():  # optional
            return
        self.content.articles = self.read_linked_pages(Article)
        for key, article in self.content.articles.items():
            for language in LANGUAGE_CODES:
                slug = article["fields"][f"slug_{language}"]
                with override(language):
                    match = resolve(f"/{language}/{slug}/")
                if match.url_name != "article":  # /fr/traitements/ is the treatments' list
                    path = self.display(self.folder(Article) / key / f"{language}.md")
                    message = f"'{slug}' is the address of another page of the site"
                    self.problems.append(Problem(path, None, "slug", message))

    def read_linked_pages(self, model) -> dict:
        """Pages made of a summary and a body, listing the treatments they concern."""
        pages = {}
        meta_name = FORMATS[model].meta_file
        for key, folder in self.keyed_entries(self.folder(model), model, directories=True):
            self.check_folder_files(folder, {meta_name, *self.language_files()})
            meta_path = folder / meta_name
            if not meta_path.is_file():
                self.missing(meta_path)
                continue
            meta = self.document(meta_path, model)
            meta.check_fields(FORMATS[model].meta_fields)
            page = {
                "fields": {"order": meta.integer("order"), **self.read_review(meta)},
                "therapies": self.key_list(meta, "therapies", self.content.therapies, "treatment"),
                "sources": self.key_list(meta, "sources", self.content.sources, "source"),
            }
            documents = self.language_documents(folder, model)
            for language, doc in documents.items():
                if not doc.ok:
                    continue
                doc.check_fields(FORMATS[model].language_fields)
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
        folder = self.folder(CareService)
        if not folder.is_dir():
            return  # no contact details: the pages point to the discharge letter
        names = {f"{language}.yaml" for language in LANGUAGE_CODES}
        self.check_folder_files(folder, {FORMATS[CareService].meta_file, *names})
        meta_path = folder / FORMATS[CareService].meta_file
        if not meta_path.is_file():
            self.missing(meta_path)
            return
        meta = self.document(meta_path, CareService)
        phones = FORMATS[CareService].meta
        meta.check_fields(FORMATS[CareService].meta_fields)
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
            texts = {**dict.fromkeys(FORMATS[CareService].texts, False), "name": True}
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
        entries = self.keyed_entries(self.folder(Therapy), Therapy, directories=True)
        for key, folder in entries:
            self.check_folder_files(folder, {FORMATS[Therapy].meta_file, *self.language_files()})
            meta_path = folder / FORMATS[Therapy].meta_file
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
        meta.check_fields(FORMATS[Therapy].meta_fields)
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
            meta.check_fields(set(ROW_META), prefix, row)
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
        doc.check_fields(FORMATS[Therapy].language_fields)
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
            {**dict.fromkeys(STEP_TEXTS, False), "title": True},
            TreatmentStep,
            meta_ok,
        )
        self.read_keyed_texts(
            doc,
            "side_effects",
            therapy["side_effects"],
            language,
            dict.fromkeys(ROW_TEXTS, False),
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
