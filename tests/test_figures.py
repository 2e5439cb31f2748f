"""Figures: hostile files refused, reviewed like every page, placed by Markdown,
served from our own origin with a year's cache and a CSP that runs nothing."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from PIL import Image

from treatments import figures, publishing
from treatments.content import ContentErrors, export_content, read_content
from treatments.models import Figure, Status, Therapy

from .builders import created, make_reviewer, make_therapy
from .small_content import write_small_content

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (pages take their language from their address)."""
    with translation.override("en"):
        yield


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200">'
    '<rect width="400" height="200" fill="#fff"/><text x="10" y="40">{label}</text>{extra}</svg>'
)


def svg(label="Étape", extra=""):
    return SVG.format(label=label, extra=extra).encode()


def png(width=1200, height=600, **save):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 60)).save(out, "PNG", **save)
    return out.getvalue()


def make_figure(key="test-figure", status=Status.PUBLISHED, label="Étape", **fields):
    image = figures.store(figures.prepare(svg(label), "fr.svg"))
    values = {
        "key": key,
        "alt_fr": f"Texte de remplacement {key}",
        "alt_en": f"Alternative text {key}",
        "caption_fr": f"Légende {key}",
        "caption_en": f"Caption {key}",
        "credit_fr": "Dessin Hémato-Info",
        "licence": "CC BY 4.0",
        "image_fr": image,
        **fields,
    }
    return created(Figure(**values), status)


def therapy_url(therapy, language):
    return (
        f"/{language}/{'traitements' if language == 'fr' else 'treatments'}/"
        + (therapy.slug_fr if language == "fr" else therapy.slug_en)
        + "/"
    )


# --- Hostile files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra, problem",
    [
        ("<script>alert(1)</script>", "the element <script>"),
        ('<rect onload="alert(1)" width="1" height="1"/>', "an event handler (onload)"),
        ('<use href="https://evil.example/sprite.svg#a"/>', "a link to another document"),
        (
            '<use xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="//evil.example/a#b"/>',
            "a link to another document",
        ),
        ("<foreignObject><p>hi</p></foreignObject>", "the element <foreignObject>"),
        ('<rect style="fill:url(https://evil.example/x)" width="1" height="1"/>', "loads"),
        ("<style>@import url(https://evil.example/a.css);</style>", "loads"),
    ],
)
def test_a_hostile_svg_is_refused_with_what_is_wrong(extra, problem):
    with pytest.raises(figures.FigureRefused) as refused:
        figures.prepare(svg(extra=extra), "drawing.svg")
    assert "This SVG file was refused" in str(refused.value.args[0])
    assert problem in str(refused.value.args[0])


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&a;</text></svg>',
        b'<?xml-stylesheet href="https://evil.example/a.css"?>'
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>',
    ],
    ids=["entity", "stylesheet"],
)
def test_an_svg_with_an_entity_or_a_stylesheet_is_refused(data):
    with pytest.raises(figures.FigureRefused):
        figures.prepare(data, "drawing.svg")


def test_a_clean_svg_is_stored_byte_for_byte():
    data = svg(extra='<path d="M0 0L10 10" marker-end="url(#arrow)"/>')
    prepared = figures.prepare(data, "fr.svg")
    assert prepared.data == data  # what was reviewed is what is served
    assert (prepared.width, prepared.height) == (400, 200)


def test_a_png_that_is_really_an_html_file_is_refused():
    with pytest.raises(figures.FigureRefused, match="not a PNG image"):
        figures.prepare(b"<html><script>alert(1)</script></html>", "photo.png")


def test_a_jpeg_named_png_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "JPEG")
    with pytest.raises(figures.FigureRefused, match="not a PNG image"):
        figures.prepare(out.getvalue(), "photo.png")


def test_a_decompression_bomb_is_refused_before_decoding():
    out = io.BytesIO()
    Image.new("1", (6000, 5000)).save(out, "PNG")  # 30 megapixels in a few kB
    assert len(out.getvalue()) < 100_000
    with pytest.raises(figures.FigureRefused, match="30,000,000 pixels"):
        figures.prepare(out.getvalue(), "bomb.png")


