"""Content translated through a PO file: export, edit, import, and what readers see."""

from io import StringIO

import polib
import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import override

from content_translation.models import SegmentTranslation
from content_translation.segments import rebuild, same_shape, segment_texts, split_markdown
from treatments import publishing
from treatments.models import GlossaryTerm, Status, Therapy

from .builders import make_therapy

pytestmark = pytest.mark.django_db


def export(path):
    call_command("export_content_po", "en", path=path, stdout=StringIO())
    return polib.pofile(str(path))


def import_po(path):
    output = StringIO()
    call_command("import_content_po", "en", path=path, stdout=output)
    return output.getvalue()


def first_entry(po, prefix, kind):
    """The first entry of a field whose translator comment names this kind of block."""
    return next(e for e in po if e.msgctxt.startswith(prefix) and f": {kind} " in e.comment)


def english_page(client, therapy):
    """The English article (its key points are there)."""
    with override("en"):
        url = therapy.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Segments -------------------------------------------------------------------------------

MARKDOWN = """## Qu’est-ce que c’est ?

Un paragraphe écrit
sur deux lignes.

- un élément
  qui continue ;
- un autre :
    - un sous-élément.

1. premier ;
2. second."""


def test_markdown_is_cut_into_headings_paragraphs_and_list_items():
    blocks = split_markdown(MARKDOWN)
    assert [(block.kind, block.prefix, block.text) for block in blocks] == [
        ("heading", "## ", "Qu’est-ce que c’est ?"),
        ("paragraph", "", "Un paragraphe écrit sur deux lignes."),
        ("list item", "- ", "un élément qui continue ;"),
        ("list item", "- ", "un autre :"),
        ("list item", "    - ", "un sous-élément."),
        ("list item", "1. ", "premier ;"),
        ("list item", "2. ", "second."),
    ]


def test_a_translation_is_rebuilt_with_the_french_structure():
    blocks = split_markdown(MARKDOWN)
    english = ["What is it?", "A paragraph.", "an item;", "another:", "a sub-item.", "one;", "two."]
    rebuilt = rebuild(blocks, english)
    assert rebuilt == (
        "## What is it?\n\nA paragraph.\n\n- an item;\n- another:\n    - a sub-item.\n\n"
        "1. one;\n2. two."
    )
    assert same_shape(split_markdown(rebuilt), blocks)
    assert segment_texts(split_markdown(rebuilt)) == english


# --- Export and import ----------------------------------------------------------------------


def test_export_has_one_entry_per_segment_with_the_current_translation(tmp_path):
    po = export(tmp_path / "content.po")
    name = next(e for e in po if e.msgctxt == "therapy:car-t:name")
    assert (name.msgid, name.msgstr) == ("Cellules CAR-T", "CAR-T cell therapy")
    assert name.occurrences == [("content/therapies/car-t/fr.md", "")]
    heading = po.find("therapy:car-t:body:1", by="msgctxt")
    assert heading.msgid.startswith("Qu’est-ce") and heading.msgstr.startswith("What")
    step = po.find("step:car-t/leukapheresis:title", by="msgctxt")
    assert step.msgstr and not step.fuzzy
    assert po.find("therapy-side-effect:car-t/fatigue:duration", by="msgctxt") is not None
    assert not any(e.msgctxt.endswith((":slug", "_html")) for e in po)
    assert not po.fuzzy_entries() and not po.untranslated_entries()


def test_an_edited_translation_is_imported_and_shown_on_the_english_page(client, tmp_path):
    therapy = Therapy.objects.working().get(key="car-t")
    english_page(client, therapy)  # now in the page cache
    path = tmp_path / "content.po"
    po = export(path)
    item = first_entry(po, "therapy:car-t:key_points:", "list item")
    item.msgstr = "**A brand-new key point**: call the centre at once."
    po.save()

    output = import_po(path)

    assert "updated: therapy:car-t:key_points" in output
    # A translation is a working version: online once a reviewer publishes it.
    therapy.refresh_from_db()
    assert therapy.status == Status.IN_REVIEW
    html = english_page(client, therapy)
    assert "A brand-new key point" not in html
    publishing.publish(therapy)
    html = english_page(client, therapy)
    assert "<strong>A brand-new key point</strong>: call the centre at once." in html
    assert "- **A brand-new key point**: call the centre at once." in therapy.key_points_en
    # The French is untouched.
    assert therapy.key_points_fr.startswith("- On prend vos propres globules blancs")
    remembered = SegmentTranslation.objects.get(language="en", context=item.msgctxt)
    assert (remembered.source, remembered.translation) == (item.msgid, item.msgstr)


