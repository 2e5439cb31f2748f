"""Search, on whichever database the run uses (CI runs it on SQLite and PostgreSQL)."""

import re

import pytest
from django.utils.translation import override

from treatments.models import Status

from .builders import make_therapy

pytestmark = pytest.mark.django_db


def search(client, query, language="fr"):
    path = "/fr/recherche/" if language == "fr" else "/en/search/"
    response = client.get(path, {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def result_titles(html):
    return [
        re.sub(r"<[^>]+>", "", title)
        for title in re.findall(r'<h2 class="result__title"><a href="[^"]*">(.*?)</a>', html)
    ]


def result_urls(html):
    return re.findall(r'<h2 class="result__title"><a href="([^"]*)"', html)


@pytest.mark.parametrize("query", ["chimiotherapie", "CHIMIOTHÉRAPIE", "chimiothérapie"])
def test_accents_and_case_do_not_matter(client, query):
    html = search(client, query)
    assert result_titles(html)[0] == "Chimiothérapie"
    assert set(result_urls(html)) == set(result_urls(search(client, "chimiothérapie")))


def test_english_search_forgives_accents_and_case_too(client):
    assert result_titles(search(client, "LEUKAPHERESIS", "en"))[0] == "Leukapheresis"
    assert "/en/treatments/car-t-cell-therapy/" in result_urls(search(client, "car-t", "en"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("myélomes", "Myélome multiple"),
        ("myélome", "Myélome multiple"),
        ("plaquette", "Plaquettes"),
    ],
)
def test_plural_and_singular_find_the_same_pages(client, query, expected):
    assert expected in result_titles(search(client, query))


@pytest.mark.parametrize(
    ("query", "language", "expected_url"),
    [
        ("CART", "fr", "/fr/traitements/cellules-car-t/"),
        ("cellules CAR T", "fr", "/fr/traitements/cellules-car-t/"),
        ("GVH", "fr", "/fr/effets-indesirables/"),
        ("SRC", "fr", "/fr/effets-indesirables/syndrome-de-relargage-des-cytokines/"),
        ("GvHD", "en", "/en/side-effects/"),
        ("CRS", "en", "/en/side-effects/cytokine-release-syndrome/"),
        ("cytokine storm", "en", "/en/side-effects/cytokine-release-syndrome/"),
    ],
)
def test_synonyms_and_abbreviations(client, query, language, expected_url):
    urls = result_urls(search(client, query, language))
    assert any(url.startswith(expected_url) for url in urls[:5]), urls[:5]


def test_a_title_match_ranks_before_a_body_match(client):
    body_only = make_therapy(
        name_fr="Traitement alpha", body_fr="## Texte\n\nLe zorblax y est cité en passant."
    )
    in_title = make_therapy(name_fr="Le zorblax expliqué", body_fr="## Texte\n\nSans rapport.")
    titles = result_titles(search(client, "zorblax"))
    assert titles == [in_title.name_fr, body_only.name_fr]


def test_matched_words_are_highlighted_in_an_excerpt(client):
    html = search(client, "aplasie")
    first = html[html.index('class="result__excerpt"') :]
    first = first[: first.index("</p>")]
    assert re.search(r"<mark>aplasie</mark>", first, re.IGNORECASE)
    assert len(re.sub(r"<[^>]+>", "", first)) < 400


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        "'; DROP TABLE treatments_therapy; --",
        'chimio" OR 1=1 --',
        "NEAR(a b) AND * ^",
        "a" * 10_000,
        "chimio " * 2_000,
    ],
)
def test_hostile_or_huge_queries_get_a_normal_page(client, query):
    html = search(client, query)
    assert "<script>alert(1)</script>" not in html
    assert 'class="search-form"' in html
    assert len(re.findall(r'value="([^"]*)"', html)[0]) <= 200


def test_a_script_query_is_shown_escaped(client):
    html = search(client, "<script>")
    assert "&lt;script&gt;" in html
    assert "<script>" not in html.split('id="page-main"')[1].split("</main>")[0]


@pytest.mark.parametrize("query", ["", "   ", "???", "le la les"])
def test_an_empty_or_useless_query_gets_suggestions(client, query):
    html = search(client, query)
    assert "Des pistes pour trouver ce que vous cherchez" in html
    assert 'href="/fr/glossaire/"' in html


def test_unpublished_content_never_appears(client):
    make_therapy(status=Status.DRAFT, name_fr="Quuxothérapie secrète")
    make_therapy(status=Status.IN_REVIEW, name_fr="Quuxothérapie en relecture")
    assert result_titles(search(client, "quuxothérapie")) == []
    published = make_therapy(name_fr="Quuxothérapie publiée")
    assert result_titles(search(client, "quuxothérapie")) == [published.name_fr]


def test_a_search_uses_a_fixed_number_of_queries(client, django_assert_num_queries):
    search(client, "greffe")  # builds the index; the page cache learns the content version
    for query in ("cellule", "greffe de moelle", "GVH"):
        with django_assert_num_queries(4):
            search(client, query)  # another page: rendered


def test_results_are_in_the_page_language(client):
    with override("en"):
        urls = result_urls(search(client, "transplant", "en"))
    assert urls and all(url.startswith("/en/") for url in urls)
