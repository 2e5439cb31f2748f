"""Staff at work in the admin: roles, review and publication, preview, history,
export, and the cost of a treatment's change page."""

import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from treatments.models import Status
from treatments.roles import EDITORS, REVIEWERS, TRANSLATORS

from .builders import make_therapy

pytestmark = pytest.mark.django_db


def staff(client, group, username):
    user = User.objects.create_user(
        username,
        password="a-long-test-password",
        is_staff=True,
        first_name="Dr",
        last_name=username,
    )
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin follows the browser
    return user


def change_url(therapy):
    return f"/admin/treatments/therapy/{therapy.pk}/change/"


def form_data(client, therapy, **changes):
    """The change form as the browser would post it back, with `changes`."""
    html = client.get(change_url(therapy)).content.decode()
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data.setdefault(name, value)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.removeprefix("\n")
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.findall(r'<option value="([^"]*)"[^>]*selected', options)
        if selected:
            data[name] = selected if name in ("sources",) else selected[0]
    for checkbox in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]*checked', html):
        data[checkbox] = "on"
    data.update(changes)
    return data


def test_the_three_roles_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {EDITORS, REVIEWERS, TRANSLATORS}
    reviewers = Group.objects.get(name=REVIEWERS).permissions.values_list("codename", flat=True)
    editors = Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True)
    assert "publish_therapy" in reviewers and "publish_therapy" not in editors
    assert "change_therapy" in editors


