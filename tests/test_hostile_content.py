"""Hostile content files and PO files: each is refused with a clear message
naming the file, the line and the field, in bounded time and memory, before
anything is written, on SQLite and PostgreSQL alike."""

import shutil
import signal
import tracemalloc
from contextlib import contextmanager
from io import StringIO

import polib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils.translation import override

from content_translation.models import SegmentTranslation
from content_translation.segments import join_lines
from treatments.limits import (
    MAX_CONTENT_FILE_SIZE,
    MAX_MARKDOWN_LENGTH,
    max_length,
    validate_markdown_length,
)
from treatments.models import Source, Therapy

from .small_content import write_small_content

pytestmark = pytest.mark.django_db


@contextmanager
def bounded(seconds=5, megabytes=50):
    """Fails a test whose code runs longer or allocates more than this. (The
    alias bomb took 25 s and 2.1 GB before the loader refused it.)"""

    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    tracemalloc.start()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < megabytes * 2**20, f"{peak / 2**20:.0f} MB allocated"


def check(root, *args):
    out = StringIO()
    call_command("load_content", "--path", str(root), *args, stdout=out)
    return out.getvalue()


def refused(root, *args) -> list[str]:
    """The problems load_content reports, one a line; asserts nothing was written."""
    with pytest.raises(CommandError) as error:
        check(root, *args)
    lines = str(error.value).splitlines()
    assert "nothing was written" in lines[0]
    return lines[1:]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    if old is None:
        text += new
    else:
        assert old in text, f"{old!r} not in {path}"
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def small(tmp_path):
    return write_small_content(tmp_path / "content")


def test_the_small_content_is_valid(small):
    assert "Content is valid: 1 treatments, 1 side effects, 1 diseases" in check(small, "--check")


