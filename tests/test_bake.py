"""The baked copy (manage.py bake): every public page as a file, byte for byte what the
application serves at the canonical host, kept in step with publishes."""

import gzip
import json
import re
import runpy
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import brotli
import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings

from treatments import bake, publishing
from treatments.models import Therapy

pytestmark = pytest.mark.django_db

HOST = "hemato-info.example-hospital.fr"
ORIGIN = f"https://{HOST}"
ON_HOST = override_settings(CANONICAL_HOST=HOST, ALLOWED_HOSTS=[HOST, "testserver"])


@pytest.fixture(scope="module")
def baked_once(tmp_path_factory, django_db_setup, django_db_blocker):
    """One bake of the test content, shared (copied) by the tests of this module."""
    output = tmp_path_factory.mktemp("baked")
    with django_db_blocker.unblock(), ON_HOST:
        call_command("bake", output=str(output), verbosity=0)
    return output


@pytest.fixture
def baked(baked_once, tmp_path):
    """A copy of the baked site this test may change; the canonical host is set."""
    output = tmp_path / "site"
    shutil.copytree(baked_once, output)
    with ON_HOST:
        yield output


def served(address):
    """What the application answers for `address` over HTTPS at the canonical host."""
    return Client().get(address, secure=True, headers={"host": HOST})


def baked_file(output: Path, url: str) -> Path:
    """The file of the copy that answers `url` (the rule docs/nginx-static-copy.conf follows)."""
    path, _mark, query = url.partition("?")
    if not path.endswith("/"):
        return output / path.lstrip("/")
    when = re.fullmatch(r"when=([a-z-]+)", query)
    variant = f".when-{when[1]}" if when else ""
    return output / path.lstrip("/") / f"index{variant}.html"


def sitemap_addresses(xml: str):
    return [url.removeprefix(ORIGIN) for url in re.findall(r"<loc>([^<]+)</loc>", xml)]


def test_every_sitemap_address_is_baked_as_the_application_serves_it(baked):
    sitemap = (baked / "sitemap.xml").read_bytes()
    assert sitemap == served("/sitemap.xml").content
    addresses = sitemap_addresses(sitemap.decode())
    assert len(addresses) > 100
    assert {"/fr/", "/en/", "/fr/traitements/", "/en/glossary/"} <= set(addresses)
    for address in addresses:
        assert baked_file(baked, address).read_bytes() == served(address).content, address
    robots = (baked / "robots.txt").read_text()
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in robots
    assert robots.encode() == served("/robots.txt").content


def test_the_guide_filters_and_the_search_page_are_baked(baked):
    for address in ("/fr/recherche/", "/en/search/"):
        html = baked_file(baked, address).read_text()
        assert html.encode() == served(address).content
        assert f'action="{address}"' in html
    guide = "/en/treatments/car-t-cell-therapy/side-effects/"
    for when in ("during", "first-weeks", "later", "long-term"):
        address = f"{guide}?when={when}"
        assert baked_file(baked, address).read_bytes() == served(address).content
    later = baked_file(baked, f"{guide}?when=later").read_text()
    assert '<a href="?when=later" aria-current="true">Later</a>' in later


@pytest.mark.parametrize("language, words", [("fr", "Page introuvable"), ("en", "Page not found")])
def test_the_page_not_found_is_baked_in_each_language(baked, language, words):
    html = (baked / language / "404.html").read_text()
    assert f"<title>{words} · Hémato-Info</title>" in html
    assert f'<html lang="{language}">' in html
    # The same page the application gives for a missing address of that language that no
    # page's pattern matches (/fr/<slug>/ could be an article's, whose switcher keeps it).
    response = served(f"/{language}/no/such/page/")
    assert response.status_code == 404
    assert html.encode() == response.content
    assert 'rel="canonical"' not in html


def test_each_text_file_has_its_compressed_copies_and_the_manifest_its_hash(baked):
    manifest = json.loads((baked / bake.MANIFEST).read_text())["files"]
    assert "fr/traitements/cellules-car-t/index.html" in manifest
    assert "static/css/site.css" in manifest  # the tests' storage has no hashed names
    for name, digest in manifest.items():
        data = (baked / name).read_bytes()
        assert bake._digest(data) == digest, name
        assert gzip.decompress((baked / f"{name}.gz").read_bytes()) == data, name
        assert brotli.decompress((baked / f"{name}.br").read_bytes()) == data, name
    on_disk = {
        str(path.relative_to(baked)).removesuffix(".gz").removesuffix(".br")
        for path in baked.rglob("*")
        if path.is_file() and path.name not in (bake.MANIFEST, bake.LOCK)
    }
    assert on_disk == set(manifest)  # nothing left over, no temporary file


