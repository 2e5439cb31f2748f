"""Key points (« L’essentiel »): the three to five sentences every treatment,
side-effect and disease page opens with, in both languages, easy to read,
required by the loader, exported as written, reviewed like the rest of the page
and carried by the content PO round trip."""

import re
import shutil
from html import unescape
from io import StringIO

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils.translation import override

from treatments import publishing
from treatments.models import Disease, SideEffect, Status, Therapy
from treatments.roles import EDITORS

from .builders import make_reviewer
from .readability import reading_ease
from .test_admin_workflow import change_url, form_data, publish_url, staff

pytestmark = pytest.mark.django_db

MODELS = (Therapy, SideEffect, Disease)
HEADING = {"fr": "L’essentiel", "en": "Key points"}
BLOCK = '<section class="key-points" aria-labelledby="page-key-points">'


def visible(html: str) -> str:
    """Text as read on the page: tags gone, entities and non-breaking spaces as spaces."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return " ".join(re.sub(r"[\u00a0\u202f]", " ", text).split())


def key_points_block(html: str) -> str:
    start = html.index(BLOCK)
    return html[start : html.index("</section>", start)]


def first_item(markdown_text: str) -> str:
    return re.match(r"- (.+)", markdown_text).group(1)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_opens_with_its_key_points_in_its_language(client, language):
    pages = [page for model in MODELS for page in model.objects.published()]
    assert len(pages) == 8 + 31 + 9
    for page in pages:
        with override(language):
            url = page.get_absolute_url()
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        block = key_points_block(html)
        assert f'<h2 id="page-key-points">{HEADING[language]}</h2>' in block
        items = re.findall(r"<li>(.*?)</li>", block, re.S)
        expected = getattr(page, f"key_points_{language}")
        assert len(items) == len(re.findall(r"^- ", expected, re.M)), url
        assert visible(items[0]) == first_item(expected).replace("\u2019", "’"), url
        # First thing after the title and summary: before the contents and the article.
        assert html.index("<h1") < html.index(BLOCK) < html.index('<div class="prose'), url
        if isinstance(page, Therapy):
            assert html.index(BLOCK) < html.index('<nav class="toc"'), url


def test_every_key_points_block_reads_easily():
    """Flesch reading ease of 70 or more in each block's own language: a reading age of about 10."""
    hard = []
    for model in MODELS:
        for page in model.objects.working():
            for language in ("fr", "en"):
                score = reading_ease(getattr(page, f"key_points_{language}"), language)
                if score < 70:
                    hard.append(f"{page.key} ({language}): {score:.0f}")
    assert not hard, "hard to read: " + ", ".join(hard)


# --- The content files ----------------------------------------------------------------------


@pytest.fixture
def content_copy(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, root)
    return root


def load_problems(root) -> str:
    with pytest.raises(CommandError) as error:
        call_command("load_content", "--path", str(root), "--check", stdout=StringIO())
    return str(error.value)


def key_points_lines(text: str) -> tuple[int, int]:
    """(line of `key_points:`, line after its last item), 1-based, in a content file."""
    lines = text.split("\n")
    start = lines.index("key_points: |-")
    end = start + 1
    while lines[end].startswith("  - "):
        end += 1
    return start + 1, end + 1


def test_the_loader_refuses_a_page_without_key_points(content_copy):
    path = content_copy / "therapies" / "car-t" / "fr.md"
    text = path.read_text(encoding="utf-8")
    start, end = key_points_lines(text)
    lines = text.split("\n")
    path.write_text("\n".join(lines[: start - 1] + lines[end - 1 :]), encoding="utf-8")

    problems = load_problems(content_copy)

    assert (
        "content/therapies/car-t/fr.md, line 2, field 'key_points': "
        "is required: a Markdown list of 3 to 5 items ('- …')"
    ) in problems


def test_the_loader_refuses_six_key_points_with_the_line(content_copy):
    path = content_copy / "diseases" / "multiple-myeloma" / "en.md"
    text = path.read_text(encoding="utf-8")
    start, end = key_points_lines(text)
    lines = text.split("\n")
    count = end - start - 1
    extra = [f"  - One more sentence, number {n}." for n in range(6 - count)]
    path.write_text("\n".join(lines[: end - 1] + extra + lines[end - 1 :]), encoding="utf-8")

    problems = load_problems(content_copy)

    assert (
        f"content/diseases/multiple-myeloma/en.md, line {start}, field 'key_points': "
        "must be a Markdown list of 3 to 5 items ('- …'); it has 6"
    ) in problems