def test_a_changed_french_source_comes_back_fuzzy_and_the_page_keeps_its_translation(
    client, tmp_path
):
    therapy = Therapy.objects.working().get(key="car-t")
    path = tmp_path / "content.po"
    po = export(path)
    paragraph = first_entry(po, "therapy:car-t:body:", "paragraph")
    paragraph.msgstr = "The first translation of this paragraph."
    po.save()
    import_po(path)
    old_french = paragraph.msgid
    therapy.refresh_from_db()
    publishing.publish(therapy)

    blocks = split_markdown(therapy.body_fr)
    texts = [text + " Ajout." if text == old_french else text for text in segment_texts(blocks)]
    therapy.body_fr = rebuild(blocks, texts)
    therapy.save()
    publishing.publish(therapy)
    po = export(path)

    entry = po.find(paragraph.msgctxt, by="msgctxt")
    assert entry.fuzzy
    assert entry.msgid == old_french + " Ajout."
    assert entry.previous_msgid == old_french
    assert entry.msgstr == "The first translation of this paragraph."
    assert len(po.fuzzy_entries()) == 1
    assert "The first translation of this paragraph." in english_page(client, therapy)

    # A new translation stays out of the page while the entry is still fuzzy...
    entry.msgstr = "The second translation, with the addition."
    po.save()
    import_po(path)
    publishing.publish(therapy)
    html = english_page(client, therapy)
    assert "The first translation of this paragraph." in html
    assert "The second translation" not in html

    # ...and replaces the old one once the translator clears the flag.
    entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    po.save()
    import_po(path)
    publishing.publish(therapy)
    html = english_page(client, therapy)
    assert "The second translation, with the addition." in html
    assert "The first translation" not in html
    assert not export(tmp_path / "again.po").fuzzy_entries()


def test_a_new_page_gets_its_english_fields_and_slug_from_the_file(tmp_path):
    therapy = make_therapy(
        steps=1, name_en="", slug_en=None, summary_en="", key_points_en="", body_en=""
    )
    prefix = f"therapy:{therapy.key}:"
    path = tmp_path / "content.po"
    po = export(path)
    entries = [e for e in po if e.msgctxt.startswith(prefix)]
    assert [e.msgctxt for e in entries] == [
        f"{prefix}name", f"{prefix}summary", f"{prefix}key_points:1", f"{prefix}key_points:2",
        f"{prefix}key_points:3", f"{prefix}body:1", f"{prefix}body:2",
    ]  # fmt: skip
    assert not any(e.msgstr for e in entries)
    entries[0].msgstr = "Brand-new treatment"
    entries[1].msgstr = "A new summary."
    entries[5].msgstr = "What is it?"  # body:2 stays untranslated
    po.save()

    output = import_po(path)

    therapy.refresh_from_db()
    assert (therapy.name_en, therapy.slug_en) == ("Brand-new treatment", "brand-new-treatment")
    assert therapy.summary_en == "A new summary."
    # A field is written only when all its segments have a translation.
    assert therapy.body_en == ""
    assert f"kept as it is: {prefix}body (1 segment without a translation)" in output


def test_a_translated_glossary_definition_reaches_the_pages_that_use_the_term(client, tmp_path):
    term = GlossaryTerm.objects.working().get(key="leukapheresis")
    path = tmp_path / "content.po"
    po = export(path)
    po.find(
        "glossary-term:leukapheresis:definition:1", by="msgctxt"
    ).msgstr = "A brand-new definition of this word. It has a second sentence."
    po.save()
    import_po(path)
    therapy = Therapy.objects.working().get(key="car-t")
    assert "A brand-new definition" not in english_page(client, therapy)
    term.refresh_from_db()
    publishing.publish(term)
    html = english_page(client, therapy)
    assert f'href="/en/glossary/#{term.slug_en}"' in html
    assert "A brand-new definition of this word.</span>" in html


# --- Files that are refused -----------------------------------------------------------------


