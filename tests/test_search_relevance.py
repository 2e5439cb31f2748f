"""Search tried as patients type: without accents, with typos, in whole sentences,
in everyday words, in UK and US spelling. Each query names the page that must
be among the first three results. Runs on whichever database the run uses (CI
runs it on SQLite and on PostgreSQL)."""

import pytest

from .test_search import result_urls, search

pytestmark = pytest.mark.django_db

SIDE_FR = "/fr/effets-indesirables/"
SIDE_EN = "/en/side-effects/"

FRENCH = [
    # Full sentences, as a worried patient asks them
    ("j'ai perdu l'appétit", f"{SIDE_FR}perte-d-appetit-et-changements-du-gout/"),
    ("je n'ai plus faim", f"{SIDE_FR}perte-d-appetit-et-changements-du-gout/"),
    ("est-ce que je vais perdre mes cheveux", f"{SIDE_FR}chute-des-cheveux/"),
    ("j'ai envie de vomir après la chimio", f"{SIDE_FR}nausees-et-vomissements/"),
    ("je suis tout le temps fatigué", f"{SIDE_FR}fatigue/"),
    ("j'ai de la fièvre après ma chimio", f"{SIDE_FR}risque-d-infection/"),
    ("est-ce que je pourrai avoir des enfants après le traitement", f"{SIDE_FR}fertilite/"),
    ("je saigne du nez", f"{SIDE_FR}risque-de-saignement/"),
    ("j'ai des fourmillements dans les doigts", f"{SIDE_FR}fourmillements-et-engourdissements/"),
    ("j'ai mal à la bouche", f"{SIDE_FR}bouche-douloureuse-et-aphtes/"),
    ("je me sens déprimé", f"{SIDE_FR}moral-en-baisse-et-anxiete/"),
    ("quels sont les effets secondaires de la radiothérapie", "/fr/traitements/radiotherapie/"),
    ("comment se passe une greffe de moelle", "/fr/traitements/allogreffe-de-cellules-souches/"),
    # Everyday words for the medical term
    ("douleur au ventre", f"{SIDE_FR}diarrhee/"),
    ("mal au coeur", f"{SIDE_FR}nausees-et-vomissements/"),
    ("perte de cheveux", f"{SIDE_FR}chute-des-cheveux/"),
    ("plaquettes basses", f"{SIDE_FR}risque-de-saignement/"),
    ("globules blancs bas", f"{SIDE_FR}risque-d-infection/"),
    ("manque de globules rouges", f"{SIDE_FR}baisse-des-globules-rouges/"),
    ("des bleus sur la peau", f"{SIDE_FR}risque-de-saignement/"),
    ("caillot dans la jambe", f"{SIDE_FR}caillots-de-sang/"),
    ("peau jaune", f"{SIDE_FR}atteinte-du-foie/"),
    ("essoufflement et toux", f"{SIDE_FR}atteinte-des-poumons/"),
    ("vue trouble", f"{SIDE_FR}cataracte/"),
    ("boutons sur la peau", f"{SIDE_FR}reactions-de-la-peau/"),
    ("angoisse", f"{SIDE_FR}moral-en-baisse-et-anxiete/"),
    ("confusion après les CAR-T", f"{SIDE_FR}effets-sur-le-cerveau-apres-therapie-cellulaire/"),
    ("frissons pendant la perfusion", f"{SIDE_FR}reaction-pendant-la-perfusion/"),
    ("infection du cathéter", f"{SIDE_FR}problemes-de-catheter-central/"),
    ("maladie de Kahler", "/fr/maladies/myelome-multiple/"),
    # Without accents
    ("chimiotherapie", "/fr/traitements/chimiotherapie/"),
    ("nausees", f"{SIDE_FR}nausees-et-vomissements/"),
    ("anemie", f"{SIDE_FR}baisse-des-globules-rouges/"),
    ("therapie ciblee", "/fr/traitements/therapies-ciblees/"),
    ("leucemie myeloide chronique", "/fr/maladies/leucemie-myeloide-chronique/"),
    ("thyroide", f"{SIDE_FR}troubles-des-glandes-hormonales/"),
    ("probleme de coeur", f"{SIDE_FR}problemes-de-coeur/"),
    ("phlebite", f"{SIDE_FR}caillots-de-sang/"),
    # Typos
    ("radiotérapie", "/fr/traitements/radiotherapie/"),
    ("imunothérapie", "/fr/traitements/immunotherapie/"),
    ("fatige", f"{SIDE_FR}fatigue/"),
    ("diarhée", f"{SIDE_FR}diarrhee/"),
    ("nosées", f"{SIDE_FR}nausees-et-vomissements/"),
    ("myelom multiple", "/fr/maladies/myelome-multiple/"),
    ("lymphome de hodjkin", "/fr/maladies/lymphome-de-hodgkin/"),
    ("autogrefe", "/fr/traitements/autogreffe-de-cellules-souches/"),
    ("cellules car t", "/fr/traitements/cellules-car-t/"),
]