def test_a_photo_loses_its_metadata_and_gets_phone_sizes_under_100_kb():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x8825] = {2: (48, 51, 0)}  # GPS latitude
    out = io.BytesIO()
    Image.new("RGB", (2000, 1000), (30, 120, 200)).save(out, "JPEG", exif=exif)
    prepared = figures.prepare(out.getvalue(), "photo.jpg")
    clean = Image.open(io.BytesIO(prepared.data))
    assert not clean.getexif() and "exif" not in clean.info
    assert [variant.width for variant in prepared.variants] == [480, 960]
    assert all(variant.content_type == "image/webp" for variant in prepared.variants)
    assert all(len(variant.data) <= 100_000 for variant in prepared.variants)


# --- Markdown places figures; the public sees published ones only ------------------------------


def test_markdown_leaves_a_placeholder_and_never_renders_another_image():
    from treatments.markdown import image_references, render_markdown

    text = "Texte.\n\n![](figure:blood-cells)\n\n![x](https://evil.example/a.png)\n\n<img src=x>"
    html = render_markdown(text, "fr")
    assert '<figure data-figure="blood-cells"></figure>' in html
    assert "evil.example" not in html and "<img" not in html
    assert image_references(text) == (["blood-cells"], ["https://evil.example/a.png", "<img>"])


@pytest.mark.parametrize(
    "language, alt, caption",
    [
        ("fr", "Six étapes de haut en bas", "Comment on fabrique et on donne les cellules CAR-T"),
        ("en", "Six steps from top to bottom", "How CAR-T cells are made and given"),
    ],
)
def test_a_published_figure_shows_in_the_page_language(client, language, alt, caption):
    therapy = Therapy.objects.published().get(key="car-t")
    html = client.get(therapy_url(therapy, language)).content.decode()
    figure = re.search(r'<figure class="figure">.*?</figure>', html, re.S).group(0)
    assert f'alt="{alt}' in figure and caption in figure
    assert 'loading="lazy"' in figure and 'decoding="async"' in figure
    assert 'width="400"' in figure and "CC BY 4.0" in figure
    live = Figure.objects.published().get(key="car-t-steps")
    assert live.image_for(language).name in figure  # each language its own labels


def test_an_unreviewed_figure_never_shows_to_the_public_and_shows_in_the_preview(client):
    figure = make_figure(key="draft-figure", status=Status.DRAFT)
    body = "## Qu’est-ce que c’est ?\n\nVoici le dessin.\n\n![](figure:draft-figure)"
    therapy = make_therapy(body_fr=body, body_en=body)
    public = client.get(therapy_url(therapy, "fr")).content.decode()
    assert "Voici le dessin." in public
    assert "Légende draft-figure" not in public and "<figure" not in public
    client.force_login(make_reviewer())
    preview = client.get(f"/admin/treatments/therapy/{therapy.pk}/preview/fr/").content.decode()
    assert "Légende draft-figure" in preview and figure.image_fr.name in preview
    publishing.publish(figure, User.objects.get(username="reviewer"))
    client.logout()
    public = client.get(therapy_url(therapy, "en")).content.decode()
    assert 'alt="Alternative text draft-figure"' in public and "Caption draft-figure" in public


def test_a_new_image_waits_for_the_reviewer(client):
    figure = make_figure(key="changing")
    therapy = make_therapy(body_fr="![](figure:changing)", body_en="![](figure:changing)")
    old = figure.image_fr.name
    figure.image_fr = figures.store(figures.prepare(svg("Nouveau"), "fr.svg"))
    figure.save()
    publishing.changed(figure)
    html = client.get(therapy_url(therapy, "fr")).content.decode()
    assert old in html and figure.image_fr.name not in html
    publishing.publish(figure)
    html = client.get(therapy_url(therapy, "fr")).content.decode()
    assert figure.image_fr.name in html and old not in html