def assert_nothing_written(therapy_before):
    therapy = Therapy.objects.working().get(pk=therapy_before.pk)
    assert therapy.body_en == therapy_before.body_en
    assert therapy.key_points_en == therapy_before.key_points_en
    assert not SegmentTranslation.objects.exists()


def test_a_malformed_file_is_refused_with_its_line_and_writes_nothing(tmp_path):
    therapy = Therapy.objects.working().get(key="car-t")
    path = tmp_path / "content.po"
    po = export(path)
    first_entry(po, "therapy:car-t:body:", "paragraph").msgstr = "A valid edit."
    po.save()
    lines = path.read_text(encoding="utf-8").splitlines()
    line = lines.index('msgstr "CAR-T cell therapy"') + 1
    lines[line - 1] = 'msgstr "CAR-T cell therapy'  # the closing quote forgotten
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(CommandError) as error:
        import_po(path)

    assert f"{path}, line {line}" in str(error.value)
    assert "nothing was written" in str(error.value)
    assert_nothing_written(therapy)


def test_an_entry_that_no_longer_matches_the_content_is_refused_by_name(tmp_path):
    therapy = Therapy.objects.working().get(key="car-t")
    path = tmp_path / "content.po"
    po = export(path)
    po.find("therapy:car-t:body:1", by="msgctxt").msgstr = "A valid edit."
    changed = first_entry(po, "therapy:car-t:key_points:", "list item")
    changed.msgid = "Un texte français qui n’existe plus."
    changed.msgstr = "A text that no longer exists."
    po.save()
    line = polib.pofile(str(path)).find(changed.msgctxt, by="msgctxt").linenum

    with pytest.raises(CommandError) as error:
        import_po(path)

    message = str(error.value)
    assert f"{path}, line {line}, entry '{changed.msgctxt}'" in message
    assert "does not match the current content" in message
    assert_nothing_written(therapy)


@pytest.mark.parametrize(
    ("context", "translation", "problem"),
    [
        ("therapy:car-t:nowhere:1", "Anything.", "no such text in the current content"),
        ("therapy:car-t:name", "Two\nlines", "must keep the shape of the French text"),
    ],
)
def test_unknown_entries_and_broken_shapes_are_refused(tmp_path, context, translation, problem):
    therapy = Therapy.objects.working().get(key="car-t")
    path = tmp_path / "content.po"
    po = export(path)
    entry = po.find(context, by="msgctxt")
    if entry is None:
        po.append(polib.POEntry(msgctxt=context, msgid="Quelque chose.", msgstr=translation))
    else:
        entry.msgstr = translation
    po.save()
    with pytest.raises(CommandError, match=problem):
        import_po(path)
    assert_nothing_written(therapy)


def test_a_list_item_translated_as_two_paragraphs_is_refused(tmp_path):
    path = tmp_path / "content.po"
    po = export(path)
    first_entry(po, "therapy:car-t:key_points:", "list item").msgstr = "One.\n\nTwo."
    po.save()
    with pytest.raises(CommandError, match="must keep the shape of the French text"):
        import_po(path)


def test_a_figure_s_text_goes_through_the_po_file_and_waits_for_a_reviewer(client, tmp_path):
    from treatments.models import Figure

    therapy = Therapy.objects.working().get(key="car-t")
    assert 'alt="' in english_page(client, therapy)
    path = tmp_path / "content.po"
    po = export(path)
    item = po.find("figure:car-t-steps:alt", by="msgctxt")
    assert item.occurrences == [("content/figures/car-t-steps/fr.md", "")]
    item.msgstr = "Four steps of CAR-T cell therapy, drawn for a translator's test."
    po.save()

    assert "updated: figure:car-t-steps:alt" in import_po(path)

    figure = Figure.objects.working().get(key="car-t-steps")
    assert figure.status == Status.IN_REVIEW
    assert "drawn for a translator's test" not in english_page(client, therapy)
    publishing.publish(figure)
    assert "drawn for a translator&#x27;s test" in english_page(client, therapy)


def test_every_kind_written_in_each_language_goes_through_the_po_file():
    """A new kind of content with texts in each language cannot be left out of the
    translators' file by forgetting a list: formats.py declares it, the PO file follows."""
    from content_translation.fields import TRANSLATED_PAGES
    from treatments.content.formats import FORMATS

    written_in_each_language = {model for model, kind in FORMATS.items() if kind.texts}
    assert written_in_each_language == set(TRANSLATED_PAGES)
