"""Writing read content to the database in one transaction (`write_content`)."""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import override

from .. import figures, publishing
from ..models import (
    LANGUAGE_CODES,
    SOURCE_LANGUAGE,
    Figure,
    ImportRecord,
    SideEffect,
    SideEffectSign,
    Status,
    Symptom,
    SymptomContext,
    SynonymGroup,
    Therapy,
    TherapySideEffect,
    TreatmentStep,
)
from .exporter import export_object
from .formats import FORMATS, Keys
from .reader import Content

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
            written = {}  # model -> key -> working version, for the links of later kinds
            for model, kind in FORMATS.items():
                written[model] = objects = {}
                for key, item in getattr(self.content, kind.name).items():
                    values = dict(item["fields"])
                    relations = {
                        f.relation: links(written[f.of], item[f.relation])
                        for f in kind.meta
                        if isinstance(f, Keys)
                    }
                    if model in WRITE_EXTRA:
                        WRITE_EXTRA[model](item, values, relations, written)
                    objects[key] = self.write_object(model, key, values, relations)
            for (language, key), values in self.content.synonyms.items():
                self.write_object(SynonymGroup, f"{language}/{key}", values, {})
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
        given = {model: getattr(self.content, kind.name) for model, kind in FORMATS.items()}
        given[SynonymGroup] = {f"{lang}/{key}" for lang, key in self.content.synonyms}
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
    return str(FORMATS[model].path(key))


def object_fingerprint(working) -> str:
    """A hash of everything the content files hold of one object: its export."""
    if isinstance(working, SynonymGroup):
        text = f"{working.language}\n{working.terms}"
    else:
        text = "\n".join(f"{path}\n{body}" for path, body in sorted(export_object(working).items()))
    return hashlib.sha256(text.encode()).hexdigest()


def _figure_images(item, values, relations, written):
    """Its images, stored first (by hash: an unchanged image is the same row)."""
    for language in LANGUAGE_CODES:
        image = item["images"].get(language)
        values[f"image_{language}_id"] = figures.store(image).pk if image else None


def _symptom_contexts(item, values, relations, written):
    relations["contexts"] = rows(SymptomContext, "therapy_key", item["contexts"], "symptom")


def _side_effect_signs(item, values, relations, written):
    signs = {written[Symptom][key]: sign for key, sign in item["signs"].items()}
    relations["sign_notes"] = rows(SideEffectSign, "symptom", signs, "side_effect")


def _therapy_rows(item, values, relations, written):
    effects = {written[SideEffect][key]: row for key, row in item["side_effects"].items()}
    relations["steps"] = rows(TreatmentStep, "key", item["steps"])
    relations["side_effects"] = rows(TherapySideEffect, "side_effect", effects)


# What a kind writes besides its fields and links (formats.py): its images, its rows.
WRITE_EXTRA = {
    Figure: _figure_images,
    Symptom: _symptom_contexts,
    SideEffect: _side_effect_signs,
    Therapy: _therapy_rows,
}


def write_content(content: Content, force: bool = False, prune: bool = False) -> WriteReport:
    return ContentWriter(content, force, prune).write()


# --- Exporting ---------------------------------------------------------------------------------
