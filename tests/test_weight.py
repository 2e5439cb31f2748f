"""A treatment page stays light: HTML + CSS + JS under 60 KB before compression."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils.translation import override

from treatments.models import Therapy

pytestmark = pytest.mark.django_db

LIMIT = 60 * 1024


def linked_assets(html):
    return re.findall(
        r'<link rel="stylesheet" href="/static/([^"]+)"|<script src="/static/([^"]+)"', html
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_treatment_page_weighs_under_60_kb(client, language):
    for therapy in Therapy.objects.published():
        with override(language):
            html = client.get(therapy.get_absolute_url()).content
        assets = [css or js for css, js in linked_assets(html.decode())]
        assert any(name.endswith(".css") for name in assets)
        weight = len(html) + sum(Path(finders.find(name)).stat().st_size for name in assets)
        assert weight < LIMIT, f"{therapy.key} ({language}): {weight} bytes"
