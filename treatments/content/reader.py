"""Reading and checking the whole of content/: `read_content(root)` returns the
content, or raises ContentErrors listing every problem (root causes first)."""

from pathlib import Path

from django.urls import resolve
from django.utils.text import slugify
from django.utils.translation import override

from .. import figures
from ..content_yaml import shown
from ..limits import max_length, too_long
from ..models import (
    LANGUAGE_CODES,
    SOURCE_LANGUAGE,
    Action,
    Article,
    Figure,
    Frequency,
    Onset,
    Setting,
    SideEffect,
    SideEffectSign,
    Symptom,
    SymptomContext,
    SynonymGroup,
    Therapy,
    TherapySideEffect,
    TreatmentStep,
    raises_or_keeps,
)
from .document import KEY_PATTERN, SERVICE_KEY, ContentErrors, Document, Problem, unreadable
from .formats import (
    CONTEXT_META,
    CONTEXT_TEXTS,
    FORMATS,
    ROW_META,
    ROW_TEXTS,
    SIDE_EFFECT_SIGN_TEXTS,
    STEP_TEXTS,
    Field,
    Slug,
)


class Content:
    """The content read: for each kind, its FileFormat's `name` (content.therapies)
    holds key -> {"fields": {...}, and each relation's keys and rows}."""

    def __init__(self):
        for kind in FORMATS.values():
            setattr(self, kind.name, {})
        self.synonyms = {}  # (language, key) -> {"terms": "..."}


