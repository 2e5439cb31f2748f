"""What publishing would change: the live version against the working version,
field by field and in every language, for the reviewer who publishes."""

import difflib
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import translated_fields
from .publishing import VERSION_FIELDS

# Kept out of the diff: rendered from the text shown, or the review record itself.
NOT_COMPARED = {*VERSION_FIELDS, "updated_at", "status", "reviewed_on", "reviewed_by",
                "next_review_due"}  # fmt: skip
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class FieldChange:
    label: str
    language: str | None  # None for a field that is not translated
    html: SafeString  # the text with <del> and <ins> marks

    @property
    def language_name(self) -> str:
        return str(dict(settings.LANGUAGES).get(self.language, "")) if self.language else ""


@dataclass(frozen=True)
class RowChange:
    label: str  # "Treatment steps: Leukapheresis"
    what: str  # added, removed, changed
    fields: list[FieldChange]


def word_diff(old: str, new: str) -> SafeString:
    """The changed paragraphs of `new`, with what it removes from `old` in <del>
    and what it adds in <ins>; unchanged paragraphs are left out (…)."""
    before, after = _paragraphs(old), _paragraphs(new)
    out = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            out.append("<p>…</p>")
        else:
            out.append(f"<p>{_words_diff(' '.join(before[i1:i2]), ' '.join(after[j1:j2]))}</p>")
    return mark_safe("".join(out))  # noqa: S308 — every piece is escaped in _words_diff


def _paragraphs(text: str) -> list[str]:
    return [
        p.strip() for p in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if p.strip()
    ]


def _words_diff(old: str, new: str) -> str:
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    out = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            out.append(escape("".join(before[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(before[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(after[j1:j2]))}</ins>")
    return "".join(out)


def _compared_fields(model):
    """(field, language) for each compared column: translated fields once per language."""
    translated = translated_fields(model)
    localized = {f.name for fields in translated.values() for f in fields}
    for model_field in model._meta.concrete_fields:
        name = model_field.name
        if name in NOT_COMPARED or name.endswith("_html") or "_html_" in name:
            continue
        if name in localized:
            yield model_field, model_field.language
        elif name not in translated and not model_field.primary_key:
            yield model_field, None


def _display(obj, model_field) -> str:
    value = getattr(obj, model_field.attname)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        target = getattr(obj, model_field.name)
        return "" if target is None else str(target)
    return "" if value is None else str(value)


def field_changes(old, new, model, parent_field=None) -> list[FieldChange]:
    changes = []
    for model_field, language in _compared_fields(model):
        if model_field.name == parent_field:
            continue
        # A relation compares what it names, not which version it points to.
        before = _display(old, model_field) if old is not None else ""
        after = _display(new, model_field) if new is not None else ""
        if before.replace("\r\n", "\n") != after.replace("\r\n", "\n"):
            label = str(model_field.verbose_name)
            if language:
                label = label.removesuffix(f" [{language}]")
            changes.append(FieldChange(label, language, word_diff(before, after)))
    return changes


def _row_identity(row, parent_field):
    """What a row is across versions: its key, or what it names (a side effect)."""
    if hasattr(row, "key"):
        return row.key
    for model_field in type(row)._meta.concrete_fields:
        if model_field.is_relation and model_field.name != parent_field:
            return getattr(row, model_field.name).key
    return row.pk


def version_diff(working):
    """(field changes, row changes, link changes) between what patients see and
    what the reviewer is about to publish."""
    model = type(working)
    live = working.live_version
    fields = field_changes(live, working, model)
    rows = []
    for relation in model.child_relations:
        manager = getattr(working, relation)
        parent_field = manager.field.name
        verbose = str(manager.model._meta.verbose_name_plural)
        old_rows = getattr(live, relation).all() if live else []
        before = {_row_identity(r, parent_field): r for r in old_rows}
        after = {_row_identity(r, parent_field): r for r in manager.all()}
        for identity in [*after, *(i for i in before if i not in after)]:
            old, new = before.get(identity), after.get(identity)
            changes = field_changes(old, new, manager.model, parent_field)
            if old is None:
                what = _("added")
            elif new is None:
                what = _("removed")
            elif changes:
                what = _("changed")
            else:
                continue
            rows.append(RowChange(f"{verbose}: {new or old}", what, changes))
    links = []
    for m2m in model._meta.local_many_to_many:
        before = {t.key: str(t) for t in getattr(live, m2m.name).all()} if live else {}
        after = {t.key: str(t) for t in getattr(working, m2m.name).all()}
        added = sorted(after[key] for key in after.keys() - before.keys())
        removed = sorted(before[key] for key in before.keys() - after.keys())
        if added or removed:
            links.append((str(m2m.verbose_name), added, removed))
    return fields, rows, links