@pytest.mark.parametrize("count", [1, 3])
def test_the_query_count_does_not_grow_with_the_figures(client, django_assert_num_queries, count):
    keys = [make_figure(key=f"counted-{n}").key for n in range(count)]
    body = "\n\n".join(f"![](figure:{key})" for key in keys)
    therapy = make_therapy(body_fr=body, body_en=body)
    # The first page after a publish (12, test_pages) and the published figures, read once
    # per content version, however many the page shows.
    with django_assert_num_queries(13):
        html = client.get(therapy_url(therapy, "en")).content.decode()
    assert html.count('<figure class="figure">') == count


def test_the_image_is_served_from_our_origin_with_a_long_cache_and_a_strict_csp(client):
    figure = make_figure(key="served")
    response = client.get(f"/figures/{figure.image_fr.name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == svg()
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response["X-Content-Type-Options"] == "nosniff"
    again = client.get(f"/figures/{figure.image_fr.name}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.get(f"/figures/{'0' * 64}.svg").status_code == 404
    assert client.get(f"/figures/{figure.image_fr.sha256}.png").status_code == 404


# --- The admin ---------------------------------------------------------------------------------


def staff(client, group):
    user = User.objects.create_user(
        group.split()[0].lower(), password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def add_form(**changes):
    data = {
        "key": "new-figure",
        "alt_fr": "Un dessin",
        "alt_en": "A drawing",
        "caption_fr": "Légende",
        "caption_en": "Caption",
        "credit_fr": "Hémato-Info",
        "credit_en": "",
        "licence": "CC BY 4.0",
        "image_fr": SimpleUploadedFile("fr.svg", svg(), "image/svg+xml"),
        "_save": "Save",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_an_editor_adds_a_figure_that_waits_for_review(client):
    staff(client, "Editors")
    response = client.post("/admin/treatments/figure/add/", add_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    figure = Figure.objects.working().get(key="new-figure")
    assert figure.status == Status.DRAFT and figure.live_version is None
    assert bytes(figure.image_fr.data) == svg()


@pytest.mark.parametrize("missing", ["alt_fr", "alt_en"])
def test_the_admin_refuses_a_figure_without_alternative_text(client, missing):
    staff(client, "Editors")
    response = client.post("/admin/treatments/figure/add/", add_form(**{missing: ""}))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Figure.objects.filter(key="new-figure").exists()


def test_the_admin_refuses_a_hostile_svg_and_a_fake_png(client):
    staff(client, "Editors")
    hostile = SimpleUploadedFile("fr.svg", svg(extra="<script>alert(1)</script>"))
    html = client.post("/admin/treatments/figure/add/", add_form(image_fr=hostile)).content
    assert "This SVG file was refused: the element &lt;script&gt;" in html.decode()
    fake = SimpleUploadedFile("fr.png", b"<html>not an image</html>")
    html = client.post("/admin/treatments/figure/add/", add_form(image_fr=fake)).content
    assert "This file is not a PNG image, as its name says." in html.decode()
    assert not Figure.objects.filter(key="new-figure").exists()


def test_the_admin_refuses_an_image_from_another_site_and_an_unknown_figure(client):
    from django.core.exceptions import ValidationError

    make_figure(key="known")
    figures.validate_markdown_images("![](figure:known)")
    with pytest.raises(ValidationError, match="Images are placed as figures only"):
        figures.validate_markdown_images("![x](https://evil.example/a.png)")
    with pytest.raises(ValidationError, match="No figure has the key"):
        figures.validate_markdown_images("![](figure:unknown-key)")
    # In the treatment's form too (LimitedTexts gives every text field the validator).
    staff(client, "Medical reviewers")
    therapy = Therapy.objects.working().get(key="car-t")
    from .test_admin_workflow import change_url, form_data

    data = form_data(client, therapy, body_en="Look: ![x](https://evil.example/a.png)")
    html = client.post(change_url(therapy), data).content.decode()
    assert "Images are placed as figures only" in html


def test_an_editor_cannot_publish_a_figure(client):
    figure = make_figure(key="editor-figure", status=Status.IN_REVIEW)
    staff(client, "Editors")
    response = client.post(f"/admin/treatments/figure/{figure.pk}/publish/")
    assert response.status_code == 403
    figure.refresh_from_db()
    assert figure.live_version is None and figure.status == Status.IN_REVIEW


# --- The content files -------------------------------------------------------------------------

FIGURE_MD = "---\nalt: {alt}\ncaption: A caption\ncredit: Hémato-Info\n---\n"


@pytest.fixture
def small(tmp_path):
    root = write_small_content(tmp_path / "content")
    folder = root / "figures" / "steps"
    folder.mkdir(parents=True)
    (folder / "figure.yaml").write_text("licence: CC BY 4.0\nsources: [one]\n")
    for language in ("fr", "en"):
        (folder / f"{language}.md").write_text(FIGURE_MD.format(alt=f"Steps {language}"))
    (folder / "fr.svg").write_bytes(svg())
    return root


def problems(root):
    with pytest.raises(ContentErrors) as errors:
        read_content(root)
    return [str(problem) for problem in errors.value.problems]


def test_a_small_content_with_a_figure_is_valid(small):
    content = read_content(small)
    assert content.figures["steps"]["fields"]["alt_en"] == "Steps en"


def test_the_loader_refuses_a_figure_without_alternative_text(small):
    (small / "figures/steps/en.md").write_text(FIGURE_MD.format(alt="''"))
    assert problems(small) == [
        "content/figures/steps/en.md, line 2, field 'alt': is required and must not be empty"
    ]


def test_the_loader_refuses_a_hostile_svg_and_a_fake_png(small):
    (small / "figures/steps/fr.svg").write_bytes(svg(extra='<g onload="alert(1)"/>'))
    (small / "figures/steps/en.png").write_bytes(b"<html></html>")
    assert problems(small) == [
        "content/figures/steps/en.png: This file is not a PNG image, as its name says.",
        "content/figures/steps/fr.svg: This SVG file was refused: an event handler (onload). "
        "Remove it from the drawing and upload it again.",
    ]


def test_the_loader_refuses_an_image_from_another_site_and_an_unknown_figure(small):
    path = small / "therapies/car-t/en.md"
    text = path.read_text()
    path.write_text(
        text + "\nSee ![](figure:steps) and ![](figure:unknown-key).\n\n"
        "![x](https://evil.example/a.png)\n"
    )
    lines = path.read_text().count("\n")
    assert problems(small)[:2] == [
        f"content/therapies/car-t/en.md, line {lines - 2}: 'figure:unknown-key' is not a known "
        "figure (content/figures/<key>/)",
        f"content/therapies/car-t/en.md, line {lines}: the image "
        "'https://evil.example/a.png' is not a figure: images are placed with "
        "![](figure:key), from content/figures/<key>/, never from another site",
    ]


def test_loading_then_exporting_the_figures_changes_no_byte(tmp_path):
    export_content(tmp_path)
    source = Path(settings.CONTENT_DIR) / "figures"
    files = sorted(path.relative_to(source) for path in source.rglob("*") if path.is_file())
    exported = tmp_path / "figures"
    assert files == sorted(p.relative_to(exported) for p in exported.rglob("*") if p.is_file())
    for relative in files:
        assert (exported / relative).read_bytes() == (source / relative).read_bytes(), relative


def test_the_four_diagrams_are_online_in_both_languages():
    live = Figure.objects.published().select_related("image_fr", "image_en")
    assert {figure.key for figure in live} >= {
        "car-t-steps", "autograft-allograft", "blood-cells", "central-lines",
    }  # fmt: skip
    for figure in live:
        assert figure.image_en_id and figure.image_en_id != figure.image_fr_id
        assert figure.alt_fr and figure.alt_en and figure.caption_fr and figure.caption_en


def test_load_content_reports_the_figures():
    from io import StringIO

    out = StringIO()
    call_command("load_content", check=True, stdout=out)
    assert "4 figures" in out.getvalue()
