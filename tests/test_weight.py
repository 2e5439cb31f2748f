"""A treatment page stays light, with its figures.

What a phone downloads, HTML + CSS + JS compressed as they are sent (gzip), stays under
60 KB (issue 15; the heaviest page sends about 20 KB). Before compression the page is
bigger than that: its long article, the steps at a glance, key points, the feedback form
and the listen button (about 72 KB for the French allograft page); it stays under 80 KB,
so that a page cannot quietly double. Each image, at the phone's size, stays under 100 KB."""

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils.translation import override

from treatments.models import FigureFile, Therapy

pytestmark = pytest.mark.django_db

SENT_LIMIT = 60 * 1024
UNCOMPRESSED_LIMIT = 80 * 1024
IMAGE_LIMIT = 100 * 1024


def linked_assets(html):
    return re.findall(
        r'<link rel="stylesheet" href="/static/([^"]+)"|<script src="/static/([^"]+)"', html
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_treatment_page_stays_light(client, language):
    for therapy in Therapy.objects.published():
        with override(language):
            html = client.get(therapy.get_absolute_url()).content
        assets = [css or js for css, js in linked_assets(html.decode())]
        assert any(name.endswith(".css") for name in assets)
        files = [html, *(Path(finders.find(name)).read_bytes() for name in assets)]
        sent = sum(len(gzip.compress(data)) for data in files)
        uncompressed = sum(len(data) for data in files)
        assert sent < SENT_LIMIT, f"{therapy.key} ({language}): {sent} bytes sent"
        assert uncompressed < UNCOMPRESSED_LIMIT, f"{therapy.key} ({language}): {uncompressed}"


def test_every_image_of_the_content_is_light():
    images = FigureFile.objects.all()
    assert images
    for image in images:
        assert len(bytes(image.data)) < IMAGE_LIMIT, image.name
