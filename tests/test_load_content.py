"""load_content checks everything first, writes all or nothing, and is idempotent."""

import shutil
from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from treatments import publishing
from treatments.models import (
    SideEffect,
    Source,
    Status,
    Therapy,
    TherapySideEffect,
    TreatmentStep,
)

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


def test_a_changed_file_updates_only_its_working_version(content_copy, client):
    replace_in(
        content_copy / "therapies/car-t/en.md", "name: CAR-T cell therapy", "name: CAR-T cells"
    )
    output = load(content_copy)
    assert "treatments: 1 updated, 7 unchanged" in output
    working = Therapy.objects.working().get(key="car-t")
    assert working.name_en == "CAR-T cells" and working.name_fr == "Cellules CAR-T"
    # Patients keep the published text until a reviewer publishes the change.
    assert working.status == Status.IN_REVIEW
    assert Therapy.objects.published().get(key="car-t").name_en == "CAR-T cell therapy"
    html = client.get("/en/treatments/car-t-cell-therapy/").content.decode()
    assert "<h1>CAR-T cell therapy</h1>" in html


def edit_in_admin(key="car-t", **values):
    """A change saved by staff to a working version (as the admin does)."""
    therapy = Therapy.objects.working().get(key=key)
    for name, value in values.items():
        setattr(therapy, name, value)
    therapy.save()
    return therapy


def test_a_load_keeps_what_staff_changed_in_the_admin(content_copy):
    edit_in_admin(summary_en="A summary an editor improved in the admin.")
    output = load(content_copy)
    assert "treatments: 1 kept as changed in the admin, 7 unchanged" in output
    therapy = Therapy.objects.working().get(key="car-t")
    assert therapy.summary_en == "A summary an editor improved in the admin."


def test_a_conflict_is_named_and_nothing_is_written_unless_forced(content_copy):
    edit_in_admin(summary_en="A summary an editor improved in the admin.")
    replace_in(content_copy / "therapies/chemotherapy/en.md", "name: Chemotherapy", "name: Chemo")
    edit_front_matter(
        content_copy / "therapies/car-t/en.md", lambda data: data.update(summary="From the file.")
    )
    before = snapshot()
    with pytest.raises(CommandError) as error:
        load(content_copy)
    message = str(error.value)
    assert "1 object changed both in the admin and in the files; nothing was written" in message
    assert "therapies/car-t: changed in the admin since the last import" in message
    assert "(summary_en)" in message
    assert snapshot() == before
    output = load(content_copy, "--force")
    assert "overwritten (--force): therapies/car-t" in output
    assert Therapy.objects.working().get(key="car-t").summary_en == "From the file."
    assert Therapy.objects.working().get(key="chemotherapy").name_en == "Chemo"


def test_a_load_never_changes_status_or_puts_a_withdrawn_page_back(content_copy, client):
    therapy = Therapy.objects.working().get(key="tcr-t")
    publishing.withdraw(therapy)
    url = "/en/treatments/tcr-t-cell-therapy/"
    assert client.get(url).status_code == 404
    load(content_copy)
    load(content_copy, "--force")
    therapy.refresh_from_db()
    assert therapy.status == Status.DRAFT and therapy.live_version is None
    assert client.get(url).status_code == 404


def test_make_loads_content_only_into_an_empty_database(content_copy):
    edit_in_admin(summary_en="Kept.")
    output = load(content_copy, "--initial", "--force")
    assert "already holds content: nothing loaded" in output
    assert Therapy.objects.working().get(key="car-t").summary_en == "Kept."


def drop_contexts(content, therapy):
    """Takes a treatment out of the triage table's contexts (symptom.yaml and its notes)."""
    for folder in (content / "symptoms").iterdir():
        meta_path = folder / "symptom.yaml"
        meta = yaml.safe_load(meta_path.read_text())
        rows = [row for row in meta.get("contexts") or [] if row["therapy"] != therapy]
        meta_path.write_text(yaml.safe_dump({**meta, "contexts": rows}, allow_unicode=True))
        for language in ("fr", "en"):
            path = folder / f"{language}.md"
            _, front, body = path.read_text().split("---\n", 2)
            data = yaml.safe_load(front)
            (data.get("contexts") or {}).pop(therapy, None)
            front = yaml.safe_dump(data, allow_unicode=True)
            path.write_text(f"---\n{front}---\n{body}")


def test_pages_without_files_are_listed_and_withdrawn_only_with_prune(content_copy, client):
    shutil.rmtree(content_copy / "therapies/tcr-t")  # no disease page links to it
    article = content_copy / "articles/clinical-trials/article.yaml"
    article.write_text(article.read_text().replace("- tcr-t\n", ""))
    drop_contexts(content_copy, "tcr-t")
    url = "/en/treatments/tcr-t-cell-therapy/"
    output = load(content_copy)
    assert "no longer in the files: therapies/tcr-t" in output
    assert client.get(url).status_code == 200
    output = load(content_copy, "--prune")
    assert "treatments: 1 withdrawn, 7 unchanged" in output
    assert client.get(url).status_code == 404
    assert Therapy.objects.working().get(key="tcr-t").name_en  # the text is kept, as a draft


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
    assert Therapy.objects.working().get(key="chemotherapy").name_fr == "Chimiothérapie"


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


def test_a_step_removed_from_the_files_is_removed_from_the_working_version(content_copy):
    therapy = Therapy.objects.working().get(key="car-t")
    first_step = therapy.steps.first().key
    meta = content_copy / "therapies/car-t/therapy.yaml"
    data = yaml.safe_load(meta.read_text(encoding="utf-8"))
    data["steps"] = [step for step in data["steps"] if first_step not in step]
    meta.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for language in ("fr", "en"):
        edit_front_matter(
            content_copy / f"therapies/car-t/{language}.md",
            lambda data: data["steps"].pop(first_step),
        )
    output = load(content_copy)
    assert "treatments: 1 updated, 7 unchanged" in output
    assert not therapy.steps.filter(key=first_step).exists()
    live = Therapy.objects.published().get(key="car-t")
    assert live.steps.filter(key=first_step).exists()  # until a reviewer publishes


def test_a_synonym_group_of_one_word_is_refused_with_its_line(content_copy):
    path = content_copy / "synonyms/en.yaml"
    path.write_text("- [CAR-T, CART]\n- [lonely, '  ']\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"synonyms/en.yaml, line 2: group 2 must list two words"
    ):
        load(content_copy)


def test_a_new_glossary_term_can_be_held_back_as_a_draft(content_copy, client):
    from treatments.models import GlossaryTerm

    new = content_copy / "glossary/zebra-term"
    shutil.copytree(content_copy / "glossary/aplasia", new)
    for language in ("fr", "en"):
        path = new / f"{language}.md"
        path.write_text(
            "---\nterm: Zebra term\nslug: zebra-term\n---\nA definition.\n", encoding="utf-8"
        )
    (new / "term.yaml").write_text("status: draft\n", encoding="utf-8")
    load(content_copy)
    assert GlossaryTerm.objects.working().get(key="zebra-term").status == "draft"
    assert 'id="zebra-term"' not in client.get("/en/glossary/").content.decode()
    (content_copy / "glossary/aplasia/term.yaml").write_text("status: maybe\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"term.yaml, line 1, field 'status': 'maybe'"):
        load(content_copy)
