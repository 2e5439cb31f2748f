"""Pages that explain a subject across treatments: clinical trials first."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils.translation import override

from treatments import publishing
from treatments.content import ContentErrors, read_content
from treatments.models import Article, Status, Therapy
from treatments.roles import EDITORS

from .small_content import write_small_content
from .test_content_po import export, import_po

pytestmark = pytest.mark.django_db

TRIALS = {"fr": "/fr/essais-cliniques/", "en": "/en/clinical-trials/"}
TITLE = {"fr": "Les essais cliniques", "en": "Clinical trials"}


def test_the_clinical_trials_page_has_its_sources_and_review_line(client, language):
    response = client.get(TRIALS[language])
    html = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r"<h1[ >]", html)) == 1 and f">{TITLE[language]}</h1>" in html
    assert 'id="page-sources"' in html and "https://www.has-sante.fr/jcms/r_1500918/" in html
    assert {"fr": "relecture médicale en attente", "en": "medical review pending"}[language] in html
    other = "en" if language == "fr" else "fr"
    assert f'hreflang="{other}" href="http://testserver{TRIALS[other]}"' in html


@pytest.mark.parametrize("slug", ["car-t", "tcr-t"])
def test_the_car_t_and_tcr_t_pages_lead_to_it(client, language, slug):
    therapy = Therapy.objects.published().get(key=slug)
    with override(language):
        url = therapy.get_absolute_url()
    html = client.get(url).content.decode()
    assert f'<a href="{TRIALS[language]}">{TITLE[language]}</a>' in html


@pytest.mark.parametrize(
    ("query", "language"), [("essai", "fr"), ("accès précoce", "fr"), ("trial", "en")]
)
def test_search_finds_it(client, query, language):
    page = {"fr": "/fr/recherche/", "en": "/en/search/"}[language]
    html = client.get(page, {"q": query}).content.decode()
    results = re.findall(r'<a href="(/[^"]+)"', html[html.index('class="results') :])
    assert TRIALS[language] in results[:3], results[:5]


def test_the_sitemap_lists_it_in_both_languages(client):
    xml = client.get("/sitemap.xml").content.decode()
    for language, path in TRIALS.items():
        assert f"<loc>http://testserver{path}</loc>" in xml
        assert f'hreflang="{language}" href="http://testserver{path}"' in xml


def test_an_unknown_address_at_the_top_level_is_the_404_page_in_its_language(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_an_editor_s_change_waits_for_a_reviewer(client):
    article = Article.objects.working().get(key="clinical-trials")
    editor = User.objects.create_user("editor", password="a-long-test-password", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    publish = f"/admin/treatments/article/{article.pk}/publish/"
    assert client.post(publish).status_code == 403
    article.summary_en = "A changed summary."
    article.save()
    publishing.changed(article)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    client.logout()
    assert "A changed summary." not in client.get(TRIALS["en"]).content.decode()


def test_its_text_goes_to_translators_and_back(client, tmp_path):
    path = tmp_path / "en.po"
    po = export(path)
    entry = next(e for e in po if e.msgctxt == "article:clinical-trials:name")
    assert entry.msgid == "Les essais cliniques" and entry.msgstr == "Clinical trials"
    entry.msgstr = "Clinical trials, explained"
    po.save(str(path))
    import_po(path)
    article = Article.objects.working().get(key="clinical-trials")
    assert article.name_en == "Clinical trials, explained"
    assert article.status == Status.IN_REVIEW  # published: the change waits for review


def test_an_article_cannot_take_the_address_of_a_section(tmp_path):
    write_small_content(tmp_path)
    folder = tmp_path / "articles/trials"
    folder.mkdir(parents=True)
    (folder / "article.yaml").write_text("order: 1\ntherapies: [car-t]\nsources: [one]\n")
    for language, slug in (("fr", "traitements"), ("en", "trials")):
        front = f"name: Trials\nslug: {slug}\nsummary: Two plain sentences.\n"
        front += "key_points: |\n  - One.\n  - Two.\n  - Three.\n"
        (folder / f"{language}.md").write_text(f"---\n{front}---\n## Trials\n\nText.\n")
    with pytest.raises(ContentErrors) as error:
        read_content(tmp_path)
    assert (
        "articles/trials/fr.md, field 'slug': 'traitements' is the address of another page"
    ) in str(error.value)