def test_an_editor_cannot_publish(client):
    draft = make_therapy(status=Status.DRAFT)
    staff(client, EDITORS, "editor")
    response = client.post(change_url(draft), form_data(client, draft, status="published"))
    assert response.status_code == 200  # the form comes back with an error
    assert "Select a valid choice" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    # Nor through the list's actions.
    response = client.post(
        "/admin/treatments/therapy/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_an_editor_submits_for_review(client):
    draft = make_therapy(status=Status.DRAFT)
    staff(client, EDITORS, "editor")
    client.post(
        "/admin/treatments/therapy/",
        {"action": "submit_for_review", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW


def test_a_reviewer_publishes_and_the_public_page_names_them(client):
    therapy = make_therapy(status=Status.IN_REVIEW, reviewed_on=None, reviewed_by="")
    staff(client, REVIEWERS, "Martin")
    client.post(
        "/admin/treatments/therapy/", {"action": "publish", "_selected_action": [therapy.pk]}
    )
    therapy.refresh_from_db()
    today = timezone.localdate()
    assert therapy.status == Status.PUBLISHED
    assert therapy.reviewed_on == today and therapy.reviewed_by == "Dr Martin"
    assert therapy.next_review_due == today + datetime.timedelta(days=365)
    client.logout()
    html = client.get(f"/en/treatments/{therapy.slug_en}/").content.decode()
    assert f'<time datetime="{today:%Y-%m-%d}">' in html and "by Dr Martin" in html


def test_an_editor_changing_a_published_page_sends_it_back_to_review(client):
    therapy = make_therapy()
    staff(client, EDITORS, "editor")
    data = form_data(client, therapy, name_en="A changed title", status="in-review")
    response = client.post(change_url(therapy), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    therapy.refresh_from_db()
    assert therapy.name_en == "A changed title" and therapy.status == Status.IN_REVIEW
    client.logout()
    assert client.get(f"/en/treatments/{therapy.slug_en}/").status_code == 404


def test_a_translator_sees_only_texts(client):
    therapy = make_therapy()
    staff(client, TRANSLATORS, "translator")
    html = client.get(change_url(therapy)).content.decode()
    assert 'name="name_en"' in html and 'name="body_fr"' in html
    for hidden in ('name="status"', 'name="sources"', 'name="family"', 'name="order"'):
        assert hidden not in html
    data = form_data(client, therapy, name_en="Better English title")
    assert client.post(change_url(therapy), data).status_code == 302
    therapy.refresh_from_db()
    assert therapy.name_en == "Better English title"
    assert therapy.family == "conventional"


def test_a_draft_is_a_404_for_the_public_and_previewed_for_staff(client):
    draft = make_therapy(status=Status.DRAFT, body_en="## Draft\n\nA *draft* text.")
    assert client.get(f"/en/treatments/{draft.slug_en}/").status_code == 404
    preview = f"/admin/treatments/therapy/{draft.pk}/preview/en/"
    assert client.get(preview).status_code == 302  # to the login page
    staff(client, EDITORS, "editor")
    response = client.get(preview)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<em>draft</em>" in html and "Preview for staff" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    french = client.get(f"/admin/treatments/therapy/{draft.pk}/preview/fr/").content.decode()
    assert '<html lang="fr">' in french and draft.name_fr in french


def test_history_lists_versions_and_a_revert_brings_the_old_text_back(client):
    therapy = make_therapy(summary_en="The first summary.")
    reviewer = staff(client, REVIEWERS, "reviewer")
    data = form_data(client, therapy, summary_en="The second summary.")
    assert client.post(change_url(therapy), data).status_code == 302
    history = client.get(f"/admin/treatments/therapy/{therapy.pk}/history/").content.decode()
    # Each version with its author and a readable diff: field, old → new.
    assert re.search(
        r"\[en\]:</strong>\s*The first summary\.\s*&nbsp;&rarr;&nbsp;&nbsp;The second summary\.",
        history,
    )
    assert reviewer.username in history
    first = therapy.history.earliest()
    revert = f"/admin/treatments/therapy/{therapy.pk}/history/{first.history_id}/"
    assert client.get(revert).status_code == 200
    data = form_data(client, therapy)
    client.post(revert, {**data, "summary_en": "The first summary."})
    therapy.refresh_from_db()
    assert therapy.summary_en == "The first summary."


def test_export_then_load_writes_nothing(tmp_path):
    call_command("export_content", "--path", str(tmp_path), stdout=StringIO())
    out = StringIO()
    call_command("load_content", "--path", str(tmp_path), stdout=out)
    assert "Content already up to date" in out.getvalue()


def test_the_admin_is_not_for_search_engines(client):
    html = client.get("/admin/login/").content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html


@pytest.mark.parametrize(("steps", "rows"), [(2, 3), (10, 20)])
def test_a_change_page_costs_the_same_queries_whatever_its_rows(
    client, django_assert_max_num_queries, steps, rows
):
    therapy = make_therapy(steps=steps, side_effects=rows, sources=3)
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "x"))
    with django_assert_max_num_queries(12):  # 10 measured, whatever the rows
        assert client.get(change_url(therapy)).status_code == 200


def test_repeated_failed_logins_lock_the_account(client):
    User.objects.create_user("nurse", password="the-right-password-1", is_staff=True)
    for _attempt in range(5):
        client.post("/admin/login/", {"username": "nurse", "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": "nurse", "password": "the-right-password-1"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_side_effects_diseases_and_glossary_terms_go_through_review_too(client):
    from treatments.models import Disease, GlossaryTerm, SideEffect

    fatigue = SideEffect.objects.get(key="fatigue")
    staff(client, EDITORS, "editor")
    url = f"/admin/treatments/sideeffect/{fatigue.pk}/change/"
    html = client.get(url).content.decode()
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data.setdefault(name, value)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.removeprefix("\n")
    data["sources"] = [str(pk) for pk in fatigue.sources.values_list("pk", flat=True)]
    data["summary_en"] = "Unreviewed wording."
    assert client.post(url, data).status_code == 302
    fatigue.refresh_from_db()
    assert fatigue.status == Status.IN_REVIEW
    client.logout()
    assert client.get("/en/side-effects/fatigue/").status_code == 404
    guide = client.get("/en/treatments/chemotherapy/side-effects/").content.decode()
    assert 'id="page-effect-fatigue"' not in guide and "Unreviewed wording." not in guide
    # A draft disease or glossary term is not shown either.
    Disease.objects.filter(key="multiple-myeloma").update(status=Status.DRAFT)
    assert client.get("/en/diseases/multiple-myeloma/").status_code == 404
    GlossaryTerm.objects.filter(key="aplasia").update(status=Status.DRAFT)
    assert 'id="aplasia"' not in client.get("/en/glossary/").content.decode()


@pytest.mark.parametrize(
    ("model", "key", "text"),
    [("sideeffect", "fatigue", "Fatigue"), ("disease", "multiple-myeloma", "Multiple myeloma")],
)
def test_drafts_of_every_page_kind_can_be_previewed(client, model, key, text):
    from django.apps import apps

    page = apps.get_model("treatments", model).objects.get(key=key)
    page.status = Status.DRAFT
    page.save()
    assert client.get(page.get_absolute_url()).status_code == 404
    staff(client, EDITORS, "editor")
    change = client.get(f"/admin/treatments/{model}/{page.pk}/change/").content.decode()
    preview = f"/admin/treatments/{model}/{page.pk}/preview/en/"
    assert f'href="{preview}"' in change
    html = client.get(preview).content.decode()
    assert "Preview for staff" in html and text in html


def test_a_preview_in_an_unknown_language_is_a_404(client):
    therapy = make_therapy(status=Status.DRAFT)
    staff(client, EDITORS, "editor")
    assert client.get(f"/admin/treatments/therapy/{therapy.pk}/preview/de/").status_code == 404
    assert client.get("/admin/treatments/therapy/999999/preview/fr/").status_code == 404