def test_key_points_are_exported_as_written(tmp_path):
    call_command("export_content", "--path", str(tmp_path), stdout=StringIO())
    files = [
        path
        for folder in ("therapies", "side-effects", "diseases")
        for path in sorted((settings.CONTENT_DIR / folder).glob("*/*.md"))
    ]
    assert len(files) == 48 * 2
    for path in files:
        written = path.read_text(encoding="utf-8")
        start, end = key_points_lines(written)
        block = "\n".join(written.split("\n")[start - 1 : end - 1])
        exported = (tmp_path / path.relative_to(settings.CONTENT_DIR)).read_text(encoding="utf-8")
        assert f"\n{block}\n" in exported, path


# --- Review: an editor's change waits for a medical reviewer ---------------------------------


def test_an_editors_change_of_key_points_waits_for_review(client):
    therapy = Therapy.objects.working().get(key="car-t")
    old_first = first_item(therapy.key_points_fr)
    new = "- Zebracell : une phrase que personne n’a relue.\n- Deux.\n- Trois."
    staff(client, EDITORS, "editor")
    response = client.post(change_url(therapy), form_data(client, therapy, key_points_fr=new))
    assert response.status_code == 302, response.content.decode()[:3000]
    therapy.refresh_from_db()
    assert therapy.status == Status.IN_REVIEW
    assert therapy.history.first().key_points_fr == new  # History keeps each version
    client.logout()

    page = visible(client.get("/fr/traitements/cellules-car-t/").content.decode())
    assert "Zebracell" not in page and old_first.split(".")[0] in page

    client.force_login(make_reviewer())
    review = client.get(publish_url(therapy)).content.decode()
    assert "<ins>Zebracell" in review and "<del>" in review
    assert client.post(publish_url(therapy)).status_code == 302
    client.logout()
    html = client.get("/fr/traitements/cellules-car-t/").content.decode()
    assert "Zebracell\u00a0: une phrase que personne n’a relue." in key_points_block(html)


def test_the_admin_refuses_six_key_points(client):
    disease = Disease.objects.working().get(key="multiple-myeloma")
    six = "\n".join(f"- Point {n}." for n in range(1, 7))
    staff(client, EDITORS, "editor")
    response = client.post(change_url(disease), form_data(client, disease, key_points_en=six))
    assert response.status_code == 200
    assert "Key points are a Markdown list of 3 to 5 items" in response.content.decode()
    disease.refresh_from_db()
    assert disease.key_points_en != six and disease.status == Status.PUBLISHED


# --- The content PO round trip --------------------------------------------------------------


def test_a_key_point_goes_out_in_the_po_file_and_comes_back(client, tmp_path):
    path = tmp_path / "content.po"
    call_command("export_content_po", "en", path=path, stdout=StringIO())
    po = polib.pofile(str(path))
    entry = po.find("side-effect:fatigue:key_points:1", by="msgctxt")
    assert entry.msgid == first_item(SideEffect.objects.working().get(key="fatigue").key_points_fr)
    assert (
        entry.msgstr
        == "Cancer fatigue is a strong tiredness that lasts. Rest does not always help."
    )
    entry.msgstr = "Zebracell tiredness is strong and lasts."
    po.save()

    output = StringIO()
    call_command("import_content_po", "en", path=path, stdout=output)

    assert "updated: side-effect:fatigue:key_points" in output.getvalue()
    effect = SideEffect.objects.working().get(key="fatigue")
    assert effect.key_points_en.startswith("- Zebracell tiredness is strong and lasts.\n- ")
    assert effect.status == Status.IN_REVIEW
    assert "Zebracell" not in client.get("/en/side-effects/fatigue/").content.decode()
    publishing.publish(effect)
    html = client.get("/en/side-effects/fatigue/").content.decode()
    assert "<li>Zebracell tiredness is strong and lasts.</li>" in key_points_block(html)
