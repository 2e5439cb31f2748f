"""No request target gives a 500: too many parameters, a host not allowed, a body too
large, odd WSGI headers give the 400 (or 403, 404) page in the visitor's language."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
TOO_MANY = "&".join(f"p{index}=1" for index in range(1001))
HEADINGS = {
    400: {"fr": "Demande impossible à traiter", "en": "Request could not be handled"},
    403: {"fr": "Accès refusé", "en": "Access denied"},
    404: {"fr": "Page introuvable", "en": "Page not found"},
}
LAYOUT = {"fr": "En cas d’urgence, appelez le 15", "en": "In an emergency, call 15"}


def assert_error_page(response, status, language):
    html = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}">' in html
    assert f"<h1>{HEADINGS[status][language]}</h1>" in html
    assert LAYOUT[language] in html.replace("\u00a0", " "), "the site's layout, footer included"
    assert "Bad Request (400)" not in html


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("/fr/", "fr"),
        ("/en/treatments/car-t-cell-therapy/", "en"),
        ("/fr/traitements/cellules-car-t/effets-indesirables/", "fr"),
        ("/en/search/", "en"),
        ("/fr/nulle-part/", "fr"),  # the 404 page used to fail with a 500 here
        ("/en/nowhere/", "en"),
    ],
)
def test_more_than_a_thousand_parameters_give_the_400_page(client, path, language):
    response = client.get(f"{path}?{TOO_MANY}")
    assert_error_page(response, 400, language)
    assert f"?{TOO_MANY}" not in response.content.decode()


def test_a_thousand_parameters_are_still_a_page(client):
    query = "&".join(f"p{index}=1" for index in range(1000))
    response = client.get(f"/en/treatments/?{query}")
    assert response.status_code == 200
    # Parameters the page does not read never reach it (the page cache keys on the page).
    assert "p999=1" not in response.content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_host_not_allowed_gets_the_400_page(client, language):
    response = client.get(f"/{language}/", HTTP_HOST="evil.example")
    assert_error_page(response, 400, language)
    assert "evil.example" not in response.content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_5_mb_post_to_the_admin_gets_the_400_page_in_the_staff_language(client, language):
    client.cookies["django_language"] = language
    body = {"username": "nurse", "password": "x" * (5 * 1024 * 1024)}
    assert_error_page(client.post("/admin/login/", body), 400, language)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_staff_without_permission_get_the_403_page(client, language):
    client.force_login(User.objects.create_user("visitor", password="x", is_staff=True))
    client.cookies["django_language"] = language
    assert_error_page(client.get("/admin/treatments/therapy/add/"), 403, language)


@pytest.mark.parametrize(
    "target",
    [
        "/fr/%00/",
        "/fr/traitements/%ff%fe/",
        "/en/treatments/car-t-cell-therapy/side-effects/?when=%00%ff",
        "/fr/recherche/?q=%ff%00<script>",
        "/en/search/?q=" + "x" * 100_000,
        "/fr/?" + "&" * 5000,
        "/fr/?a[]=1&a[]=2&a[b]=3",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/static/../portal/settings.py",
        "/admin/%ff/",
        "//evil.example/",
        "/fr//evil.example/",
    ],
)
def test_odd_request_targets_never_give_a_500(client, target):
    response = client.get(target)
    assert response.status_code in (200, 301, 302, 400, 404), response.status_code
    assert not response.get("Location", "").startswith("//"), "no redirect to another site"


# Under gunicorn, with gunicorn.conf.py -----------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn with the production configuration file, one worker. The test settings:
    the pages' static files are not collected here."""
    port = free_port()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    env.pop("DJANGO_DEBUG", None)
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.1)
        assert server.poll() is None, log.read_text()
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(port, path, headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_a_script_name_header_is_ignored_by_gunicorn(gunicorn):
    status, body = get(gunicorn, "/robots.txt", {"SCRIPT_NAME": "/elsewhere"})
    assert status == 200, body  # was gunicorn's own 500 page
    assert f"Sitemap: http://127.0.0.1:{gunicorn}/sitemap.xml" in body


def test_a_script_name_header_cannot_prefix_the_links_of_a_page(gunicorn):
    status, body = get(gunicorn, "/evil/robots.txt", {"SCRIPT_NAME": "/evil"})
    assert "/evil/sitemap.xml" not in body  # was served, every link under /evil/
    assert status == 404
    assert "<h1>Page introuvable</h1>" in body
