"""Static files as production serves them: hashed, compressed, cached for good."""

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.mark.django_db
def test_whitenoise_serves_hashed_compressed_immutable_files(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", "--noinput", verbosity=0)
        client = Client()  # a new handler: whitenoise reads the new STATIC_ROOT
        html = client.get("/fr/").content.decode()
        css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)
        for encoding in ("br", "gzip"):
            response = client.get(css, HTTP_ACCEPT_ENCODING=encoding)
            assert response.status_code == 200
            assert response["Content-Encoding"] == encoding
            cache_control = response["Cache-Control"]
            assert "immutable" in cache_control
            assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= 365 * 24 * 3600
