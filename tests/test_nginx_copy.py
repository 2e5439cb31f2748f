"""nginx with docs/nginx-static-copy.conf on a baked copy answers every address as the
application does: status, the headers that matter, body."""

import gzip
import http.client
import json
import os

import pytest
from django.test import Client, override_settings

from treatments import bake

from .nginx_copy import NGINX, running_nginx

HOST = "hemato-info.example-hospital.fr"

if NGINX is None and os.environ.get("CI") == "true":
    pytest.fail("nginx is missing (apt-get install nginx): CI must run the nginx tests")
pytestmark = [
    pytest.mark.nginx,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)"),
]

SECURITY = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
]
PAGE_HEADERS = [*SECURITY, "Content-Type", "Content-Language", "Cache-Control", "Vary"]


def from_nginx(port, address, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", address, headers={"Host": HOST, **headers})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def from_application(address, **headers):
    return Client().get(address, secure=True, headers={"host": HOST, **headers})


def same(port, address, names, **headers):
    """nginx and the application give `address` the same status, headers and body."""
    ours, body = from_nginx(port, address, **headers)
    theirs = from_application(address, **headers)
    assert ours.status == theirs.status_code, address
    for name in names:
        assert ours.getheader(name) == theirs.headers.get(name), (address, name)
    assert body == theirs.content, address
    return ours


@pytest.fixture
def nginx(portal_content, live_server, tmp_path):
    """nginx on a fresh bake of the content, passing dynamic addresses to a live server."""
    with override_settings(CANONICAL_HOST=HOST, ALLOWED_HOSTS=[HOST, "testserver", "localhost"]):
        bake.bake(tmp_path / "site")
        upstream = live_server.url.removeprefix("http://")
        with running_nginx(tmp_path / "site", upstream, tmp_path / "nginx") as port:
            yield port, tmp_path / "site"


def test_nginx_serves_the_copy_as_the_application_serves_the_site(nginx):
    port, site = nginx
    files = json.loads((site / bake.MANIFEST).read_text())["files"]
    pages = {name: address for address, name in bake.page_addresses().items()}
    compared = 0
    for name in files:
        if name in pages and name.endswith(".html"):
            response = same(port, pages[name], PAGE_HEADERS)
            assert response.getheader("ETag"), name
            compared += 1
    assert compared == len(pages) - 2 > 150  # every page but robots.txt and sitemap.xml
    for address in ("/robots.txt", "/sitemap.xml"):
        same(port, address, [*SECURITY, "Content-Type", "X-Robots-Tag"])
    # A missing page, in the language of its address or of the browser.
    for address in ("/fr/no/such-page/", "/en/no/such/page/", "/fr/404.html"):
        same(port, address, [*SECURITY, "Content-Type", "Content-Language"])
    # What a copy cannot hold: the application's 404 of a treatment or article address (such
    # as /fr/no-such-page/, which could be an article) links the same
    # address in the other language; the baked 404 links the other home page.
    ours, body = from_nginx(port, "/en/treatments/no-such-treatment/")
    assert ours.status == 404 and body == (site / "en/404.html").read_bytes()
    for language in ("fr", "en"):
        ours, body = from_nginx(port, "/no-such-page", **{"Accept-Language": language})
        assert ours.status == 404 and body == (site / language / "404.html").read_bytes()
        ours, _body = from_nginx(port, "/", **{"Accept-Language": f"{language},de;q=0.5"})
        theirs = from_application("/", **{"Accept-Language": f"{language},de;q=0.5"})
        assert (ours.status, ours.getheader("Location")) == (302, f"/{language}/")
        assert (theirs.status_code, theirs["Location"]) == (302, f"/{language}/")
        assert ours.getheader("Vary") == "Accept-Language"
    # A guide's filter; a junk parameter is ignored, as by the application.
    same(port, "/fr/traitements/cellules-car-t/effets-indesirables/?when=later", PAGE_HEADERS)
    same(port, "/fr/traitements/cellules-car-t/?utm_source=x", PAGE_HEADERS)
    ours, _body = from_nginx(port, "/fr/traitements")
    assert (ours.status, ours.getheader("Location")) == (301, "/fr/traitements/")


def test_nginx_sends_compressed_files_and_caches_hashed_ones_for_a_year(nginx):
    port, site = nginx
    ours, body = from_nginx(port, "/en/treatments/", **{"Accept-Encoding": "gzip"})
    assert ours.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == (site / "en/treatments/index.html").read_bytes()
    assert ours.getheader("Cache-Control") == "no-cache"
    again = {"Accept-Encoding": "gzip", "If-None-Match": ours.getheader("ETag")}
    ours, _body = from_nginx(port, "/en/treatments/", **again)
    assert ours.status == 304
    css = next((site / "static/css").glob("site*.css")).relative_to(site)
    ours, body = from_nginx(port, f"/{css}")
    assert body == (site / css).read_bytes()
    assert ours.getheader("Cache-Control") == "max-age=31536000, public, immutable"
    assert ours.getheader("X-Content-Type-Options") == "nosniff"
    for hidden in ("/.bake.lock", f"/{bake.MANIFEST}"):
        assert from_nginx(port, hidden)[0].status == 404


def test_search_and_the_admin_are_passed_to_the_application(nginx):
    port, _site = nginx
    ours, body = from_nginx(port, "/fr/recherche/?q=fatigue")
    assert ours.status == 200
    assert "Fatigue" in body.decode() and "X-Served-By" in dict(ours.getheaders())
    ours, body = from_nginx(port, "/admin/login/")
    assert ours.status == 200 and b'name="password"' in body
    # The admin's static files are the application's.
    ours, _body = from_nginx(port, "/static/admin/css/base.css")
    assert ours.status == 200 and ours.getheader("X-Served-By") == "application"
