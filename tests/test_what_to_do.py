""" "I have a symptom: what do I do?" (/fr/que-faire/, /en/what-to-do/): the answer
of the triage table for a symptom, and a treatment where it changes it; the
whole table by tier without a choice."""

import re
from pathlib import Path

import pytest

from treatments import publishing
from treatments.models import Source, Symptom

# The entries of the triage table in content/, as the loaded test database holds them.
TABLE_SIZE = len(list((Path(__file__).parents[1] / "content" / "symptoms").glob("*/symptom.yaml")))

pytestmark = pytest.mark.django_db

PAGE = {"fr": "/fr/que-faire/", "en": "/en/what-to-do/"}
TIER_WORDS = {
    "fr": {
        "emergency": "Appelez le 15 ou le 112 maintenant",
        "call-now": "Appelez l’équipe soignante tout de suite, de jour comme de nuit",
        "call-today": "Appelez l’équipe soignante dans la journée",
    },
    "en": {
        "emergency": "Call 15 or 112 now",
        "call-now": "Call your care team now, day or night",
        "call-today": "Call your care team today",
    },
}
# Whom to call (includes/care_team_phone.html, to be replaced by the service's numbers).
CARE_TEAM_PHONE = {
    "fr": "Appelez le numéro de votre équipe soignante joignable 24 h sur 24",
    "en": "Call your care team's 24-hour number",
}


def answer(client, language, **query):
    """The answer block of the page, as text, or None when the page gives none."""
    response = client.get(PAGE[language], query)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1
    found = re.search(r'<section class="answer answer--([a-z-]+)".*?</section>', html, re.S)
    if found is None:
        return None
    text = re.sub(r"<[^>]+>", " ", found.group(0)).replace("\u00a0", " ")
    return found.group(1), re.sub(r"\s+", " ", text)


@pytest.fixture(params=["fr", "en"])
def language(request):
    return request.param


def test_fever_is_a_call_now_day_or_night(client, language):
    tier, text = answer(client, language, symptom="fever")
    assert tier == "call-now"
    assert TIER_WORDS[language]["call-now"] in text
    assert CARE_TEAM_PHONE[language] in text
    assert "UK Oncology Nursing Society (UKONS)" in text  # the source that sets the tier


def test_fever_after_car_t_adds_what_the_treatment_changes(client, language):
    tier, text = answer(client, language, symptom="fever", treatment="car-t")
    assert tier == "call-now"
    note = {"fr": "syndrome de relargage des cytokines", "en": "cytokine release syndrome"}
    assert note[language] in text
    words = {"fr": "Avec votre traitement (Cellules CAR-T)", "en": "With your treatment (CAR-T"}
    assert words[language] in text
    # A treatment without a context for fever: the table's answer alone.
    _tier, plain = answer(client, language, symptom="fever", treatment="radiotherapy")
    assert note[language] not in plain


def test_a_treatment_raises_a_tier_and_gives_its_own_advice(client, language):
    tier, text = answer(client, language, symptom="new-rash")
    assert tier == "call-today" and TIER_WORDS[language]["call-today"] in text
    tier, text = answer(client, language, symptom="new-rash", treatment="allograft")
    assert tier == "call-now" and TIER_WORDS[language]["call-now"] in text
    assert TIER_WORDS[language]["call-today"] not in text
    assert {"fr": "le jour même", "en": "the same day"}[language] not in text


def test_emergencies_send_to_15_or_112_and_suicidal_thoughts_to_3114(client, language):
    tier, text = answer(client, language, symptom="suicidal-thoughts")
    assert tier == "emergency" and TIER_WORDS[language]["emergency"] in text
    assert "3114" in text and "15" in text and "112" in text
    assert CARE_TEAM_PHONE[language] not in text  # 15 / 112, not the ward, for an emergency


@pytest.mark.parametrize(
    "query",
    [
        {"symptom": "no-such-symptom"},
        {"symptom": "<script>alert(1)</script>", "treatment": "car-t"},
        {"symptom": "x" * 5000},
        {"treatment": "car-t"},
        {"symptom": "", "treatment": "no-such-treatment"},
        {"junk": "1"},
    ],
)
def test_unknown_parameters_give_the_page_without_an_answer(client, query):
    assert answer(client, "en", **query) is None
    html = client.get(PAGE["en"], query).content.decode()
    assert "<script>alert" not in html
    assert "Call 15 or 112 now</h2>" in html  # the whole table, by tier