ALIAS_BOMB = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 9)
)  # 480 bytes: 9**8 = 43 million strings once expanded
ALIASES = "YAML anchors and aliases (&name, *name) are not allowed in content files"
THERAPY = "therapies/car-t/therapy.yaml"
SOURCE = "sources/one.yaml"
ALIASES_200K = f"[{'a' * 100_000}, {'b' * 100_000}]"  # one a line: 200,001 characters
FR = "therapies/car-t/fr.md"


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (SOURCE, None, ALIAS_BOMB, f"{SOURCE}, line 6, field 'a0': {ALIASES}"),
        (SOURCE, "title: A source", "title: &t [*t]", f"line 1, field 'title': {ALIASES}"),
        (SOURCE, "publisher: A publisher", "publisher: *p", f"field 'publisher': {ALIASES}"),
        (THERAPY, None, "extra:\n" + "- " * 5000 + "x\n",
         f"{THERAPY}, line 12, field 'extra[0][0][0][0][0][0][0][0][0]': nested more than 10 "),
        # libyaml stops a flow list before it reaches the loader's own limit.
        (THERAPY, None, "extra: " + "[" * 5000 + "]" * 5000, (f"{THERAPY}, line 11", "nest")),
        (THERAPY, None, "extra: " + "{a: " * 5000 + "}" * 5000 + "\n",
         "field 'extra.a.a.a.a.a.a.a.a': nested more than 10 levels deep"),
        (THERAPY, None, "extra: [" + "x, " * 10_000 + "]\n", "more than 5,000 values in one file"),
        (THERAPY, None, "status: draft\n",
         f"{THERAPY}, line 11, field 'status': given twice (first on line 3): keep only one"),
        (FR, "    duration: One hour", "    title: Another",
         f"{FR}, line 8, field 'steps.infusion.title': given twice (first on line 7)"),
        (THERAPY, None, "reviewed_on: 2026-02-30\n",
         f"{THERAPY}, line 11, field 'reviewed_on': '2026-02-30' is not a valid date"),
        (THERAPY, None, "next_review_due: 2027-01-15 25:61:00\n",
         "line 11, field 'next_review_due': '2027-01-15 25:61:00' is not a valid date"),
        (FR, "summary: Two plain sentences.", "summary: 2026-02-30",
         f"{FR}, line 4, field 'summary': '2026-02-30' is not a valid date"),
        (THERAPY, "order: 1", "order: " + "9" * 5000, "line 2, field 'order': '999"),
        (THERAPY, "order: 1", "order: 1" + ":0" * 100_000, "is too long for a number"),
        (THERAPY, "order: 1", "order: 0b_", "field 'order': '0b_' is not a number"),
        (SOURCE, "title: A source", "title: !!python/object/apply:os.system [ls]",
         "line 1, field 'title': YAML tags (tag:yaml.org,2002:python/object/apply:os.system)"),
        (THERAPY, None, "<<: {status: draft}\n", "line 11, field '<<': YAML merge keys (<<)"),
        (THERAPY, None, "? [a, b]\n: x\n", "line 11: a field's name must be a word"),
        (FR, "## CAR-T fr", "x" * 2_100_000, f"{FR}, line 1: too large: 2,100,"),
    ],
)  # fmt: skip
def test_a_hostile_yaml_file_is_refused_with_its_line_and_field(small, file, old, new, message):
    edit(small / file, old, new)
    with bounded():
        problems = refused(small, "--check")
    parts = (message,) if isinstance(message, str) else message
    assert any(all(part in line for part in parts) for line in problems), problems


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (FR, "name: CAR-T fr", "name: " + "N" * 10_000,
         f"{FR}, line 2, field 'name': too long: 10,000 characters, at most 200 allowed"),
        (FR, "    title: The infusion", "    title: " + "T" * 300,
         f"{FR}, line 7, field 'steps.infusion.title': too long: 300 characters, at most 200"),
        (FR, "    duration: A few weeks", "    duration: " + "D" * 201,
         "field 'side_effects.fatigue.duration': too long: 201 characters, at most 200 allowed"),
        (FR, "## CAR-T fr\n\nA short article.\n", "x" * (MAX_MARKDOWN_LENGTH + 1),
         f"{FR}, line 14: the Markdown body is too long: 200,001 characters, at most 200,000"),
        (FR, "summary: Two plain sentences.", "summary: " + "s" * 200_001,
         f"{FR}, line 4, field 'summary': too long: 200,001 characters, at most 200,000 allowed"),
        (SOURCE, "url: https://example.org/one", "url: https://example.org/" + "u" * 500,
         f"{SOURCE}, line 3, field 'url': too long: 520 characters, at most 500 allowed"),
        ("glossary/aplasia/en.md", "slug: aplasia-en\n", f"slug: x\naliases: {ALIASES_200K}\n",
         "glossary/aplasia/en.md, line 4, field 'aliases': too long: 200,001 characters"),
        ("synonyms/en.yaml", None, f"- [x, {'w' * 200_000}]\n",
         "synonyms/en.yaml, line 2: group 2 is too long: 200,002 characters, at most 200,000"),
        ("synonyms/en.yaml", None, f"- [{'w' * 121}, other]\n",
         "synonyms/en.yaml, line 2: group 2: its first word is too long"),
    ],
)  # fmt: skip
def test_every_length_limit_of_the_models_is_checked(small, file, old, new, message):
    edit(small / file, old, new)
    with bounded():
        problems = refused(small, "--check")
    assert any(line.startswith("content/") and message in line for line in problems), problems


def test_a_key_longer_than_the_database_holds_is_refused(small):
    shutil.copytree(small / "side-effects/fatigue", small / f"side-effects/{'k' * 81}")
    assert f"content/side-effects/{'k' * 81}: the key is too long: 81 characters, at most 80 " in (
        "\n".join(refused(small, "--check"))
    )


def test_the_limits_come_from_the_model_fields(small, monkeypatch):
    """No copy of the lengths to keep in step: the reader asks the model."""
    monkeypatch.setattr(Source._meta.get_field("publisher"), "max_length", 5)
    assert max_length(Source, "publisher") == 5
    assert (
        "content/sources/one.yaml, line 2, field 'publisher': too long: 11 characters, at most 5"
        in refused(small, "--check")[0]
    )


def test_the_content_readme_states_the_limits_in_force():
    readme = (settings.CONTENT_DIR / "README.md").read_text(encoding="utf-8")
    for stated in [
        f"| {MAX_MARKDOWN_LENGTH:,} characters (200 kB) per field, per language |",
        f"| {max_length(Therapy, 'name')} characters |",
        f"| {max_length(Source, 'title')} / {max_length(Source, 'url')} characters |",
        f"| {max_length(Therapy, 'key')} characters |",
        f"| {MAX_CONTENT_FILE_SIZE // 1_000_000} MB |",
    ]:
        assert stated in readme


