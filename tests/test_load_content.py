"""load_content checks everything first, writes all or nothing, and is idempotent."""

import re
import shutil
from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from treatments.models import SideEffect, Source, Therapy, TherapySideEffect, TreatmentStep

pytestmark = pytest.mark.django_db


@pytest.fixture
def content_copy(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, root)
    return root


def load(path, *args):
    out = StringIO()
    call_command("load_content", "--path", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot():
    return [
        (model.__name__, obj.pk, tuple(str(getattr(obj, f.attname)) for f in model._meta.fields))
        for model in (Source, SideEffect, Therapy, TreatmentStep, TherapySideEffect)
        for obj in model.objects.order_by("pk")
    ]


def replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_loading_the_same_files_again_changes_nothing(content_copy):
    before = snapshot()
    output = load(content_copy)
    assert "Content already up to date" in output
    assert " created" not in output and " updated" not in output and " deleted" not in output
    assert snapshot() == before


def test_a_changed_file_updates_only_its_object(content_copy):
    replace_in(
        content_copy / "therapies/car-t/en.md", "name: CAR-T cell therapy", "name: CAR-T cells"
    )
    output = load(content_copy)
    assert "treatments: 1 updated, 7 unchanged" in output
    assert Therapy.objects.get(key="car-t").name_en == "CAR-T cells"
    assert Therapy.objects.get(key="car-t").name_fr == "Cellules CAR-T"


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "therapies/car-t/therapy.yaml",
            "frequency: very-common",
            "frequency: sometimes",
            "content/therapies/car-t/therapy.yaml, line {line}, field 'side_effects[0].frequency': "
            "'sometimes' is not one of: very-common, common, uncommon, rare",
        ),
        (
            "therapies/car-t/therapy.yaml",
            "onset: first-days",
            "onset: soon",
            "field 'side_effects[0].onset': 'soon' is not one of",
        ),
        (
            "therapies/car-t/therapy.yaml",
            "action: call-now",
            "action: panic",
            "field 'side_effects[0].action': 'panic' is not one of: emergency, call-now",
        ),
        (
            "therapies/car-t/therapy.yaml",
            "key: cytokine-release-syndrome",
            "key: unheard-of-effect",
            "'unheard-of-effect' is not a known side effect",
        ),
        (
            "therapies/car-t/therapy.yaml",
            "family: cell-therapy",
            "family: [broken",
            "content/therapies/car-t/therapy.yaml, line 2: invalid YAML",
        ),
        (
            "therapies/allograft/fr.md",
            "slug: allogreffe-de-cellules-souches",
            "slug: Allogreffe de cellules",
            "content/therapies/allograft/fr.md, line 3, field 'slug'",
        ),
        (
            "side-effects/fatigue/en.md",
            "\nname:",
            "\nnmae:",
            "content/side-effects/fatigue/en.md, line 2, field 'nmae': unknown field",
        ),
    ],
)
def test_a_broken_file_stops_the_import_before_anything_is_written(
    content_copy, file, old, new, message
):
    # A valid change elsewhere must not be written either.
    replace_in(
        content_copy / "therapies/chemotherapy/fr.md", "name: Chimiothérapie", "name: Chimio"
    )
    path = content_copy / file
    line = next(
        number
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if old.strip() in text
    )
    replace_in(path, old, new)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        load(content_copy)
    assert "nothing was written" in str(error.value)
    assert message.format(line=line) in str(error.value)
    assert snapshot() == before
    assert Therapy.objects.get(key="chemotherapy").name_fr == "Chimiothérapie"


def test_a_missing_translation_file_is_named(content_copy):
    (content_copy / "therapies/tcr-t/en.md").unlink()
    with pytest.raises(
        CommandError, match=r"content/therapies/tcr-t/en.md: the en translation is missing"
    ):
        load(content_copy)


def test_check_validates_without_writing(content_copy):
    replace_in(content_copy / "therapies/car-t/en.md", "name: CAR-T cell therapy", "name: Changed")
    before = snapshot()
    assert "Content is valid: 8 treatments" in load(content_copy, "--check")
    assert snapshot() == before


def edit_front_matter(path, change):
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.safe_load(front)
    change(data)
    path.write_text(f"---\n{yaml.safe_dump(data, allow_unicode=True)}---\n{body}", encoding="utf-8")


def test_a_step_removed_from_the_files_is_removed_from_the_page(content_copy):
    therapy = Therapy.objects.get(key="car-t")
    first_step = therapy.steps.first().key
    meta = content_copy / "therapies/car-t/therapy.yaml"
    data = yaml.safe_load(meta.read_text(encoding="utf-8"))
    data["steps"].remove(first_step)
    meta.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for language in ("fr", "en"):
        edit_front_matter(
            content_copy / f"therapies/car-t/{language}.md",
            lambda data: data["steps"].pop(first_step),
        )
    output = load(content_copy)
    assert re.search(r"^treatment steps: .*\b1 deleted\b", output, re.MULTILINE)
    assert not therapy.steps.filter(key=first_step).exists()


def test_a_synonym_group_of_one_word_is_refused_with_its_line(content_copy):
    path = content_copy / "synonyms/en.yaml"
    path.write_text("- [CAR-T, CART]\n- [lonely, '  ']\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"synonyms/en.yaml, line 2: group 2 must list two words"
    ):
        load(content_copy)


def test_a_glossary_term_can_be_held_back_as_a_draft(content_copy, client):
    from treatments.models import GlossaryTerm

    (content_copy / "glossary/aplasia/term.yaml").write_text("status: draft\n", encoding="utf-8")
    load(content_copy)
    assert GlossaryTerm.objects.get(key="aplasia").status == "draft"
    assert 'id="aplasia"' not in client.get("/en/glossary/").content.decode()
    (content_copy / "glossary/aplasia/term.yaml").write_text("status: maybe\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"term.yaml, line 1, field 'status': 'maybe'"):
        load(content_copy)
