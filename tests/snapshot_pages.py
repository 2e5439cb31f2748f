"""Writes the HTML of every public page, both languages, to a folder: run it before
and after a change of views or templates and `diff -r` the two folders.

    DJANGO_PAGE_CACHE_SECONDS=0 .venv/bin/python tests/snapshot_pages.py /tmp/before

Reads the project's database (load the content first: `make setup`). Every address
of sitemap.xml, each guide with each `?when=`, each staff preview, and, in English,
one page of each kind whose English text is missing (the French fallback); the
database is left as it was (one transaction, rolled back).
"""

import os
import re
import sys
from pathlib import Path
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils.translation import override  # noqa: E402

from treatments.models import Disease, SideEffect, Therapy, Timing  # noqa: E402

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def addresses(client):
    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").content)
    paths = [re.sub(r"^https?://[^/]+", "", loc.text) for loc in sitemap.iter(f"{SITEMAP}loc")]
    guides = [path for path in paths if path.endswith(("/effets-indesirables/", "/side-effects/"))]
    guides = [path for path in guides if "/traitements/" in path or "/treatments/" in path]
    for path in paths:
        yield path
    for path in guides:
        for timing in Timing:
            yield f"{path}?when={timing.value}"
    for path in ["/fr/recherche/?q=fatigue", "/en/search/?q=fatigue", "/fr/recherche/?q=zzz"]:
        yield path


def previews():
    for model in (Therapy, SideEffect, Disease):
        for pk in model.objects.working().values_list("pk", flat=True):
            for language in ("fr", "en"):
                yield f"/admin/treatments/{model._meta.model_name}/{pk}/preview/{language}/"


def untranslated(client):
    """One page of each kind with its English text missing: the French fallback."""
    for model in (Therapy, SideEffect, Disease):
        live = model.objects.published().order_by("key").first()
        model.objects.filter(pk=live.pk).update(summary_en="")
        with override("en"):
            yield live.get_absolute_url()
            if model is Therapy:
                yield live.get_side_effects_url()


def main(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    client = Client(SERVER_NAME="localhost")
    pages = {}
    with transaction.atomic():
        for path in addresses(client):
            pages[path] = client.get(path)
        user = get_user_model().objects.create_superuser("snapshot", "", "x")
        staff = Client(SERVER_NAME="localhost")
        staff.force_login(user)
        for path in previews():
            pages[path] = staff.get(path)
        for path in list(untranslated(client)):
            pages[f"untranslated{path}"] = client.get(path)
        transaction.set_rollback(True)
    for path, response in pages.items():
        name = re.sub(r"[^a-z0-9.=-]+", "_", path.strip("/")) or "root"
        body = f"{response.status_code}\n{response.content.decode()}"
        (folder / f"{name}.html").write_text(body)
    print(f"{len(pages)} pages written to {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