def test_root_causes_are_listed_before_their_consequences(small):
    edit(small / "sources/one.yaml", "title: A source", "title: [broken")
    problems = refused(small, "--check")
    assert problems[0].startswith("content/sources/one.yaml, line 2: invalid YAML")
    # Each consequence names the root it comes from; sorted by path they came first.
    assert problems[1:] == [
        "content/diseases/myeloma/disease.yaml, line 2, field 'therapies[0]': 'car-t' is not "
        "a known treatment: its own files have problems, listed above",
        "content/diseases/myeloma/disease.yaml, line 3, field 'sources[0]': 'one' is not a "
        "known source: its own files have problems, listed above",
        "content/side-effects/fatigue/side-effect.yaml, line 1, field 'sources[0]': 'one' is not "
        "a known source: its own files have problems, listed above",
        "content/symptoms/fever/symptom.yaml, line 3, field 'sources[0]': 'one' is not a known "
        "source: its own files have problems, listed above",
        "content/symptoms/fever/symptom.yaml, line 5, field 'contexts[0].therapy': 'car-t' is not "
        "a known treatment: its own files have problems, listed above",
        "content/therapies/car-t/therapy.yaml, line 4, field 'sources[0]': 'one' is not a known "
        "source: its own files have problems, listed above",
        "content/therapies/car-t/therapy.yaml, line 7, field 'side_effects[0].key': 'fatigue' is "
        "not a known side effect: its own files have problems, listed above",
    ]


def test_an_unknown_key_is_still_a_root_cause(small):
    edit(small / "diseases/myeloma/disease.yaml", "therapies: [car-t]", "therapies: [nowhere]")
    assert refused(small, "--check") == [
        "content/diseases/myeloma/disease.yaml, line 2, field 'therapies[0]': 'nowhere' is not "
        "a known treatment"
    ]


# --- The portal's own content, and the database ---------------------------------------------


@pytest.fixture
def content_copy(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, root)
    return root


def test_a_10000_character_name_is_refused_by_check_and_by_load(content_copy):
    """SQLite would store it in a 200-character column; PostgreSQL would stop
    with a DataError: both refuse it first, with the same message."""
    edit(
        content_copy / "therapies/car-t/en.md", "name: CAR-T cell therapy", "name: " + "N" * 10_000
    )
    message = (
        "content/therapies/car-t/en.md, line 2, field 'name': too long: 10,000 characters, "
        "at most 200 allowed"
    )
    for args in (["--check"], []):
        problems = refused(content_copy, *args)
        assert problems[0] == message
        # The diseases that list the treatment say why they cannot find it, after.
        assert all("'car-t' is not a known treatment: its own files" in p for p in problems[1:])
    assert Therapy.objects.working().get(key="car-t").name_en == "CAR-T cell therapy"


def test_the_alias_bomb_in_the_portal_content_is_refused_at_once(content_copy):
    edit(content_copy / "sources/inca-myelome-multiple.yaml", None, ALIAS_BOMB)
    with bounded(seconds=30, megabytes=200):  # reading all of content/ takes about a second
        problems = refused(content_copy, "--check")
    assert problems[
        0
    ] == f"content/sources/inca-myelome-multiple.yaml, line 5, field 'a0': {ALIASES}: " + (
        "write the value out in full"
    )
    assert all("its own files have problems, listed above" in line for line in problems[1:])


# --- PO files -------------------------------------------------------------------------------


def export_po(path):
    call_command("export_content_po", "en", path=path, stdout=StringIO())
    return polib.pofile(str(path))


def import_refused(path) -> str:
    with pytest.raises(CommandError) as error:
        call_command("import_content_po", "en", path=path, stdout=StringIO())
    assert "nothing was written" in str(error.value)
    return str(error.value)


def test_a_10000_character_name_in_a_po_file_is_refused_before_any_write(tmp_path):
    path = tmp_path / "content.po"
    po = export_po(path)
    po.find("therapy:car-t:body:1", by="msgctxt").msgstr = "A valid edit."
    po.find("therapy:car-t:name", by="msgctxt").msgstr = "N" * 10_000
    po.save()
    line = polib.pofile(str(path)).find("therapy:car-t:name", by="msgctxt").linenum
    with bounded(seconds=30, megabytes=400):
        message = import_refused(path)
    assert (
        f"{path}, line {line}, entry 'therapy:car-t:name': therapy:car-t:name would be too long: "
        "10,000 characters, at most 200 allowed"
    ) in message
    therapy = Therapy.objects.working().get(key="car-t")
    assert therapy.name_en == "CAR-T cell therapy"
    assert not therapy.body_en.startswith("A valid edit.")
    assert not SegmentTranslation.objects.exists()


