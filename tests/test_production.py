"""The production path: page cache, conditional GET, headers, no cookies, sitemap,
robots.txt, JSON-LD, health check and `check --deploy`."""

import json
import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import override

from treatments import publishing
from treatments.models import Article, Disease, SideEffect, Therapy

from .builders import make_reviewer
from .test_page_cache import STOPPED_REDIS

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PUBLIC_PAGES = [
    "/fr/",
    "/en/treatments/",
    "/fr/traitements/cellules-car-t/",
    "/en/treatments/car-t-cell-therapy/side-effects/?when=first-weeks",
    "/fr/effets-indesirables/fatigue/",
    "/en/side-effects/",
    "/fr/nulle-part/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_an_anonymous_visit_sets_no_cookie_and_carries_every_security_header(client, path):
    response = client.get(path)
    assert not response.cookies, response.cookies
    assert "Set-Cookie" not in response.headers
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_https_settings_add_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/fr/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_check_deploy_is_clean_under_production_settings(monkeypatch):
    """The same settings module, read with the production environment."""
    import subprocess
    import sys

    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_SECRET_KEY": "a-production-secret-" + "x7Qp2" * 12,
        "DJANGO_ALLOWED_HOSTS": "hemato-info.example.org",
        "DJANGO_HTTPS": "1",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_revisit_with_the_etag_gets_a_304(client):
    first = client.get("/fr/traitements/chimiotherapie/")
    assert first["ETag"] and first["Last-Modified"] and first["Cache-Control"] == "no-cache"
    again = client.get("/fr/traitements/chimiotherapie/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(
        "/fr/traitements/chimiotherapie/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert since.status_code == 304


def test_the_sitemap_lists_both_languages_with_alternates(client):
    xml = client.get("/sitemap.xml").content.decode()
    therapy = Therapy.objects.working().get(key="car-t")
    for language in ("fr", "en"):
        with override(language):
            for url in (therapy.get_absolute_url(), therapy.get_side_effects_url()):
                assert f"<loc>http://testserver{url}</loc>" in xml
                assert f'hreflang="{language}" href="http://testserver{url}"' in xml
    # The fixed pages: home, the three lists, the glossary, contact, what to do.
    pages = 7 + 8 * 3 + SideEffect.objects.published().count()  # + guides, sheets
    pages += Disease.objects.published().count() + Article.objects.published().count()
    assert xml.count("<url>") == 2 * pages


def test_robots_txt_keeps_crawlers_out_of_the_admin(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


@pytest.mark.parametrize(
    ("path", "about"),
    [
        ("/fr/traitements/cellules-car-t/", "MedicalTherapy"),
        ("/en/treatments/car-t-cell-therapy/side-effects/", "MedicalTherapy"),
        ("/en/side-effects/fatigue/", "MedicalSignOrSymptom"),
    ],
)
def test_json_ld_claims_a_review_only_when_a_reviewer_signed_one(client, path, about):
    def structured_data():
        html = client.get(path).content.decode()
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        return json.loads(block.group(1))

    data = structured_data()
    assert data["@type"] == "MedicalWebPage"
    assert data["about"]["@type"] == about
    assert "lastReviewed" not in data and "reviewedBy" not in data
    key = "fatigue" if about == "MedicalSignOrSymptom" else "car-t"
    model = SideEffect if about == "MedicalSignOrSymptom" else Therapy
    publishing.publish(model.objects.working().get(key=key), make_reviewer())
    data = structured_data()
    assert data["lastReviewed"] == timezone.localdate().isoformat()
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Jeanne Martin",
        "jobTitle": "hématologue" if path.startswith("/fr/") else "haematologist",
    }


def test_json_ld_cannot_close_its_script_element():
    from treatments.structured_data import json_ld

    assert "</script><script>" not in json_ld({"name": "</script><script>alert(1)"})


def test_healthz_answers_200_when_all_is_well(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


def test_healthz_answers_503_without_details_when_the_database_is_down(client):
    failure = OperationalError("password authentication failed for user hemato")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=failure):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"


def test_healthz_reads_a_real_table(client, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        client.get("/healthz")
    assert "treatments_contentchange" in queries.captured_queries[0]["sql"]


def test_healthz_says_degraded_when_the_cache_is_down(client, settings):
    """Pages are still served, rendered each time: the host stays in the balancer."""
    settings.CACHES = STOPPED_REDIS
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"degraded\n"
    assert client.get("/en/").status_code == 200


def test_healthz_answers_plain_http_and_any_host_with_https_on(client, settings):
    """The balancer probes each host directly: by its address, over plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/en/").status_code == 301  # everything else goes to https
    for host in ("10.0.0.7:8000", "testserver"):
        response = client.get("/healthz", HTTP_HOST=host)
        assert response.status_code == 200 and response.content == b"ok\n"
    assert client.post("/healthz").status_code == 405
