"""Property-based tests (Hypothesis): whatever a content file or a translator's
PO file holds, reading it gives values, or problems naming the file, within a
time bound; never an exception. Short runs in the suite (a few seconds each);
HYPOTHESIS_EXAMPLES=2000 searches further."""

import datetime
import os
import re
import tempfile
from pathlib import Path

import polib
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content_translation import po as po_module
from content_translation.fields import translatable_fields
from content_translation.po import PoErrors, read_po
from content_translation.segments import HEADING, heading_text, join_lines
from treatments.content import ContentErrors, Document, read_content
from treatments.models import Status, Therapy

from .small_content import FILES, write_small_content

QUICK = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 40)),  # more for a longer search
    deadline=datetime.timedelta(seconds=5),  # the time bound of one example
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- What hostile files are made of ---------------------------------------------------------

YAML_PIECES = [
    "\n", "  ", "    ", "- ", ": ", "? ", ", ", "[", "]", "{", "}", "'", '"', "#", "|", ">-",
    "&a ", "*a", "!!int ", "!!python/object ", "! ", "<<: ", "---\n", "...\n", "%YAML 1.1\n",
    "name", "slug", "summary", "steps", "side_effects", "sources", "key", "title", "status",
    "reviewed_on", "order", "aliases", "infusion", "fatigue", "car-t", "published",
    "2026-02-30", "2026-01-15", "2027-01-15 25:61:00", "0b_", "1:0:0", "9" * 50, "1e999",
    ".nan", "~", "null", "yes", "\t", "\r\n", "\x00", "\ufeff", "é", "\\", "=",
]  # fmt: skip

# Short runs of any printable text between the pieces (a NUL stops the YAML reader at once).
printable = st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=5)
yaml_ish = st.lists(st.sampled_from(YAML_PIECES) | printable, max_size=60).map("".join)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.dates()
    | st.datetimes()
    | st.sampled_from(["published", "draft", "car-t", "fatigue", "one", "infusion"])
)
yaml_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=10) | st.sampled_from(YAML_PIECES[22:40]), children, max_size=4
        )
    ),
    max_leaves=20,
)


def as_file(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True)


# --- The front-matter reader ----------------------------------------------------------------


def read_document(tmp: Path, name: str, content: bytes) -> Document:
    path = tmp / name
    path.write_bytes(content)
    problems = []
    doc = Document(path, Path("content") / name, problems, model=Therapy)
    # Every accessor, as the reader uses them, on whatever the file holds.
    doc.check_fields({"name", "slug"})
    for field in ("name", "summary", "daily_life"):
        doc.text(field, required=False)
    doc.key("slug")
    doc.choice("status", Status)
    doc.date("reviewed_on")
    doc.integer("order", required=False)
    doc.key_list("sources", {"one"}, "source", broken={"two"})
    doc.mapping("steps", required=False)
    if name.endswith(".md"):
        doc.markdown_body()
    assert doc.problems is problems
    assert doc.ok == (not problems)
    for problem in problems:
        assert str(problem).startswith(f"content/{name}")
    return doc


front_matters = st.one_of(
    st.text(),
    yaml_ish,
    yaml_values.map(as_file),
    st.dictionaries(st.sampled_from(YAML_PIECES[22:40]), yaml_values, max_size=6).map(as_file),
)


@QUICK
@given(front_matter=front_matters, body=st.text(max_size=50))
def test_any_markdown_file_gives_values_or_problems(front_matter, body):
    with tempfile.TemporaryDirectory() as tmp:
        read_document(Path(tmp), "fr.md", f"---\n{front_matter}\n---\n{body}".encode())


@QUICK
@given(content=front_matters.map(str.encode) | st.binary(max_size=200))
def test_any_yaml_file_gives_values_or_problems(content):
    with tempfile.TemporaryDirectory() as tmp:
        read_document(Path(tmp), "therapy.yaml", content)


@st.composite
def small_content_with_one_file_changed(draw):
    """A valid content folder with one file changed: the text replaced, or one
    of its fields (or a field inside it) given any value."""
    relative = draw(st.sampled_from(sorted(FILES)))
    text = FILES[relative]
    front, _, body = text.partition("\n---\n") if relative.endswith(".md") else ("", "", "")
    data = yaml.safe_load(front.removeprefix("---\n") if front else text)
    if draw(st.booleans()):
        new = draw(yaml_ish)
    else:
        target = data
        if isinstance(data, dict) and data and draw(st.booleans()):
            inner = data[draw(st.sampled_from(sorted(data)))]
            target = inner if isinstance(inner, dict | list) and inner else data
        if isinstance(target, dict):
            target[draw(st.sampled_from([*sorted(target), "extra"]))] = draw(yaml_values)
        elif isinstance(target, list):
            target[draw(st.integers(0, len(target) - 1))] = draw(yaml_values)
        new = as_file(data)
    return relative, f"---\n{new}\n---\n{body}" if relative.endswith(".md") else new