def test_static_files_are_baked_under_their_hashed_names(tmp_path):
    """In production, collectstatic's manifest gives the names the pages use."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path / "collected"):
        with pytest.raises(bake.BakeError, match="run `manage.py collectstatic` first"):
            bake.static_files()
        call_command("collectstatic", interactive=False, verbosity=0)
        files = bake.static_files()
        css = staticfiles_storage.url("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", css)
    assert (
        files[css.lstrip("/")]
        == (tmp_path / "collected" / css.removeprefix("/static/")).read_bytes()
    )
    assert not any(name.startswith("static/admin/") for name in files)  # the application's


def stamps(output: Path):
    return {path: path.stat().st_mtime_ns for path in output.rglob("*") if path.is_file()}


def test_a_second_bake_rewrites_nothing(baked):
    before = stamps(baked)
    report = bake.bake(baked)
    assert (report.written, report.removed) == ([], [])
    assert report.unchanged == len(json.loads((baked / bake.MANIFEST).read_text())["files"])
    assert stamps(baked) == before


def test_a_change_to_one_treatment_rewrites_only_the_pages_that_show_it(baked):
    before = stamps(baked)
    therapy = Therapy.objects.working().get(key="car-t")
    therapy.summary_en = "A summary changed by the bake test."
    therapy.save()
    publishing.publish(therapy)
    report = bake.bake(baked)
    showing = {
        str(path.relative_to(baked))
        for path in baked.rglob("*.html")
        if "A summary changed by the bake test." in path.read_text()
    }
    assert "en/treatments/car-t-cell-therapy/index.html" in showing
    assert "en/treatments/index.html" in showing  # the list of treatments shows it too
    # Its pages (and the sitemap, when its date of change is another day); no French
    # page, no other page.
    assert set(report.written) - {"sitemap.xml"} == showing
    assert report.removed == []
    after = stamps(baked)
    changed = {str(path.relative_to(baked)) for path in after if after[path] != before[path]}
    written = {variant for name in report.written for variant in (name, f"{name}.gz", name + ".br")}
    assert changed == written | {bake.MANIFEST}


def test_a_withdrawn_treatment_disappears_from_the_copy(baked):
    therapy = Therapy.objects.working().get(key="car-t")
    pages = baked / "fr/traitements/cellules-car-t"
    assert (pages / "effets-indesirables/index.when-later.html.br").exists()
    publishing.withdraw(therapy)
    report = bake.bake(baked)
    assert not pages.exists()  # its files, their compressed copies, its directories
    assert not (baked / "en/treatments/car-t-cell-therapy").exists()
    assert "fr/traitements/cellules-car-t/index.html" in report.removed
    assert len(report.removed) == 14  # page, sheet and guide (+ 4 filters), in both languages
    assert "cellules-car-t" not in (baked / "fr/traitements/index.html").read_text()
    assert "cellules-car-t" not in (baked / bake.MANIFEST).read_text()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("href", "src", "action")]


def test_no_baked_page_links_to_a_file_the_copy_lacks(baked):
    # Forms: the application answers a query (the what-to-do page's too).
    dynamic = {"/fr/recherche/", "/en/search/", "/fr/que-faire/", "/en/what-to-do/"}
    posted = {"/fr/avis/", "/en/feedback/"}  # "was this page helpful?": the application's
    checked = 0
    for page in baked.rglob("*.html"):
        address = "/" + str(page.relative_to(baked).parent) + "/"
        parser = Links()
        parser.feed(page.read_text())
        for url in parser.urls:
            absolute = urljoin(ORIGIN + address, url)
            parts = urlsplit(absolute)
            if f"{parts.scheme}://{parts.netloc}" != ORIGIN or url.startswith("#"):
                continue  # another site, a telephone number, a place in this page
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if (parts.path in dynamic and parts.query) or parts.path in posted:
                continue
            assert baked_file(baked, target).is_file(), f"{page}: {url}"
            checked += 1
    assert checked > 5000


def test_a_publish_bakes_the_copy_again_when_a_directory_is_set(
    settings, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    baked_into = []
    monkeypatch.setattr(bake, "bake", baked_into.append)
    therapy = Therapy.objects.working().get(key="car-t")
    settings.BAKE_OUTPUT = ""
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(therapy)
    bake.wait(timeout=30)
    assert baked_into == []
    settings.BAKE_OUTPUT = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(therapy)
        publishing.publish(therapy)
        assert baked_into == []  # not before the commit
    bake.wait(timeout=30)
    assert baked_into and set(baked_into) == {str(tmp_path)}
    assert len(baked_into) <= 2  # publishes during a bake give one more bake, not one each


def test_forms_send_to_the_application_origin_and_the_policy_allows_it(
    client, settings, monkeypatch
):
    settings.APPLICATION_ORIGIN = "https://app.example-hospital.fr"
    html = client.get("/fr/").content.decode()
    assert 'action="https://app.example-hospital.fr/fr/recherche/"' in html
    monkeypatch.setenv("DJANGO_APPLICATION_ORIGIN", "https://app.example-hospital.fr/")
    configured = runpy.run_path(str(Path(__file__).parent.parent / "portal/settings.py"))
    assert configured["APPLICATION_ORIGIN"] == "https://app.example-hospital.fr"
    assert "https://app.example-hospital.fr" in configured["SECURE_CSP"]["form-action"]


def test_the_command_says_what_it_needs(tmp_path, settings):
    settings.BAKE_OUTPUT = ""
    with pytest.raises(Exception, match="--output DIR"):
        call_command("bake")
    settings.CANONICAL_HOST = "elsewhere.example.org"
    with pytest.raises(Exception, match="must be one of DJANGO_ALLOWED_HOSTS"):
        call_command("bake", output=str(tmp_path))
