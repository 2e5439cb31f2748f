"""Writing the database's working versions back as content files (`export_content`),
as people write them: loading then exporting changes no byte."""

from pathlib import Path

import yaml

from .. import figures
from ..models import LANGUAGE_CODES, Figure, SideEffect, Symptom, SynonymGroup, Therapy
from .formats import CONTEXT_TEXTS, EXPORTED_FOLDERS, FORMATS, ROW_TEXTS, STEP_TEXTS, Field, Keys


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


def export_object(obj) -> dict:
    """One object's files, as formats.py declares them: {path: text (or bytes)}."""
    kind = FORMATS[type(obj)]
    extra = EXPORT_EXTRA[type(obj)][0](obj) if type(obj) in EXPORT_EXTRA else {}
    files = {}
    meta = _values(obj, kind.meta, None, extra)
    if meta or not kind.meta_optional:
        files[kind.meta_path(obj.key)] = _yaml(meta)
    for language in kind.languages:
        data = _values(obj, kind.texts, language, extra)
        if kind.suffix == ".yaml":
            files[kind.language_path(obj.key, language)] = _yaml(data)
        else:
            body = (kind.body.export(obj, language) if kind.body else "") or ""
            files[kind.language_path(obj.key, language)] = _front_matter(data, body)
    return {**files, **extra.get("files", {})}


def _values(obj, fields, language, extra) -> dict:
    """The fields' values in the file's order; those left empty are left out, as
    in hand-written files. A field named without a type comes from EXPORT_EXTRA."""
    values = {}
    for field in fields:
        if isinstance(field, Field):
            values[field.name] = field.export(obj, language)
        else:
            values[field] = extra[language].get(field)
    return _compact(values)


def _language_values(obj, names, language):
    return {name: getattr(obj, f"{name}_{language}") or "" for name in names}


def _compact(data: dict) -> dict:
    """Fields left out when empty, as in hand-written files."""
    return {name: value for name, value in data.items() if value not in (None, "", [], {})}


# --- What a kind writes besides the fields formats.py types (its rows, its images):
# {None: the meta file's values, language: that file's values, "files": other files}.


def _side_effect_signs(effect) -> dict:
    rows = list(effect.sign_notes.all())  # in the file's order
    extra = {
        None: {
            "warning_signs": [row.symptom.key for row in rows],
            "raised_tiers": {row.symptom.key: row.tier for row in rows if row.tier},
        }
    }
    for language in LANGUAGE_CODES:
        notes = {
            row.symptom.key: {"note": getattr(row, f"note_{language}")}
            for row in rows
            if getattr(row, f"note_{language}")
        }
        extra[language] = {"signs": notes}
    return extra


def _therapy_rows(therapy) -> dict:
    steps = list(therapy.steps.all())
    rows = list(therapy.side_effects.select_related("side_effect"))
    extra = {
        None: {
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
    }
    for language in LANGUAGE_CODES:
        extra[language] = {
            "steps": {
                step.key: _compact(_language_values(step, STEP_TEXTS, language)) for step in steps
            },
            "side_effects": {
                row.side_effect.key: _compact(_language_values(row, ROW_TEXTS, language))
                for row in rows
            },
        }
    return extra


def _symptom_contexts(symptom) -> dict:
    contexts = list(symptom.contexts.all())
    extra = {None: {"contexts": [{"therapy": c.therapy_key, "tier": c.tier} for c in contexts]}}
    for language in LANGUAGE_CODES:
        extra[language] = {
            "contexts": {
                c.therapy_key: _compact(_language_values(c, CONTEXT_TEXTS, language))
                for c in contexts
            }
        }
    return extra


def _figure_images(figure) -> dict:
    folder = FORMATS[Figure].path(figure.key)
    images = {}
    for language in LANGUAGE_CODES:
        image = getattr(figure, f"image_{language}")
        if image is not None:
            extension = figures.EXTENSIONS[image.content_type]
            images[folder / f"{language}.{extension}"] = bytes(image.data)
    return {"files": images}


# Each with the relations it reads, fetched with the objects.
EXPORT_EXTRA = {
    SideEffect: (_side_effect_signs, ["sign_notes__symptom"]),
    Therapy: (_therapy_rows, ["steps"]),
    Symptom: (_symptom_contexts, ["contexts"]),
    Figure: (_figure_images, []),
}


def export_content(root: Path) -> list[Path]:
    """Writes the working versions to `root` in the format read_content reads,
    so that loading an export changes nothing. Returns the files written; files
    of objects that no longer exist are removed."""
    files: dict[Path, str] = {}
    for model, kind in FORMATS.items():
        prefetch = [f.relation for f in kind.meta if isinstance(f, Keys)]
        prefetch += EXPORT_EXTRA.get(model, (None, []))[1]
        for obj in model.objects.working().prefetch_related(*prefetch).order_by("key"):
            files.update(export_object(obj))
    for language in LANGUAGE_CODES:
        groups = SynonymGroup.objects.working().filter(language=language).order_by("key")
        files[Path("synonyms", f"{language}.yaml")] = _yaml(
            [group.terms.splitlines() for group in groups]
        )
    return _write_files(Path(root), files)


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