def test_without_a_choice_every_symptom_is_listed_by_tier(client, language):
    html = client.get(PAGE[language]).content.decode()
    html = re.sub("[\u00a0\u202f]", " ", html)  # French typography's spaces before « : »
    headings = re.findall(r'<h2 id="page-tier-([a-z-]+)"', html)
    assert headings == ["emergency", "call-now", "call-today", "next-visit"]
    for symptom in Symptom.objects.published():
        with_name = getattr(symptom, f"name_{language}").replace("'", "&#x27;")
        assert f'href="?symptom={symptom.key}">' in html and with_name in html


def test_the_form_works_without_javascript_and_is_labelled(client, language):
    html = client.get(PAGE[language], {"symptom": "fever", "treatment": "car-t"}).content.decode()
    assert f'<form class="triage-form" method="get" action="{PAGE[language]}">' in html
    assert '<label for="triage-symptom">' in html and '<label for="triage-treatment">' in html
    assert '<option value="fever" selected>' in html
    assert '<option value="car-t" selected>' in html


def test_the_language_switcher_keeps_the_answer(client):
    html = client.get(PAGE["fr"], {"symptom": "fever"}).content.decode()
    assert 'href="/en/what-to-do/?symptom=fever"' in html
    assert 'hreflang="en" href="http://testserver/en/what-to-do/?symptom=fever"' in html or (
        "/en/what-to-do/?symptom=fever" in html
    )


def test_the_page_is_in_the_sitemap_in_both_languages(client):
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/fr/que-faire/</loc>" in xml
    assert "<loc>http://testserver/en/what-to-do/</loc>" in xml


@pytest.mark.parametrize(
    ("page", "link"),
    [
        ("/en/treatments/car-t-cell-therapy/", 'href="/en/what-to-do/?treatment=car-t"'),
        (
            "/en/treatments/car-t-cell-therapy/side-effects/",
            'href="/en/what-to-do/?treatment=car-t"',
        ),
        ("/fr/traitements/cellules-car-t/", 'href="/fr/que-faire/?treatment=car-t"'),
        ("/en/side-effects/fatigue/", 'href="/en/what-to-do/"'),
        ("/fr/", 'href="/fr/que-faire/"'),
    ],
)
def test_treatment_guide_and_side_effect_pages_link_to_it(client, page, link):
    response = client.get(page)
    assert response.status_code == 200 and link in response.content.decode()


def add_symptoms(count):
    source = Source.objects.working().first()
    for number in range(count):
        symptom = Symptom.objects.create(
            key=f"extra-{number}", tier="call-today", order=100 + number,
            name_fr=f"Signe {number}", name_en=f"Sign {number}",
            what_to_do_fr="Appelez.", what_to_do_en="Call.",
        )  # fmt: skip
        symptom.sources.add(source)
        symptom.contexts.create(therapy_key="car-t", tier="call-now", note_fr="N", note_en="N")
        publishing.publish(symptom)


@pytest.mark.parametrize("extra", [0, 10])
def test_the_page_costs_the_same_queries_however_long_the_table(
    client, django_assert_num_queries, extra
):
    add_symptoms(extra)
    # The page cache's content version, the treatments; and once per content version the
    # triage table (the symptoms, their contexts and sources) and the service's numbers.
    with django_assert_num_queries(6):
        assert client.get(PAGE["en"], {"symptom": "fever", "treatment": "car-t"}).status_code == 200
    with django_assert_num_queries(1):  # the version is known for a while now: the treatments
        html = client.get(PAGE["en"]).content.decode()
    assert html.count('href="?symptom=') == TABLE_SIZE + extra


def test_the_page_cache_keeps_one_answer_per_choice(client):
    first = answer(client, "en", symptom="fever")
    assert answer(client, "en", symptom="chest-pain")[0] == "emergency"
    assert answer(client, "en", symptom="fever") == first  # from the cache, still fever's
    assert answer(client, "en", symptom="fever", junk="x") == first
