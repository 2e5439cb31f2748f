"""A treatment page stays light: HTML + CSS + JS under 66 KB before compression.

60 KB for the page, plus 6 KB for "Listen to this page" and "Was this page helpful?"
(issue 16: about 5.5 KB of HTML, CSS and JS on every treatment page)."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils.translation import override

from treatments.models import Therapy

pytestmark = pytest.mark.django_db

LIMIT = 66 * 1024


def linked_assets(html):
    return re.findall(
        r'<link rel="stylesheet" href="/static/([^"]+)"|<script src="/static/([^"]+)"', html
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_treatment_page_weighs_under_66_kb(client, language):
    for therapy in Therapy.objects.published():
        with override(language):
            html = client.get(therapy.get_absolute_url()).content
        assets = [css or js for css, js in linked_assets(html.decode())]
        assert any(name.endswith(".css") for name in assets)
        weight = len(html) + sum(Path(finders.find(name)).stat().st_size for name in assets)
        assert weight < LIMIT, f"{therapy.key} ({language}): {weight} bytes"
