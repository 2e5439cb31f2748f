"""Search, on whichever database the run uses (CI runs it on SQLite and PostgreSQL)."""

import re

import pytest
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from treatments import publishing
from treatments import search as search_module
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


@pytest.mark.parametrize("extra_therapies", [0, 3])
def test_a_search_uses_a_fixed_number_of_queries(
    client, django_assert_num_queries, extra_therapies
):
    """The search index's content change and the results; the spelling of the words only
    when one is not in the index (its words are read once per content change): at any size
    of content (the page cache reads the content version from the cache, not the
    database)."""
    for _number in range(extra_therapies):
        make_therapy(steps=2, body_fr="## Texte\n\nUne greffe de moelle, des cellules.")
    search(client, "greffe")  # builds the index, reads its words
    for query, count in [
        ("cellule", 2),
        ("greffe de moelle", 2),
        ("est-ce que je vais perdre mes cheveux pendant la chimiothérapie", 2),
        ("radiotérapie", 3),
        ("GVH", 2),
    ]:
        with django_assert_num_queries(count):
            search(client, query)  # another page: rendered


def test_results_are_in_the_page_language(client):
    with override("en"):
        urls = result_urls(search(client, "transplant", "en"))
    assert urls and all(url.startswith("/en/") for url in urls)


def test_a_misspelt_word_is_corrected_and_the_page_says_so(client):
    html = search(client, "radiotérapie")
    assert result_urls(html)[0] == "/fr/traitements/radiotherapie/"
    assert "Résultats pour «\u00a0radiothérapie\u00a0»." in html
    link = (
        'href="?q=radiot%C3%A9rapie&amp;exact=1">Rechercher plutôt «\u00a0radiotérapie\u00a0»</a>'
    )
    assert link in html


def test_english_correction_keeps_the_other_words(client):
    html = search(client, "Radiotherapy side efects", "en")
    assert "Showing results for “Radiotherapy side effects”." in html
    assert "Search instead for “Radiotherapy side efects”" in html
    assert result_urls(html)[0] == "/en/treatments/radiotherapy/"


def test_search_instead_for_the_words_as_typed(client):
    response = client.get("/fr/recherche/", {"q": "radiotérapie", "exact": "1"})
    html = response.content.decode()
    assert "Résultats pour" not in html
    assert "Aucun résultat pour «\u00a0radiotérapie\u00a0»." in html


def test_only_the_words_searched_for_are_corrected(client):
    """A long query is searched for its first words only (MAX_CONCEPTS): the words after
    them are neither searched for nor corrected, which keeps a query of 200 characters of
    junk as cheap as a short one."""
    words = [f"zqxw{letter}" for letter in "bcdfghjk"]  # eight words no page holds, nor any near
    assert len(words) == search_module.MAX_CONCEPTS

    first = search(client, " ".join(["radiotérapie", *words]))
    after = search(client, " ".join([*words, "radiotérapie"]))

    assert "Résultats pour « radiothérapie" in first
    assert "Résultats pour" not in after


@given(a=st.text("abcd", max_size=8), b=st.text("abcd", max_size=8), limit=st.integers(0, 3))
def test_an_edit_distance_with_a_limit_is_exact_up_to_the_limit(a, b, limit):
    full = search_module.edit_distance(a, b)
    bounded = search_module.edit_distance(a, b, limit)
    assert bounded == full if full <= limit else bounded > limit


def test_a_known_word_is_never_corrected(client):
    html = search(client, "anémie")
    assert "Résultats pour" not in html
    assert "Baisse des globules rouges (anémie)" in result_titles(html)[:3]


def test_a_query_is_not_refused_for_one_word_no_page_holds(client):
    titles = result_titles(search(client, "zorblaxophone chimiothérapie"))
    assert titles[0] == "Chimiothérapie"


def test_a_page_ranks_before_a_glossary_entry_that_merely_contains_the_word(client):
    from treatments.models import GlossaryTerm

    term = GlossaryTerm.objects.create(
        key="test-term",
        name_fr="Terme test",
        slug_fr="terme-test",
        definition_fr="Un mot qui parle du quuxium en passant.",
    )
    publishing.publish(term)
    therapy = make_therapy(name_fr="Traitement beta", body_fr="## Texte\n\nLe quuxium, expliqué.")
    titles = result_titles(search(client, "quuxium"))
    assert titles == [therapy.name_fr, "Terme test"]


def test_highlighting_escapes_the_content(client):
    make_therapy(name_fr="Traitement gamma", summary_fr="Le <b>zyxomab</b> & la <script>x</script>")
    html = search(client, "zyxomab")
    excerpt = html[html.index('class="result__excerpt"') :].split("</p>")[0]
    assert "<mark>zyxomab</mark>" in excerpt
    assert "&lt;script&gt;" in excerpt and "<script>" not in excerpt