ENGLISH = [
    # Full sentences
    ("radiotherapy side efects", "/en/treatments/radiotherapy/"),
    ("I lost my appetite", f"{SIDE_EN}loss-of-appetite-and-taste-changes/"),
    ("will I lose my hair", f"{SIDE_EN}hair-loss/"),
    ("I feel sick after chemo", f"{SIDE_EN}nausea-and-vomiting/"),
    ("I am tired all the time", f"{SIDE_EN}fatigue/"),
    ("I have a fever after chemotherapy", f"{SIDE_EN}risk-of-infection/"),
    ("can I have children after treatment", f"{SIDE_EN}fertility/"),
    ("my nose keeps bleeding", f"{SIDE_EN}risk-of-bleeding/"),
    ("I have pins and needles in my fingers", f"{SIDE_EN}tingling-and-numbness/"),
    (
        "what happens during a bone marrow transplant",
        "/en/treatments/allogeneic-stem-cell-transplant/",
    ),
    ("stem cell transplant from a donor", "/en/treatments/allogeneic-stem-cell-transplant/"),
    ("I feel depressed", f"{SIDE_EN}low-mood-and-anxiety/"),
    # Everyday words
    ("belly pain", f"{SIDE_EN}diarrhoea/"),
    ("throwing up", f"{SIDE_EN}nausea-and-vomiting/"),
    ("tiredness", f"{SIDE_EN}fatigue/"),
    ("low platelets", f"{SIDE_EN}risk-of-bleeding/"),
    ("bruising easily", f"{SIDE_EN}risk-of-bleeding/"),
    ("low white blood cells", f"{SIDE_EN}risk-of-infection/"),
    ("mouth ulcers", f"{SIDE_EN}sore-mouth-and-ulcers/"),
    ("numbness in my feet", f"{SIDE_EN}tingling-and-numbness/"),
    ("blood clot in my leg", f"{SIDE_EN}blood-clots/"),
    ("yellow skin", f"{SIDE_EN}liver-problems/"),
    ("short of breath", f"{SIDE_EN}lung-problems/"),
    ("cloudy vision", f"{SIDE_EN}cataract/"),
    ("rash", f"{SIDE_EN}skin-reactions/"),
    ("anxiety", f"{SIDE_EN}low-mood-and-anxiety/"),
    ("confusion after CAR-T", f"{SIDE_EN}brain-effects-after-cell-therapy/"),
    ("reaction during the drip", f"{SIDE_EN}infusion-reaction/"),
    ("infected line", f"{SIDE_EN}central-line-problems/"),
    ("cytokine storm", f"{SIDE_EN}cytokine-release-syndrome/"),
    ("radiation", "/en/treatments/radiotherapy/"),
    # UK and US spellings
    ("diarrhea", f"{SIDE_EN}diarrhoea/"),
    ("anemia", f"{SIDE_EN}low-red-blood-cells/"),
    ("anaemia", f"{SIDE_EN}low-red-blood-cells/"),
    ("hemoglobin", f"{SIDE_EN}low-red-blood-cells/"),
    ("acute myeloid leukemia", "/en/diseases/acute-myeloid-leukaemia/"),
    ("chronic lymphocytic leukaemia", "/en/diseases/chronic-lymphocytic-leukaemia/"),
    ("tumor lysis syndrome", f"{SIDE_EN}tumour-lysis-syndrome/"),
    ("hodgkins lymphoma", "/en/diseases/hodgkin-lymphoma/"),
    ("hypogammaglobulinemia", f"{SIDE_EN}low-antibody-levels/"),
    # Typos
    ("imunotherapy", "/en/treatments/immunotherapy/"),
    ("chemoterapy", "/en/treatments/chemotherapy/"),
    ("diarrhoae", f"{SIDE_EN}diarrhoea/"),
    ("fatigeu", f"{SIDE_EN}fatigue/"),
    ("myelomma", "/en/diseases/multiple-myeloma/"),
    ("nausia", f"{SIDE_EN}nausea-and-vomiting/"),
    ("targetted therapy", "/en/treatments/targeted-therapies/"),
    ("thyriod", f"{SIDE_EN}hormone-gland-problems/"),
]


@pytest.mark.parametrize(("query", "expected"), FRENCH)
def test_french_queries_find_their_page_in_the_first_three(client, query, expected):
    urls = result_urls(search(client, query, "fr"))
    assert expected in urls[:3], urls[:3]


@pytest.mark.parametrize(("query", "expected"), ENGLISH)
def test_english_queries_find_their_page_in_the_first_three(client, query, expected):
    urls = result_urls(search(client, query, "en"))
    assert expected in urls[:3], urls[:3]


def test_there_are_forty_queries_or_more_per_language():
    assert len(FRENCH) >= 40 and len(ENGLISH) >= 40


@pytest.mark.parametrize(
    ("query", "language", "before", "after"),
    [
        (
            "est-ce que je vais perdre mes cheveux",
            "fr",
            f"{SIDE_FR}chute-des-cheveux/",
            "/fr/traitements/chimiotherapie/",
        ),
        ("will I lose my hair", "en", f"{SIDE_EN}hair-loss/", "/en/treatments/chemotherapy/"),
        # A treatment page before a glossary entry that merely contains the word
        (
            "cellules souches",
            "fr",
            "/fr/traitements/autogreffe-de-cellules-souches/",
            "/fr/glossaire/",
        ),
    ],
)
def test_the_page_about_it_comes_first(client, query, language, before, after):
    urls = result_urls(search(client, query, language))
    first_after = next((i for i, url in enumerate(urls) if url.startswith(after)), len(urls))
    assert urls.index(before) < first_after, urls[:5]


@pytest.mark.parametrize(
    ("query", "language", "not_first"),
    [
        ("douleur au ventre", "fr", "/fr/traitements/radiotherapie/"),
        ("belly pain", "en", "/en/treatments/radiotherapy/"),
    ],
)
def test_a_symptom_does_not_lead_to_a_treatment_first(client, query, language, not_first):
    urls = result_urls(search(client, query, language))
    assert urls and urls[0] != not_first
