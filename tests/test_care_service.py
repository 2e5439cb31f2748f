"""The service's contact details: set by the hospital, reviewed like a page,
shown as tel: links where a patient needs them; an honest fallback otherwise."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

from treatments.content import ContentErrors, export_content, read_content, write_content
from treatments.models import CareService, Status
from treatments.roles import EDITORS

from .builders import created, make_reviewer
from .small_content import write_small_content

pytestmark = pytest.mark.django_db

NUMBERS = {"ward_phone": "01 42 16 00 00", "day_hospital_phone": "01.42.16.00.01"}


def make_service(status=Status.PUBLISHED, **fields):
    values = {
        "name_fr": "Service d’hématologie clinique",
        "name_en": "Clinical haematology department",
        "address_fr": "Bâtiment Médecine, 3e étage",
        "address_en": "Medicine building, 3rd floor",
        "day_hospital_hours_fr": "du lundi au vendredi, de 8 h à 18 h",
        "day_hospital_hours_en": "Monday to Friday, 8 am to 6 pm",
        **NUMBERS,
    }
    return created(CareService(**{**values, **fields}), status)


PAGES = {
    "fr": ["/fr/", "/fr/traitements/cellules-car-t/", "/fr/effets-indesirables/"],
    "en": ["/en/", "/en/treatments/car-t-cell-therapy/", "/en/side-effects/"],
}
FALLBACK = {
    "fr": "Gardez toujours sur vous le numéro de téléphone de votre équipe soignante",
    "en": "Keep your care team's 24-hour phone number with you at all times.",
}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_without_contact_details_pages_point_to_the_discharge_letter(client, language):
    for url in PAGES[language]:
        html = page(client, url)
        assert FALLBACK[language] in html.replace("&#x27;", "'").replace("\u2019", "'"), url
        assert "tel:" not in html
    contact = page(client, f"/{language}/contact/")
    assert {"fr": "lettre de sortie", "en": "discharge letter"}[language] in contact
    assert "MedicalOrganization" not in contact


def test_numbers_set_by_the_service_are_tel_links_in_every_warning_box(client, language):
    make_service()
    for url in PAGES[language]:
        html = page(client, url)
        box = html[html.index('class="urgent"') :]
        assert 'href="tel:0142160000">01 42 16 00 00</a>' in box, url
        assert 'href="tel:0142160001">01.42.16.00.01</a>' in box
        assert {"fr": "du lundi au vendredi", "en": "Monday to Friday"}[language] in box


def test_the_contact_page_gives_every_number_and_tells_search_engines(client, language):
    make_service(switchboard_phone="+33 1 42 16 00 02", after_hours_en="Call the ward.",
                 after_hours_fr="Appelez le service.")  # fmt: skip
    html = page(client, f"/{language}/contact/")
    name = {"fr": "Service d’hématologie clinique", "en": "Clinical haematology department"}
    assert f'<h2 id="contact-service">{name[language]}</h2>' in html
    assert 'href="tel:+33142160002"' in html
    assert {"fr": "Appelez le service.", "en": "Call the ward."}[language] in html
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html).group(1))
    assert data["@type"] == "MedicalOrganization" and data["telephone"] == "01 42 16 00 00"
    assert len(data["contactPoint"]) == 3


def test_the_printed_guide_carries_the_wards_number(client):
    make_service()
    html = page(client, "/en/treatments/car-t-cell-therapy/side-effects/")
    header = html[html.index("print-header") :]
    assert "01 42 16 00 00 (Clinical haematology department)" in header[:600]


def test_numbers_not_yet_published_never_show(client):
    make_service(status=Status.IN_REVIEW)
    assert "tel:" not in page(client, "/en/")


def test_an_editor_cannot_publish_numbers_and_a_change_waits_for_review(client):
    service = make_service()
    editor = User.objects.create_user("editor", password="a-long-test-password", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    change = f"/admin/treatments/careservice/{service.pk}/change/"
    html = client.get(change).content.decode()
    assert 'name="ward_phone"' in html
    data = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
    }
    data["ward_phone"] = "01 99 99 99 99"
    assert client.post(change, data).status_code == 302
    service.refresh_from_db()
    assert service.ward_phone == "01 99 99 99 99" and service.status == Status.IN_REVIEW
    publish = f"/admin/treatments/careservice/{service.pk}/publish/"
    assert client.post(publish).status_code == 403
    client.logout()
    assert "tel:0142160000" in page(client, "/en/")  # the reviewed number stays online
    client.force_login(make_reviewer())
    assert client.post(publish).status_code == 302
    client.logout()
    assert "tel:0199999999" in page(client, "/en/")


def test_the_admin_refuses_a_number_that_is_not_one(client):
    service = make_service()
    client.force_login(make_reviewer())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin follows the browser
    change = f"/admin/treatments/careservice/{service.pk}/change/"
    html = client.get(change).content.decode()
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    data["ward_phone"] = "<script>alert(1)</script>"
    response = client.post(change, data)
    assert response.status_code == 200
    assert "Write a phone number with digits" in response.content.decode()


def service_files(folder: Path, ward="01 42 16 00 00"):
    (folder / "service").mkdir()
    (folder / "service/service.yaml").write_text(f"ward_phone: {ward}\n")
    (folder / "service/fr.yaml").write_text("name: Service d’hématologie\n")
    (folder / "service/en.yaml").write_text("name: Haematology department\n")


def test_content_files_set_the_numbers_and_export_them_unchanged(tmp_path):
    write_small_content(tmp_path)
    service_files(tmp_path)
    write_content(read_content(tmp_path))
    service = CareService.objects.working().get()
    assert service.ward_phone == "01 42 16 00 00" and service.live_version is not None
    out = tmp_path / "export"
    export_content(out)
    assert (out / "service/service.yaml").read_text() == "ward_phone: 01 42 16 00 00\n"
    assert (out / "service/en.yaml").read_text() == "name: Haematology department\n"


def test_the_loader_names_the_file_line_and_field_of_a_wrong_number(tmp_path):
    write_small_content(tmp_path)
    service_files(tmp_path, ward="call us")
    with pytest.raises(ContentErrors) as error:
        read_content(tmp_path)
    message = "service/service.yaml, line 1, field 'ward_phone': 'call us' is not a phone number"
    assert message in str(error.value)


def test_no_phone_number_is_written_in_a_template():
    """Numbers come from the service's details; only the national ones are written."""
    national = {"15", "112", "114", "3114"}
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"tel:\+?\d", text), path
        for number in re.findall(r"(?<![\w.#-])\+?\d[\d .]{5,}\d(?![\w-])", text):
            assert number.replace(" ", "") in national, (path, number)


