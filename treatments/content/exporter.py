"""Writing the database's working versions back as content files (`export_content`),
as people write them: loading then exporting changes no byte."""

from pathlib import Path

import yaml

from .. import figures
from ..models import (
    LANGUAGE_CODES,
    Article,
    CareService,
    Disease,
    Figure,
    GlossaryTerm,
    SideEffect,
    Source,
    Status,
    Symptom,
    SynonymGroup,
    Therapy,
)
from .formats import CONTEXT_TEXTS, EXPORTED_FOLDERS, FORMATS, ROW_TEXTS, STEP_TEXTS


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
    data = {name: getattr(source, name) for name in FORMATS[Source].meta}
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
    kind = FORMATS[SideEffect]
    folder = Path(kind.folder, effect.key)
    keys = sorted(source.key for source in effect.sources.all())
    rows = list(effect.sign_notes.all())  # in the file's order
    signs = _compact(
        {
            "symptom": effect.symptom_key,
            "warning_signs": [row.symptom.key for row in rows],
            "raised_tiers": {row.symptom.key: row.tier for row in rows if row.tier},
        }
    )
    files = {folder / kind.meta_file: _yaml({"sources": keys, **signs, **_status(effect)})}
    for language in LANGUAGE_CODES:
        data = _language_values(effect, kind.texts, language)
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
    kind = FORMATS[Therapy]
    folder = Path(kind.folder, therapy.key)
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
    files = {folder / kind.meta_file: _yaml(_compact(meta))}
    for language in LANGUAGE_CODES:
        data = _language_values(therapy, kind.texts, language)
        data["steps"] = {
            step.key: _compact(_language_values(step, STEP_TEXTS, language)) for step in steps
        }
        data["side_effects"] = {
            row.side_effect.key: _compact(_language_values(row, ROW_TEXTS, language))
            for row in rows
        }
        files[folder / f"{language}.md"] = _front_matter(
            _compact(data), getattr(therapy, f"body_{language}")
        )
    return files


def _export_figure(figure) -> dict:
    kind = FORMATS[Figure]
    folder = Path(kind.folder, figure.key)
    meta = {
        "licence": figure.licence,
        "sources": sorted(source.key for source in figure.sources.all()),
        **_status(figure),
    }
    files = {folder / kind.meta_file: _yaml(_compact(meta))}
    for language in LANGUAGE_CODES:
        data = _compact(_language_values(figure, kind.texts, language))
        files[folder / f"{language}.md"] = f"---\n{_yaml(data)}---\n"
        image = getattr(figure, f"image_{language}")
        if image is not None:
            files[folder / f"{language}.{figures.EXTENSIONS[image.content_type]}"] = bytes(
                image.data
            )
    return files


def _export_linked_page(disease) -> dict:
    """A disease or an article: a page listing the treatments it concerns."""
    kind = FORMATS[type(disease)]
    folder = Path(kind.folder, disease.key)
    meta = {
        "order": disease.order,
        "therapies": [t.key for t in disease.therapies.order_by("order")],
        "sources": sorted(source.key for source in disease.sources.all()),
        **_status(disease),
    }
    files = {folder / kind.meta_file: _yaml(meta)}
    for language in LANGUAGE_CODES:
        data = _language_values(disease, kind.texts, language)
        files[folder / f"{language}.md"] = _front_matter(data, getattr(disease, f"body_{language}"))
    return files


def _export_service(service) -> dict:
    kind = FORMATS[CareService]
    meta = {name: getattr(service, name) for name in kind.meta}
    files = {Path(kind.folder, kind.meta_file): _yaml({**_compact(meta), **_status(service)})}
    for language in LANGUAGE_CODES:
        data = _compact(_language_values(service, kind.texts, language))
        files[Path(kind.folder, f"{language}.yaml")] = _yaml(data)
    return files


def _export_symptom(symptom) -> dict:
    kind = FORMATS[Symptom]
    folder = Path(kind.folder, symptom.key)
    contexts = list(symptom.contexts.all())
    meta = {
        "tier": symptom.tier,
        "order": symptom.order,
        "on_every_page": symptom.on_every_page or None,
        **_status(symptom),
        "sources": sorted(source.key for source in symptom.sources.all()),
        "contexts": [{"therapy": c.therapy_key, "tier": c.tier} for c in contexts],
    }
    files = {folder / kind.meta_file: _yaml(_compact(meta))}
    for language in LANGUAGE_CODES:
        data = _language_values(symptom, kind.texts, language)
        data["contexts"] = {
            c.therapy_key: _compact(_language_values(c, CONTEXT_TEXTS, language)) for c in contexts
        }
        files[folder / f"{language}.md"] = _front_matter(_compact(data), "")
    return files


# Each kind's files (their formats: formats.py).
EXPORTERS = {
    Source: _export_source,
    GlossaryTerm: _export_glossary_term,
    SideEffect: _export_side_effect,
    Therapy: _export_therapy,
    Disease: _export_linked_page,
    Article: _export_linked_page,
    CareService: _export_service,
    Figure: _export_figure,
    Symptom: _export_symptom,
}


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
