"""The glossary woven into the articles, and the pages by disease."""

import re

import pytest
from django.utils.translation import override

from treatments.glossary import GlossaryEntry, link_glossary_terms
from treatments.markdown import render_markdown
from treatments.models import Disease, GlossaryTerm, Therapy

pytestmark = pytest.mark.django_db

APLASIA = GlossaryEntry(
    ["Aplasie", "aplasie médullaire"], "aplasie", "/fr/glossaire/#aplasie", "Def."
)
TBI = GlossaryEntry(["TBI"], "tbi", "/en/glossary/#tbi", "Total body irradiation.")


def linked(html):
    return re.findall(r'<span class="gloss"><a href="([^"]+)"[^>]*>([^<]+)</a>', html)


def test_the_first_use_becomes_a_definition_and_only_once():
    html = link_glossary_terms(
        render_markdown("L’aplasie dure. Puis l’aplasie médullaire cesse. Aplasie.", "fr"),
        [APLASIA],
    )
    assert linked(html) == [("/fr/glossaire/#aplasie", "aplasie")]
    assert 'aria-describedby="page-g-aplasie"' in html
    assert '<span id="page-g-aplasie" role="tooltip">Def.</span>' in html


def test_never_in_a_heading_nor_inside_a_link():
    html = link_glossary_terms(
        render_markdown(
            "## L’aplasie\n\n[aplasie](https://example.org/)\n\nEnfin l’aplasie.", "fr"
        ),
        [APLASIA],
    )
    assert "<h2" in html and 'class="gloss"' not in html.split("</h2>")[0]
    assert '<a href="https://example.org/" rel="noopener noreferrer">aplasie</a>' in html
    assert len(linked(html)) == 1 and html.index('class="gloss"') > html.index("example.org")


def test_whole_words_only_and_capitals_for_abbreviations():
    html = link_glossary_terms(
        render_markdown("Aplasies, tbi and TBI-based, then TBI.", "en"), [TBI]
    )
    assert [text for _url, text in linked(html)] == ["TBI"]
    assert html.count('class="gloss"') == 1
    assert html.index('class="gloss"') > html.index("TBI-based")


def test_definitions_cannot_inject_markup():
    entry = GlossaryEntry(["aplasie"], "aplasie", '/x" onmouseover="alert(1)', "<script>x</script>")
    html = link_glossary_terms("<p>aplasie</p>", [entry])
    assert "<script>" not in html and 'onmouseover="alert' not in html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_articles_link_glossary_terms_once_per_page(client, language):
    therapy = Therapy.objects.working().get(key="allograft")
    with override(language):
        html = client.get(therapy.get_absolute_url()).content.decode()
    urls = [url for url, _text in linked(html)]
    assert len(urls) >= 5
    assert len(urls) == len(set(urls)), "a term is explained once a page"
    glossary = "/fr/glossaire/" if language == "fr" else "/en/glossary/"
    assert all(url.startswith(glossary) for url in urls)
    for heading in re.findall(r"<h[1-4][^>]*>.*?</h[1-4]>", html, re.S):
        assert 'class="gloss"' not in heading


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_glossary_has_sixty_terms_or_more(client, language):
    with override(language):
        html = client.get(
            "/fr/glossaire/" if language == "fr" else "/en/glossary/"
        ).content.decode()
        terms = GlossaryTerm.objects.working()
        assert terms.count() >= 60
        for term in terms:
            assert f'<dt id="{term.slug}" tabindex="-1">' in html


@pytest.mark.parametrize(
    ("key", "language", "path"),
    [
        ("multiple-myeloma", "fr", "/fr/maladies/myelome-multiple/"),
        ("hodgkin-lymphoma", "en", "/en/diseases/hodgkin-lymphoma/"),
    ],
)
def test_a_disease_page_links_to_its_treatments_and_back(client, key, language, path):
    disease = Disease.objects.working().get(key=key)
    html = client.get(path).content.decode()
    with override(language):
        assert disease.get_absolute_url() == path
        therapies = list(disease.therapies.all())
        assert therapies
        for therapy in therapies:
            assert f'href="{therapy.get_absolute_url()}"' in html
            article = client.get(therapy.get_absolute_url()).content.decode()
            assert f'href="{path}"' in article


def test_every_disease_page_answers_in_both_languages(client):
    expected = {
        "acute-myeloid-leukaemia", "acute-lymphoblastic-leukaemia", "chronic-myeloid-leukaemia",
        "chronic-lymphocytic-leukaemia", "hodgkin-lymphoma", "non-hodgkin-lymphoma",
        "multiple-myeloma", "myeloproliferative-neoplasms", "myelodysplastic-syndromes",
    }  # fmt: skip
    assert set(Disease.objects.values_list("key", flat=True)) == expected
    for disease in Disease.objects.working():
        for language in ("fr", "en"):
            with override(language):
                response = client.get(disease.get_absolute_url())
                assert response.status_code == 200
                assert getattr(disease, f"name_{language}") in response.content.decode()


def test_the_tcr_t_page_names_liver_cancer_as_a_solid_tumour_in_trials(client):
    html = client.get("/fr/traitements/cellules-tcr-t/").content.decode()
    assert "foie" in html
    assert not Disease.objects.working().filter(key__icontains="liver").exists()