def test_every_warning_box_of_the_site_gives_the_ward_s_number(client):
    make_service()
    xml = client.get("/sitemap.xml").content.decode()
    boxes = 0
    for url in re.findall(r"<loc>http://testserver([^<]+)</loc>", xml):
        html = page(client, url)
        if url in ("/fr/contact/", "/en/contact/"):  # the numbers are the page, above its box
            assert 'href="tel:0142160000"' in html
            continue
        for box in re.findall(r'<aside class="urgent".*?</aside>', html, re.S):
            assert 'href="tel:0142160000"' in box, url
            boxes += 1
    assert boxes > 100  # home, lists, treatments, guides, side effects, diseases, articles


def test_whom_to_call_ends_its_sentence_without_a_stray_space(client, language):
    """The full stop follows the words ("…or booklet)." and "…00 00."), with or
    without the service's number."""
    url = {"fr": "/fr/que-faire/", "en": "/en/what-to-do/"}[language]
    closing = {"fr": "votre livret).", "en": "or booklet)."}[language]
    html = page(client, url)
    assert closing in html and not re.search(r"livret\)\s+\.|booklet\)\s+\.", html)
    make_service()
    html = page(client, url + "?symptom=fever")
    assert "01 42 16 00 00</a>." in html and not re.search(r"</a>\s+\.", html)
