"""Every address of the sitemap, in both languages, is a whole page: 200, one <h1>,
its language, a canonical link and hreflang alternates (djangoproject.com's
Header1Tests, over the whole site)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_every_address_of_the_sitemap_is_a_whole_page(client):
    xml = client.get("/sitemap.xml").content.decode()
    addresses = re.findall(r"<loc>http://testserver(/[^<]*)</loc>", xml)
    assert len(addresses) > 100
    assert {address[:4] for address in addresses} == {"/fr/", "/en/"}
    for address in addresses:
        response = client.get(address)
        html = response.content.decode()
        assert response.status_code == 200, address
        assert len(re.findall(r"<h1[ >]", html)) == 1, address
        assert f'<html lang="{address[1:3]}">' in html, address
        assert f'<link rel="canonical" href="http://testserver{address}">' in html, address
        for language in ("fr", "en"):
            assert f'<link rel="alternate" hreflang="{language}"' in html, (address, language)