class ContentReader:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.problems = []
        self.content = Content()
        self.unread = {}  # "source", "side effect", "treatment" -> keys whose files have problems
        # (document, field, treatment key) of each symptom context, checked once treatments are read
        self.context_therapies = []

    def known(self, model) -> dict:
        """The objects of a kind read so far (all of them: formats.py orders the kinds)."""
        return getattr(self.content, FORMATS[model].name)

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
        for model in FORMATS:
            self.read_kind(model)
            if model is Figure:  # Markdown may place the figures read, and those with problems
                self.known_figures = {*self.content.figures, *self.unread.get("figure", ())}
        self.check_context_therapies()
        self.check_article_addresses()
        self.read_synonyms()
        self.check_unique_slugs()
        if self.problems:
            raise ContentErrors(self.problems)
        return self.content

    def read_kind(self, model):
        """Every object of one kind, as formats.py declares its files."""
        kind = FORMATS[model]
        folder = self.root / kind.folder
        if kind.optional and not folder.is_dir():
            return
        if kind.single:
            entries = [(SERVICE_KEY, folder)]
        else:
            entries = self.keyed_entries(folder, model, directories=bool(kind.meta_file))
        objects = self.known(model)
        for key, _path in entries:
            if (item := self.read_object(model, key)) is not None:
                objects[key] = item
        self.note_unread(kind.noun, entries, objects)

    def read_object(self, model, key):
        """One object, {"fields": {...}, relation: [keys]...}, or None when its files
        have problems (listed)."""
        kind = FORMATS[model]
        if kind.meta_file:
            names = {kind.language_path(key, language).name for language in kind.languages}
            expected = {kind.meta_file, *names, *kind.other_files}
            self.check_folder_files(self.root / kind.path(key), expected)
        meta_path, meta = self.root / kind.meta_path(key), None
        if meta_path.is_file():
            meta = self.document(meta_path, model)
            if not meta.ok:
                return None
            meta.check_fields(kind.meta_fields)
        elif not kind.meta_optional:
            self.missing(meta_path)
            return None
        item = {"fields": {}}
        self.read_fields(meta, kind.meta, item)
        documents = {}
        for language in kind.languages:
            path = self.root / kind.language_path(key, language)
            if not path.is_file():
                self.missing(path, f"the {language} translation is missing")
                continue
            doc = documents[language] = self.document(path, model)
            if doc.ok:
                doc.check_fields(kind.language_fields)
                self.read_fields(doc, (*kind.texts, kind.body), item, language)
        extra = READ_EXTRA.get(model)
        ok = extra(self, key, meta, documents, item) if extra else True
        if ok and (meta is None or meta.ok) and self.complete(documents, kind):
            return item
        return None

    def read_fields(self, doc, fields, item, language=None):
        for field in fields:
            if isinstance(field, Field):  # the others: the kind's own code (READ_EXTRA)
                field.store(item, field.read(doc, self, language), language)

    def complete(self, documents, kind) -> bool:
        return len(documents) == len(kind.languages) and all(d.ok for d in documents.values())

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

    # --- What a kind reads besides its declared fields (READ_EXTRA) ---

    def read_figure_images(self, key, meta, documents, figure) -> bool:
        """figures/<key>/<language>.<ext>: the image of each language (French at least)."""
        folder = self.root / FORMATS[Figure].path(key)
        figure["images"] = {}
        ok = True
        for language in LANGUAGE_CODES:
            found = [folder / f"{language}.{ext}" for ext in sorted(figures.TYPES)]
            found = [image for image in found if image.is_file()]
            if len(found) > 1:
                self.missing(found[1], f"two {language} images: keep one")
                ok = False
            elif not found and language == SOURCE_LANGUAGE:
                self.missing(folder / f"{language}.svg", "the image is missing (.svg, .png…)")
                ok = False
            elif found:
                image = self.read_image(found[0])
                ok = ok and image is not None
                figure["images"][language] = image
        return ok

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

    def read_side_effect_signs(self, key, meta, documents, effect) -> bool:
        """side-effect.yaml's `warning_signs` (the file's order is kept) and
        `raised_tiers`, and each sign's note in each language's `signs`."""
        signs = effect["signs"] = {
            sign: {"order": order, "tier": "", **{f"note_{lang}": "" for lang in LANGUAGE_CODES}}
            for order, sign in enumerate(
                self.key_list(meta, "warning_signs", self.content.symptoms, "symptom")
            )
        }
        self.read_raised_tiers(meta, signs)
        for language, doc in documents.items():
            if doc.ok:
                self.read_keyed_texts(
                    doc, "signs", signs, language, dict.fromkeys(SIDE_EFFECT_SIGN_TEXTS, False),
                    SideEffectSign, meta.ok,
                    listed_in="side-effect.yaml's warning_signs", every_key=False,
                )  # fmt: skip
        return True

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

    def read_symptom_contexts(self, key, meta, documents, symptom) -> bool:
        """symptom.yaml's `contexts` (the treatments that raise its tier), and their
        notes in each language: the triage table."""
        if not meta.data.get("sources"):
            meta.problem("sources", "at least one source must set this tier")
        contexts = symptom["contexts"] = self.read_context_rows(meta, symptom["fields"]["tier"])
        for language, doc in documents.items():
            if doc.ok:
                self.read_keyed_texts(
                    doc, "contexts", contexts, language, dict.fromkeys(CONTEXT_TEXTS, True),
                    SymptomContext, meta.ok, listed_in="symptom.yaml",
                )  # fmt: skip
        return True

    def read_context_rows(self, meta, tier) -> dict:
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

    def check_article_addresses(self):
        """An article's address is /<language>/<slug>/: it must not be another page's."""
        for key, article in self.content.articles.items():
            for language in LANGUAGE_CODES:
                slug = article["fields"][f"slug_{language}"]
                with override(language):
                    match = resolve(f"/{language}/{slug}/")
                if match.url_name != "article":  # /fr/traitements/ is the treatments' list
                    path = self.display(self.root / FORMATS[Article].language_path(key, language))
                    message = f"'{slug}' is the address of another page of the site"
                    self.problems.append(Problem(path, None, "slug", message))

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

    def read_therapy_rows(self, key, meta, documents, therapy) -> bool:
        """therapy.yaml's `steps` and `side_effects`, and their texts in each language."""
        therapy.update(self.read_therapy_meta(meta, key))
        for language, doc in documents.items():
            if doc.ok:
                steps = {**dict.fromkeys(STEP_TEXTS, False), "title": True}
                self.read_keyed_texts(
                    doc, "steps", therapy["steps"], language, steps, TreatmentStep, meta.ok
                )
                self.read_keyed_texts(
                    doc, "side_effects", therapy["side_effects"], language,
                    dict.fromkeys(ROW_TEXTS, False), TherapySideEffect, meta.ok,
                )  # fmt: skip
        return True

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

    def read_therapy_meta(self, meta, key) -> dict:
        """therapy.yaml's steps and side-effect rows, checked against the triage table."""
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
        for model, kind in FORMATS.items():
            if not any(isinstance(field, Slug) for field in kind.texts):
                continue
            for language in LANGUAGE_CODES:
                seen = {}
                for key, item in self.known(model).items():
                    slug = item["fields"].get(f"slug_{language}")
                    if slug in seen:
                        pair = f"'{seen[slug]}' and '{key}'"
                        message = f"the {kind.noun}s {pair} share the slug '{slug}'"
                        field = f"slug ({language})"
                        self.problems.append(Problem(Path(self.root.name), None, field, message))
                    seen[slug] = key


# What a kind reads besides the fields formats.py types: its rows, its images.
READ_EXTRA = {
    Figure: ContentReader.read_figure_images,
    Symptom: ContentReader.read_symptom_contexts,
    SideEffect: ContentReader.read_side_effect_signs,
    Therapy: ContentReader.read_therapy_rows,
}


def read_content(root: Path) -> Content:
    return ContentReader(root).read()