@QUICK
@given(change=small_content_with_one_file_changed())
def test_any_change_to_a_content_folder_gives_content_or_problems(change):
    relative, text = change
    with tempfile.TemporaryDirectory() as tmp:
        root = write_small_content(Path(tmp) / "content")
        (root / relative).write_text(text, encoding="utf-8")
        try:
            read_content(root)
        except ContentErrors as errors:
            assert errors.problems
            assert all(str(problem).startswith("content") for problem in errors.problems)


# --- The PO reader ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fields(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return list(translatable_fields())


@pytest.fixture(scope="module")
def small_po(django_db_setup, django_db_blocker, tmp_path_factory):
    """The first entries of the content's PO file, to mutate."""
    path = tmp_path_factory.mktemp("po") / "content.po"
    with django_db_blocker.unblock():
        po = po_module.export_po("en")
    small = polib.POFile(wrapwidth=78)
    small.metadata = po.metadata
    for entry in po[:6]:
        small.append(entry)
    small.save(str(path))
    return path.read_text(encoding="utf-8")


PO_PIECES = [
    "\n", " ", '"', "\\", "\\n", "\\t", '\\"', "msgid ", "msgstr ", "msgctxt ", "msgid_plural ",
    "msgstr[0] ", "msgstr[9] ", "#, fuzzy\n", "#| msgid ", "#~ ", "#: ", "#. ", "# ", '""',
    "therapy:car-t:name", "therapy:car-t:body:1", "Cellules CAR-T", "\r", "\x00", "é", "\ufeff",
    '"Content-Type: text/plain; charset=UTF-8\\n"', '"Language: fr\\n"', '"Plural-Forms: x\\n"',
]  # fmt: skip
po_ish = st.lists(st.sampled_from(PO_PIECES) | printable, max_size=60).map("".join)


@st.composite
def mutated(draw, text):
    """The text with a few pieces inserted or cut out."""
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:start] + draw(po_ish) + text[start:]
        else:
            text = text[:start] + text[start + draw(st.integers(0, 40)) :]
    return text


def read_any_po(fields, content: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "content.po"
        path.write_bytes(content)
        try:
            entries = read_po(path, "en", fields)
        except PoErrors as errors:
            assert errors.problems
            assert all(str(problem).startswith(str(path)) for problem in errors.problems)
        else:
            assert all(entry.msgctxt for entry in entries.values())


def po_files(small_po):
    return st.one_of(
        st.text().map(str.encode),
        po_ish.map(str.encode),
        mutated(small_po).map(str.encode),
        st.binary(max_size=200),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("msgfmt", [True, False], ids=["with msgfmt", "polib alone"])
def test_any_po_file_gives_entries_or_problems(fields, small_po, monkeypatch, msgfmt):
    """gettext's msgfmt checks the syntax first; without it (it is optional
    for the reader), polib's own reading must fail cleanly too."""
    if not msgfmt:
        monkeypatch.setattr(po_module, "msgfmt_problems", lambda path: [])

    @QUICK
    @given(content=po_files(small_po))
    def read(content):
        read_any_po(fields, content)

    read()


# --- Segments: the same reading as before, in linear time ----------------------------------

# The patterns segments.py used: right, but quadratic on a long run of spaces
# (40,000 spaces in a translated heading took 71 s).
OLD_HEADING = re.compile(r"^(#{1,6}[ \t]+)(.*?)(?:[ \t]+#+)?[ \t]*$")
OLD_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")


@QUICK
@given(text=st.text(alphabet=" \t#a\n", max_size=30))
def test_headings_and_line_breaks_are_read_as_before(text):
    assert join_lines(text) == OLD_LINE_BREAK.sub(" ", text.strip(" \t\n"))
    line = text.split("\n")[-1]
    old, new = OLD_HEADING.match(line), HEADING.match(line)
    assert (new.group(1), heading_text(new.group(2))) == old.groups() if old else new is None
