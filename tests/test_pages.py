"""What a reader sees on the public pages, in both languages."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import override
from django.views.defaults import server_error

from treatments.models import Family, Status, Therapy
from treatments.templatetags.portal import typography

from .builders import make_therapy

pytestmark = pytest.mark.django_db

THERAPY_KEYS = [
    "chemotherapy", "radiotherapy", "targeted-therapy", "immunotherapy",
    "car-t", "tcr-t", "autograft", "allograft",
]  # fmt: skip
OTHER = {"fr": "en", "en": "fr"}


def therapy_url(therapy, language):
    with override(language):
        return therapy.get_absolute_url()


def h1_texts(html):
    return [
        re.sub(r"<[^>]+>|\s+", " ", h).strip()
        for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    ]


def test_root_redirects_by_browser_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").url == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").url == "/fr/"
    # A language we do not have gets the default, French.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE").url == "/fr/"


@pytest.mark.parametrize(
    ("language", "heading", "family_heading"),
    [("fr", "Comprendre votre traitement", "Thérapies cellulaires"),
     ("en", "Understanding your treatment", "Cell therapies")],
)  # fmt: skip
def test_home_lists_the_eight_treatments_by_family(client, language, heading, family_heading):
    response = client.get(f"/{language}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert h1_texts(html) == [heading]
    assert family_heading in html
    with override(language):
        families = [str(label) for label in Family.labels]
        names = [t.name for t in Therapy.objects.published()]
    positions = [html.index(f">{family}<") for family in families]
    assert positions == sorted(positions), "families are shown in their fixed order"
    assert len(names) == 8
    for name in names:
        assert name in html.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize("key", THERAPY_KEYS)
def test_every_treatment_page_answers_in_both_languages(client, key, language):
    therapy = Therapy.objects.working().get(key=key)
    response = client.get(therapy_url(therapy, language))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    name = getattr(therapy, f"name_{language}")
    assert [h.replace("\u202f", " ").replace("\u00a0", " ") for h in h1_texts(html)] == [name]
    assert f"<title>{name}" in html.replace("&#x27;", "'").replace("’", "’")
    # The language switcher leads to the same treatment in the other language.
    other = OTHER[language]
    other_url = therapy_url(therapy, other)
    assert getattr(therapy, f"slug_{other}") in other_url
    assert f'<a href="{other_url}" hreflang="{other}" lang="{other}">' in html
    # hreflang alternates name both versions, with absolute addresses.
    for code in ("fr", "en"):
        href = f"http://testserver{therapy_url(therapy, code)}"
        assert f'<link rel="alternate" hreflang="{code}" href="{href}">' in html
    # The sources, and the truth about the medical review, are on the page.
    assert 'id="page-sources"' in html
    pending = {"fr": "relecture médicale en attente", "en": "medical review pending"}
    assert pending[language] in html


def test_car_t_slugs_are_translated(client):
    therapy = Therapy.objects.working().get(key="car-t")
    assert therapy_url(therapy, "fr") == "/fr/traitements/cellules-car-t/"
    assert therapy_url(therapy, "en") == "/en/treatments/car-t-cell-therapy/"


@pytest.mark.parametrize("key", ["car-t", "tcr-t", "autograft", "allograft"])
def test_cell_therapy_and_transplant_pages_show_the_ordered_steps(client, key, language):
    therapy = Therapy.objects.working().get(key=key)
    html = client.get(therapy_url(therapy, language)).content.decode()
    steps_section = html[html.index('<section id="page-steps"') :]
    steps_section = steps_section[: steps_section.index("</section>")]
    steps = list(therapy.steps.all())
    assert len(steps) >= 5
    titles = re.findall(r'<h3 class="step__title">(.*?)</h3>', steps_section)
    assert titles == [typography(getattr(step, f"title_{language}"), language) for step in steps]
    durations = re.findall(r'class="step__duration">.*?</span> (.*?)</p>', steps_section)
    assert durations == [
        typography(getattr(step, f"duration_{language}"), language) for step in steps
    ]


@pytest.mark.parametrize(
    ("url", "accept", "message"),
    [
        ("/fr/traitements/inconnu/", "fr", "Page introuvable"),
        ("/en/treatments/unknown/", "en", "Page not found"),
        ("/en/traitements/cellules-car-t/", "en", "Page not found"),  # French segment under /en/
        ("/de/behandlungen/", "en", "Page not found"),  # a language we do not have
        ("/fr/traitements/%E2%80%AE%3Cscript%3E/", "fr", "Page introuvable"),
    ],
)
def test_unknown_addresses_are_a_404_in_the_visitor_language(client, url, accept, message):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 404
    assert message in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_an_address_without_a_language_leads_to_the_404_in_the_visitor_language(client):
    # /de/ could be an article of the visitor's language (/fr/<slug>/): it is sent there.
    response = client.get("/de/", HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    assert response.redirect_chain == [("/fr/de/", 302)]
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()


def test_a_draft_is_not_shown_to_the_public(client):
    draft = make_therapy(status=Status.DRAFT)
    assert client.get(therapy_url(draft, "fr")).status_code == 404
    assert draft.name_fr not in client.get("/fr/").content.decode()


def test_a_missing_translation_falls_back_to_french_and_says_so(client):
    therapy = make_therapy(name_en="", slug_en=None, summary_en="", body_en="")
    response = client.get(therapy_url(therapy, "en"))
    html = response.content.decode()
    assert response.status_code == 200
    assert therapy_url(therapy, "en") == f"/en/treatments/{therapy.slug_fr}/"
    assert "This page has not been translated yet: it is shown in French." in html
    assert f"<title>{therapy.name_fr} (in French, not yet translated)" in html
    assert '<article class="article family--conventional" lang="fr">' in html
    # It does not claim an English version exists.
    assert 'hreflang="en"' not in html


@pytest.mark.parametrize("size", [1, 12])
def test_a_treatment_page_uses_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    therapy = make_therapy(steps=size, side_effects=size, sources=size)
    # The first page after a publish: the content version, the treatment, its steps, rows,
    # sources; and once per content version the diseases and articles that name treatments
    # (2 each), the glossary, the service's numbers and the warning box's signs.
    with django_assert_num_queries(12):
        response = client.get(therapy_url(therapy, "en"))
    assert response.status_code == 200
    assert response.content.decode().count('class="step"') == size
    # Any other page rendered (another host name: not cached) knows all those, and the
    # treatment with its steps, rows and sources too: no query.
    with django_assert_num_queries(0):
        response = client.get(therapy_url(therapy, "en"), HTTP_HOST="localhost")
    assert response.content.decode().count('class="step"') == size


def test_home_page_query_count(client, django_assert_num_queries):
    # The content version, the treatments, the articles, the service's numbers, the warning
    # box's signs.
    with django_assert_num_queries(5):
        assert client.get(reverse("treatments:home")).status_code == 200


@pytest.mark.parametrize(
    ("language", "message"), [("fr", "Un problème est survenu"), ("en", "Something went wrong")]
)
def test_the_500_page_speaks_the_visitor_language(rf, language, message):
    with override(language):
        response = server_error(rf.get(f"/{language}/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html
    assert message in html and "112" in html
