"""A kind of content shaped like the disease pages needs a model and a FileFormat
(treatments/content/formats.py): no reader, writer or exporter code of its own."""

import pytest

from treatments.content import ContentErrors, export_content, read_content, write_content
from treatments.content.formats import (
    FORMATS,
    REVIEW,
    Body,
    FileFormat,
    Integer,
    Keys,
    Slug,
    Text,
)
from treatments.models import Disease, Source

from .small_content import write_small_content

pytestmark = pytest.mark.django_db

# Disease pages declared anew, as another team might declare clinical trials:
# another folder and file name, fewer fields, a status.
TRIALS = FileFormat(
    "diseases", "trial", "trials", "trial.yaml",
    (Integer("order"), Keys("sources", Source), REVIEW),
    (Text("name"), Slug("slug"), Text("summary")),
    Body("body"),
)  # fmt: skip
FILES = {
    "trials/phase-3/trial.yaml": "order: 2\nsources:\n- one\nstatus: draft\n",
    "trials/phase-3/fr.md": (
        "---\nname: Essai de phase 3\nslug: essai-de-phase-3\nsummary: Deux phrases.\n---\n"
        "## Comment il se passe\n\nUn texte.\n"
    ),
    "trials/phase-3/en.md": (
        "---\nname: Phase 3 trial\nslug: phase-3-trial\nsummary: Two sentences.\n---\n"
        "## How it goes\n\nA text.\n"
    ),
}


@pytest.fixture
def trials(tmp_path, monkeypatch):
    monkeypatch.setitem(FORMATS, Disease, TRIALS)
    root = write_small_content(tmp_path / "content")
    for path in sorted((root / "diseases").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (root / "diseases").rmdir()
    for relative, text in FILES.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def test_a_kind_declared_only_in_formats_is_read_written_and_exported_unchanged(trials, tmp_path):
    content = read_content(trials)
    assert content.diseases["phase-3"] == {
        "fields": {
            "order": 2,
            "status": "draft",
            "name_fr": "Essai de phase 3",
            "slug_fr": "essai-de-phase-3",
            "summary_fr": "Deux phrases.",
            "body_fr": "## Comment il se passe\n\nUn texte.",
            "name_en": "Phase 3 trial",
            "slug_en": "phase-3-trial",
            "summary_en": "Two sentences.",
            "body_en": "## How it goes\n\nA text.",
        },
        "sources": ["one"],
    }
    write_content(content)
    trial = Disease.objects.working().get(key="phase-3")
    assert trial.name_en == "Phase 3 trial" and [s.key for s in trial.sources.all()] == ["one"]
    export_content(tmp_path / "exported")
    for relative, text in FILES.items():
        assert (tmp_path / "exported" / relative).read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "trial.yaml",
            "order: 2",
            "order: soon",
            "content/trials/phase-3/trial.yaml, line 1, field 'order': 'soon' must be a whole "
            "number from 0 to 32767",
        ),
        (
            "trial.yaml",
            "- one",
            "- nowhere",
            "content/trials/phase-3/trial.yaml, line 3, field 'sources[0]': 'nowhere' is not a "
            "known source",
        ),
        (
            "en.md",
            "slug: phase-3-trial",
            "key_points: '- One.'",
            "content/trials/phase-3/en.md, line 3, field 'key_points': unknown field (allowed: "
            "name, slug, summary)",
        ),
        (
            "en.md",
            "slug: phase-3-trial",
            "slug: Phase 3",
            "content/trials/phase-3/en.md, line 3, field 'slug': 'Phase 3' must be lower-case "
            "ASCII letters, digits and hyphens",
        ),
    ],
)
def test_its_files_are_checked_with_file_line_and_field(trials, file, old, new, message):
    path = trials / "trials/phase-3" / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ContentErrors) as refused:
        read_content(trials)
    assert message in str(refused.value)
