"""translation_status and its admin page: what is left to translate."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from content_translation.models import SegmentTranslation
from treatments.models import TreatmentStep

from .builders import make_therapy

pytestmark = pytest.mark.django_db

CATALOGUE = """\
msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Home"
msgstr "Accueil"

msgid "Search"
msgstr "Rechercher"

#, fuzzy
msgid "Side effects"
msgstr "Effets"

msgid "Print this page"
msgstr ""
"""


def status(*args):
    output = StringIO()
    call_command("translation_status", *args, stdout=output)
    return output.getvalue()


def make_untranslated_therapy():
    """A treatment with exactly three English fields missing, and one outdated."""
    therapy = make_therapy(
        steps=1, summary_en="", daily_life_fr="## La vie\n\nUn texte.", daily_life_en=""
    )
    TreatmentStep.objects.filter(therapy=therapy).update(title_en="")
    SegmentTranslation.objects.create(
        language="en",
        context=f"therapy:{therapy.key}:body:2",
        source="Un texte plus ancien.",
        translation="A text.",
    )
    return therapy


@pytest.fixture
def untranslated_therapy():
    return make_untranslated_therapy()


@pytest.fixture
def catalogue(tmp_path, settings):
    """A French interface catalogue of 4 entries: 2 translated, 1 fuzzy, 1 missing."""
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(CATALOGUE, encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path]


def test_interface_strings_are_counted_per_language_but_english(catalogue):
    output = status()
    assert "fr: 4 entries, 50.0% translated, 25.0% fuzzy, 25.0% missing" in output
    assert "    fuzzy: Side effects" in output
    assert "    missing: Print this page" in output
    assert "  en: " not in output.split("Content")[0]  # English is the msgids' language


def test_content_lists_each_missing_and_outdated_field():
    before = json.loads(status("--format", "json"))["content"][0]
    key = make_untranslated_therapy().key
    output = status()

    lines = [line.strip() for line in output.splitlines() if f":{key}" in line]
    assert lines == [
        f"missing: therapy:{key}:summary — treatment {key}, summary",
        f"outdated: therapy:{key}:body — treatment {key}, article (1 of 2 segments)",
        f"missing: therapy:{key}:daily_life — treatment {key}, daily life and questions",
        f"missing: step:{key}/step-0:title — treatment step {key}/step-0, title",
    ]
    after = json.loads(status("--format", "json"))["content"][0]
    assert after["language"] == "en"
    assert after["missing"] == before["missing"] + 3
    assert after["outdated"] == before["outdated"] + 1
    assert f"en: {after['fields']} fields, {after['missing']} missing, " in output


def test_a_translated_and_remembered_field_is_not_reported():
    therapy = make_therapy()
    SegmentTranslation.objects.create(
        language="en",
        context=f"therapy:{therapy.key}:body:2",
        source="Un texte.",
        translation="A text.",
    )
    assert f":{therapy.key}" not in status()


def test_staff_see_the_status_in_the_admin(client, untranslated_therapy, catalogue):
    url = reverse("admin:content_translation_status")
    assert client.get(url).status_code == 302  # the public is sent to the login page
    client.force_login(User.objects.create_user("reader", password="x"))
    assert client.get(url).status_code == 302  # so is a user who is not staff

    client.force_login(User.objects.create_user("editor", password="x", is_staff=True))
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Translation status</h1>" in html
    assert "<td>50.0 %</td>" in html and "<td>25.0 %</td>" in html
    assert f"<code>therapy:{untranslated_therapy.key}:summary</code>" in html
    assert f"<code>step:{untranslated_therapy.key}/step-0:title</code>" in html
    changelist = client.get(reverse("admin:content_translation_segmenttranslation_changelist"))
    assert changelist.status_code == 200
    assert url in changelist.content.decode()
