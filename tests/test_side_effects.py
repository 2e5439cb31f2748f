"""The side-effects guides and the side-effect pages, as a patient reads them."""

import re

import pytest
from django.utils.translation import override

from treatments import publishing
from treatments.models import ONSET_TIMING, SideEffect, Status, Symptom, Therapy, Timing

from .builders import make_therapy

pytestmark = pytest.mark.django_db

THERAPY_KEYS = [
    "chemotherapy", "radiotherapy", "targeted-therapy", "immunotherapy",
    "car-t", "tcr-t", "autograft", "allograft",
]  # fmt: skip
GENERAL_SIGNS = {
    "fr": ["38 °C", "frissons", "respirer", "saignement", "confusion"],
    "en": ["38 °C", "shivering", "breathing", "bleeding", "confusion"],
}


def guide_url(therapy, language, query=""):
    with override(language):
        return therapy.get_side_effects_url() + query


def effect_keys(html):
    return re.findall(r'id="page-effect-([a-z0-9-]+)"', html)


@pytest.mark.parametrize("key", THERAPY_KEYS)
def test_every_guide_lists_every_side_effect_urgent_signs_first(client, key, language):
    therapy = Therapy.objects.working().get(key=key)
    response = client.get(guide_url(therapy, language))
    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(effect_keys(html)) == sorted(
        r.side_effect.key for r in therapy.side_effects.all()
    )
    # The warning box, with the signs that hold for every treatment, comes before the list.
    urgent_box = html[html.index('class="urgent"') : html.index("</aside>")]
    assert html.index('class="urgent"') < html.index('class="effect ')
    for sign in GENERAL_SIGNS[language]:
        assert sign.lower() in urgent_box.lower(), sign
    # Every row shows frequency, onset, duration, action, self-care and warning signs.
    rows = html.split('<li class="effect effect--')[1:]
    assert len(rows) == therapy.side_effects.count()
    for row in rows:
        assert row.count("<dt>") == 3, "frequency, onset and duration"
        assert 'class="action action--' in row
        assert 'class="effect__self-care"' in row and 'class="effect__signs"' in row


def test_within_each_timing_group_the_most_urgent_come_first(client):
    therapy = Therapy.objects.working().get(key="allograft")
    html = client.get(guide_url(therapy, "en")).content.decode()
    for group in re.findall(r'<section class="guide__group".*?</section>', html, re.S):
        tiers = re.findall(r'<li class="effect effect--([a-z-]+)"', group)
        ranks = [["emergency", "call-now", "call-today", "next-visit"].index(t) for t in tiers]
        assert ranks == sorted(ranks)


@pytest.mark.parametrize("timing", list(Timing))
def test_the_timing_filter_keeps_only_matching_rows(client, timing):
    therapy = Therapy.objects.working().get(key="allograft")
    html = client.get(guide_url(therapy, "fr", f"?when={timing.value}")).content.decode()
    expected = sorted(
        row.side_effect.key
        for row in therapy.side_effects.all()
        if ONSET_TIMING[row.onset] == timing
    )
    assert sorted(effect_keys(html)) == expected
    assert f'<a href="?when={timing.value}" aria-current="true">' in html
    # The language switcher keeps the filter.
    assert f'href="{guide_url(therapy, "en", f"?when={timing.value}")}"' in html


def test_an_unknown_timing_shows_the_whole_guide(client):
    therapy = Therapy.objects.working().get(key="car-t")
    html = client.get(guide_url(therapy, "en", "?when=<script>")).content.decode()
    assert len(effect_keys(html)) == therapy.side_effects.count()
    assert "<script>" not in html


def test_the_guide_is_linked_from_its_treatment_page_and_back(client, language):
    therapy = Therapy.objects.working().get(key="chemotherapy")
    with override(language):
        article = client.get(therapy.get_absolute_url()).content.decode()
        guide = client.get(therapy.get_side_effects_url()).content.decode()
        assert f'href="{therapy.get_side_effects_url()}"' in article
        assert f'href="{therapy.get_absolute_url()}"' in guide


@pytest.mark.parametrize(
    "url",
    [
        "/fr/traitements/inconnu/effets-indesirables/",
        "/en/treatments/unknown/side-effects/",
        "/fr/effets-indesirables/inconnu/",
        "/en/side-effects/unknown/",
        "/en/side-effects/fatigue-inconnue/",
    ],
)
def test_unknown_side_effect_or_treatment_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_a_side_effect_page_shows_every_published_treatment_that_causes_it(client, language):
    fatigue = SideEffect.objects.working().get(key="fatigue")
    draft = make_therapy(status=Status.DRAFT)
    draft.side_effects.create(
        side_effect=fatigue, frequency="common", onset="first-weeks", action="next-visit"
    )
    with override(language):
        response = client.get(fatigue.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    causes = Therapy.objects.published().filter(side_effects__side_effect__key="fatigue")
    assert causes.count() >= 5
    for therapy in causes:
        assert guide_url(therapy, language) + "#page-effect-fatigue" in html
    assert draft.get_side_effects_url() not in html
    assert getattr(fatigue, f"name_{language}") in html.replace("\u202f", " ")


def test_the_side_effect_index_lists_them_all(client, language):
    html = client.get(
        f"/{language}/{'effets-indesirables' if language == 'fr' else 'side-effects'}/"
    ).content.decode()
    for side_effect in SideEffect.objects.published():
        with override(language):
            assert f'href="{side_effect.get_absolute_url()}"' in html


@pytest.mark.parametrize("size", [2, 15])
def test_a_guide_uses_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    therapy = make_therapy(side_effects=size, sources=size)
    signs = Symptom.objects.working().filter(key__in=["fever", "confusion"])
    for row in therapy.side_effects.all():  # warning signs from the triage table
        row.side_effect.signs.set(signs)
        publishing.publish(row.side_effect)
    therapy.signs.set(Symptom.objects.working()[:size])  # its own, in the warning box
    publishing.publish(therapy)
    # The content version, the treatment, its sources, its own signs' ids, its rows, their
    # side effects' signs with their notes; and once per content version the triage table
    # (symptoms, contexts, sources), the service's numbers and the warning box's signs.
    with django_assert_num_queries(11):
        client.get(guide_url(therapy, "en"), HTTP_HOST="localhost")
    with django_assert_num_queries(0):  # kept for this content version, as the page is
        html = client.get(guide_url(therapy, "en")).content.decode()
    assert len(effect_keys(html)) == size
    assert html.count('<li class="sign">') == 2 * size + size


@pytest.mark.parametrize("size", [1, 6])
def test_a_side_effect_page_uses_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    therapies = [make_therapy(side_effects=1) for _ in range(size)]
    side_effect = therapies[0].side_effects.get().side_effect
    for therapy in therapies[1:]:
        therapy.side_effects.update(side_effect=side_effect)
        publishing.publish(therapy)
    side_effect.signs.set(Symptom.objects.working().filter(key__in=["fever", "confusion"]))
    publishing.publish(side_effect)
    # The content version, the side effect, its sources, its rows, its signs' notes; and once
    # per content version the triage table (symptoms, contexts, sources), the glossary and the
    # service's numbers (the feedback form names whom to call).
    with django_assert_num_queries(10), override("en"):
        client.get(side_effect.get_absolute_url(), HTTP_HOST="localhost")
    with django_assert_num_queries(0), override("en"):  # kept for this content version
        response = client.get(side_effect.get_absolute_url())
    assert response.content.decode().count('class="effect effect--') == size
    assert response.content.decode().count('<li class="sign">') == 2
