"""A treatment's one-page sheet: the signs that mean calling, from the triage table,
whom to call, what to have at hand; linked from the treatment and its guide."""

import re

import pytest
from django.utils.translation import override

from treatments import publishing
from treatments.models import Symptom, Therapy

from .test_care_service import make_service

pytestmark = pytest.mark.django_db

TITLE = {"fr": "quand appeler", "en": "when to call"}
TIERS = {
    "fr": ("Appelez le 15 ou le 112 maintenant", "Appelez l’équipe soignante tout de suite"),
    "en": ("Call 15 or 112 now", "Call your care team now, day or night"),
}
FEVER = {"fr": "Fièvre de 38 °C ou plus", "en": "Fever of 38 °C or more"}


def urls(therapy, language):
    with override(language):
        return therapy.get_absolute_url(), therapy.get_side_effects_url(), therapy.get_sheet_url()


def test_every_treatment_has_its_sheet_linked_from_its_pages(client, language):
    for therapy in Therapy.objects.published():
        article, guide, sheet = urls(therapy, language)
        response = client.get(sheet)
        html = response.content.decode()
        assert response.status_code == 200, sheet
        assert re.search(rf"<h1[^>]*>[^<]*{TITLE[language]}</h1>", html), sheet
        for tier in TIERS[language]:
            assert re.search(rf">{tier}[^<]*</h2>", html), (sheet, tier)
        assert FEVER[language] in html, sheet
        assert html.count('class="sheet__blank"') == 3  # no number set: lines to write them on
        for page in (article, guide):
            assert f'href="{sheet}"' in client.get(page).content.decode(), page


def test_a_sheet_gives_the_service_s_numbers_once_set(client):
    make_service()
    therapy = Therapy.objects.published().get(key="car-t")
    html = client.get(urls(therapy, "en")[2]).content.decode()
    assert 'href="tel:0142160000">01 42 16 00 00</a>' in html
    assert 'class="sheet__blank"' not in html


def test_a_sheet_gives_the_tier_the_treatment_raises(client):
    """A new rash is a call today, but a call now after an allograft; the sheet has
    room for the names only (the guide gives the treatment's notes)."""
    therapy = Therapy.objects.published().get(key="allograft")
    html = client.get(urls(therapy, "en")[2]).content.decode()
    call_now = html[html.index(TIERS["en"][1]) : html.index("have at hand")]
    assert "<li>A new rash</li>" in call_now
    assert "graft-versus-host" not in call_now


@pytest.mark.parametrize("size", [1, 10])
def test_a_sheet_uses_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    from .builders import make_therapy

    therapy = make_therapy(side_effects=size)
    therapy.signs.set(Symptom.objects.working().filter(tier="call-now")[:size])
    publishing.publish(therapy)
    # The guide's queries (the treatment, its sources, its rows, its own signs' ids, the side
    # effects' notes and tiers) and the content version, whatever the number of rows; the
    # first page after a publish also reads the triage table (symptoms, contexts, sources).
    with django_assert_num_queries(10):
        client.get(urls(therapy, "en")[2], HTTP_HOST="localhost")
    with django_assert_num_queries(0):  # kept for this content version, as the page is
        html = client.get(urls(therapy, "en")[2]).content.decode()
    signs = re.findall(r'<section class="sheet__tier.*?</section>', html, re.S)
    assert sum(section.count("<li>") for section in signs) == size