def test_a_po_translation_that_makes_an_article_too_long_is_refused(tmp_path):
    path = tmp_path / "content.po"
    po = export_po(path)
    entry = next(e for e in po if e.msgctxt.startswith("therapy:car-t:body:") and len(e.msgid) > 80)
    entry.msgstr = "word " * (MAX_MARKDOWN_LENGTH // 5)
    po.save()
    line = polib.pofile(str(path)).find(entry.msgctxt, by="msgctxt").linenum
    message = import_refused(path)
    assert (
        f"{path}, line {line}, entry '{entry.msgctxt}': therapy:car-t:body would be too long: "
        in (message)
    )
    assert "at most 200,000 allowed" in message
    assert not SegmentTranslation.objects.exists()


def test_a_po_translation_full_of_spaces_is_read_in_linear_time(tmp_path):
    path = tmp_path / "content.po"
    po = export_po(path)
    heading = po.find("therapy:car-t:body:1", by="msgctxt")
    heading.msgstr = "What" + " " * 150_000 + "is it? ##"
    po.find("therapy:car-t:name", by="msgctxt").msgid = "Plus la même chose"
    po.save()
    with bounded(seconds=30, megabytes=400):  # 15 minutes before
        message = import_refused(path)
    assert "entry 'therapy:car-t:name': the msgid does not match the current content" in message
    assert "therapy:car-t:body:1" not in message  # the heading is a heading still
    assert join_lines("a" + " " * 2_000_000 + "\n b") == "a b"


def test_a_po_file_too_large_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "content.po"
    path.write_bytes(b"#" * 20_000_001)
    assert f"{path}: too large: 20,000,001 bytes, at most 20,000,000 allowed" in import_refused(
        path
    )


# --- The admin's validator ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This text has 200,001 characters; a text can have at most 200,000."),
        ("fr", "Ce texte compte 200\u00a0001 caractères\u202f; un texte peut en compter au plus "),
    ],
)
def test_the_markdown_length_validator_speaks_the_editors_language(language, message):
    validate_markdown_length("x" * MAX_MARKDOWN_LENGTH)
    with override(language):
        with pytest.raises(ValidationError) as error:
            validate_markdown_length("x" * (MAX_MARKDOWN_LENGTH + 1))
        assert message in error.value.messages[0]


# --- Markdown that Python-Markdown cannot render in linear time -----------------------------

NOT_RENDERED = "its Markdown cannot be rendered within 2 s"
BRACKETS = "[" * 20_000  # 149 s to render, before the limit


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (FR, "A short article.", BRACKETS, f"{FR}, line 14: the Markdown body: {NOT_RENDERED}"),
        ("side-effects/fatigue/en.md", "self_care: '- Rest.'", f"self_care: '{BRACKETS}'",
         f"side-effects/fatigue/en.md, line 5, field 'self_care': {NOT_RENDERED}"),
    ],
)  # fmt: skip
def test_markdown_that_cannot_be_rendered_in_time_is_refused_with_its_field(
    small, file, old, new, message
):
    edit(small / file, old, new)
    with bounded(seconds=20, megabytes=200):
        problems = refused(small)
    assert any(message in line for line in problems), problems


def test_a_po_translation_that_cannot_be_rendered_in_time_is_refused(tmp_path):
    path = tmp_path / "content.po"
    po = export_po(path)
    entry = next(e for e in po if e.msgctxt.startswith("therapy:car-t:body:") and len(e.msgid) > 80)
    entry.msgstr = BRACKETS
    po.save()
    line = polib.pofile(str(path)).find(entry.msgctxt, by="msgctxt").linenum
    with bounded(seconds=30, megabytes=400):
        message = import_refused(path)
    assert f"line {line}, entry '{entry.msgctxt}': therapy:car-t:body: {NOT_RENDERED}" in message
    assert not Therapy.objects.working().get(key="car-t").body_en.startswith("[[[")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The formatting of this text is too complex to be shown (for instance thousands"),
        ("fr", "La mise en forme de ce texte est trop complexe pour être affichée (par exemple"),
    ],
)
def test_the_admin_refuses_markdown_it_cannot_render_in_the_editors_language(
    client, language, message
):
    from .builders import make_reviewer
    from .test_admin_workflow import change_url, form_data

    therapy = Therapy.objects.working().get(key="car-t")
    client.force_login(make_reviewer())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    data = form_data(client, therapy, body_en=BRACKETS)
    response = client.post(change_url(therapy), data)  # within seconds (149 s before)
    assert response.status_code == 200  # the form again, with the error at the field
    assert message in response.content.decode()
    therapy.refresh_from_db()
    assert not therapy.body_en.startswith("[[[")
