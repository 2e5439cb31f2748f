"""Staff at work in the admin: roles, review and publication, preview, history,
export, and the cost of a treatment's change page."""

import datetime
import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from treatments.models import (
    Disease,
    GlossaryTerm,
    SideEffect,
    Status,
    SynonymGroup,
    Therapy,
)
from treatments.roles import EDITORS, REVIEWERS, TRANSLATORS

from .builders import make_reviewer, make_therapy

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


def change_url(obj):
    return f"/admin/treatments/{obj._meta.model_name}/{obj.pk}/change/"


def publish_url(obj):
    return f"/admin/treatments/{obj._meta.model_name}/{obj.pk}/publish/"


def form_data(client, obj, url=None, **changes):
    """The change form as the browser would post it back, with `changes`."""
    html = client.get(url or change_url(obj)).content.decode()
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data.setdefault(name, value)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.removeprefix("\n")
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.findall(r'<option value="([^"]*)"[^>]*selected', options)
        if selected:
            data[name] = selected if name in ("sources", "therapies") else selected[0]
    for checkbox in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]*checked', html):
        data[checkbox] = "on"
    data.update(changes)
    return data


def test_the_three_roles_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {EDITORS, REVIEWERS, TRANSLATORS}
    reviewers = Group.objects.get(name=REVIEWERS).permissions.values_list("codename", flat=True)
    editors = Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True)
    assert "publish" in reviewers and "publish" not in editors
    assert "change_therapy" in editors and "delete_therapy" not in editors


def car_t_source():
    return Therapy.objects.working().get(key="car-t").sources.order_by("key").first()


# Every kind of reviewed content: how to find it, a text to change, where patients read it.
KINDS = {
    "therapy": (lambda: Therapy.objects.working().get(key="car-t"), "summary_en",
                "/en/treatments/car-t-cell-therapy/"),
    "sideeffect": (lambda: SideEffect.objects.working().get(key="fatigue"), "summary_en",
                   "/en/side-effects/fatigue/"),
    "disease": (lambda: Disease.objects.working().get(key="multiple-myeloma"), "summary_en",
                "/en/diseases/multiple-myeloma/"),
    "glossaryterm": (lambda: GlossaryTerm.objects.working().get(key="aplasia"), "definition_en",
                     "/en/glossary/"),
    "source": (car_t_source, "title", "/en/treatments/car-t-cell-therapy/"),
    "synonymgroup": (lambda: SynonymGroup.objects.working().get(language="en", key="car-t"),
                     "terms", "/en/search/?q=zebracell"),
}  # fmt: skip
NEW_TEXT = {"terms": "CAR-T\nzebracell"}


def shows_change(kind, html):
    """Whether the public page shows the change (a search finds CAR-T by the new word)."""
    if kind == "synonymgroup":
        return 'href="/en/treatments/car-t-cell-therapy/"' in html
    return "zebracell" in html.lower()


@pytest.mark.parametrize("kind", KINDS)
def test_an_editors_change_waits_online_for_a_reviewer_to_publish_it(client, kind):
    find, field, public = KINDS[kind]
    obj = find()
    new_text = NEW_TEXT.get(field, "Zebracell wording nobody has reviewed.")
    before = client.get(public).content.decode()
    staff(client, EDITORS, "editor")
    response = client.post(change_url(obj), form_data(client, obj, **{field: new_text}))
    assert response.status_code == 302, response.content.decode()[:3000]
    obj.refresh_from_db()
    assert obj.status == Status.IN_REVIEW
    client.logout()
    after = client.get(public)
    assert after.status_code == 200 and not shows_change(kind, after.content.decode())
    if kind != "synonymgroup":
        assert after.content.decode() == before  # online, and unchanged
    # An editor cannot publish: neither the page's button nor the list's action.
    client.force_login(User.objects.get(username="editor"))
    assert client.post(publish_url(obj)).status_code == 403
    changelist = f"/admin/treatments/{kind}/"
    client.post(changelist, {"action": "publish_selected", "_selected_action": [obj.pk],
                             "confirmed": "yes"})  # fmt: skip
    client.logout()
    assert not shows_change(kind, client.get(public).content.decode())
    # The reviewer reads the change, in its language, then publishes it.
    client.force_login(make_reviewer())
    review = client.get(publish_url(obj)).content.decode()
    assert "<ins>" in review and "zebracell" in review.lower()
    assert client.post(publish_url(obj)).status_code == 302
    client.logout()
    assert shows_change(kind, client.get(public).content.decode())
    obj.refresh_from_db()
    assert obj.status == Status.PUBLISHED


def test_the_reviewer_sees_both_languages_and_the_rows_that_change(client):
    therapy = make_therapy(steps=2)
    therapy.name_fr, therapy.name_en = "Nouveau nom", "New name"
    therapy.save()
    step = therapy.steps.get(key="step-1")
    step.title_en = "A renamed step"
    step.save()
    client.force_login(make_reviewer())
    html = client.get(publish_url(therapy)).content.decode()
    assert '<td class="diff" lang="fr">' in html and '<td class="diff" lang="en">' in html
    assert "<ins>Nouveau" in html and "<ins>New" in html
    assert "renamed" in html and "(changed)" in html.replace("(modifié)", "(changed)")


def test_publishing_names_the_reviewer_and_their_qualification(client):
    therapy = make_therapy(status=Status.IN_REVIEW)
    assert client.get(f"/en/treatments/{therapy.slug_en}/").status_code == 404
    client.force_login(make_reviewer())
    client.post(
        "/admin/treatments/therapy/",
        {"action": "publish_selected", "_selected_action": [therapy.pk], "confirmed": "yes"},
    )
    therapy.refresh_from_db()
    today = timezone.localdate()
    assert therapy.status == Status.PUBLISHED and therapy.reviewed_on == today
    assert therapy.reviewed_by.get_full_name() == "Jeanne Martin"
    assert therapy.next_review_due == today + datetime.timedelta(days=365)
    client.logout()
    html = client.get(f"/en/treatments/{therapy.slug_en}/").content.decode()
    assert f'<time datetime="{today:%Y-%m-%d}">' in html
    assert "by Jeanne Martin, haematologist." in html
    french = client.get(f"/fr/traitements/{therapy.slug_fr}/").content.decode()
    assert "par Jeanne Martin, hématologue" in french
    assert '"reviewedBy": {"@type": "Person", "name": "Jeanne Martin"' in html


def test_the_bulk_action_shows_the_changes_before_publishing(client):
    therapy = make_therapy(status=Status.IN_REVIEW)
    client.force_login(make_reviewer())
    response = client.post(
        "/admin/treatments/therapy/",
        {"action": "publish_selected", "_selected_action": [therapy.pk]},
    )
    assert response.status_code == 200
    assert "pas encore sur le site" in response.content.decode()  # the admin is in French here
    therapy.refresh_from_db()
    assert therapy.status == Status.IN_REVIEW and therapy.live_version is None


def test_a_reviewer_without_a_qualification_cannot_sign_a_review(client):
    therapy = make_therapy(status=Status.IN_REVIEW)
    staff(client, REVIEWERS, "anonymous")
    html = client.get(publish_url(therapy)).content.decode()
    assert "needs a full name and a qualification" in html
    client.post(publish_url(therapy))
    therapy.refresh_from_db()
    assert therapy.live_version is None


def test_pages_never_reviewed_say_so(client, language):
    html = client.get(
        "/fr/traitements/cellules-car-t/"
        if language == "fr"
        else "/en/treatments/car-t-cell-therapy/"
    ).content.decode()
    pending = {
        "fr": "Rédigé par l’équipe éditoriale à partir des sources citées ; "
        "relecture médicale en attente.",
        "en": "Written by the editorial team from the sources cited; medical review pending.",
    }[language]
    assert pending in html.replace("\u202f", " ").replace("\u00a0", " ")
    assert "reviewedBy" not in html and "Hémato-Info." not in html


def test_a_translator_sees_only_texts_and_their_change_waits_for_review(client):
    therapy = make_therapy()
    staff(client, TRANSLATORS, "translator")
    html = client.get(change_url(therapy)).content.decode()
    assert 'name="name_en"' in html and 'name="body_fr"' in html
    for hidden in ('name="status"', 'name="sources"', 'name="family"', 'name="order"'):
        assert hidden not in html
    data = form_data(client, therapy, name_en="Better English title")
    assert client.post(change_url(therapy), data).status_code == 302
    therapy.refresh_from_db()
    assert therapy.name_en == "Better English title" and therapy.family == "conventional"
    assert therapy.status == Status.IN_REVIEW
    client.logout()
    assert (
        "Better English title"
        not in client.get(f"/en/treatments/{therapy.slug_en}/").content.decode()
    )


def test_view_only_staff_save_nothing_through_any_form(client):
    source = car_t_source()
    staff(client, TRANSLATORS, "translator")
    data = form_data(client, source, title="A hijacked title", url="https://evil.example/")
    assert client.post(change_url(source), data).status_code == 403
    first = source.history.earliest()
    history_form = f"/admin/treatments/source/{source.pk}/history/{first.history_id}/"
    assert client.post(history_form, data).status_code == 403
    source.refresh_from_db()
    assert source.title != "A hijacked title"


@pytest.mark.parametrize("group", [EDITORS, TRANSLATORS])
def test_history_revert_makes_an_old_version_the_working_version_only(client, group):
    reviewer = make_reviewer()
    therapy = make_therapy(summary_en="The first summary.", reviewer=reviewer)
    staff(client, EDITORS, "writer")
    data = form_data(client, therapy, summary_en="The second summary.")
    assert client.post(change_url(therapy), data).status_code == 302
    client.force_login(reviewer)
    assert client.post(publish_url(therapy)).status_code == 302
    public = f"/en/treatments/{therapy.slug_en}/"
    assert "The second summary." in client.get(public).content.decode()
    staff(client, group, "reverter")
    history = client.get(f"/admin/treatments/therapy/{therapy.pk}/history/").content.decode()
    assert re.search(
        r"\[en\]:</strong>\s*The first summary\.\s*&nbsp;&rarr;&nbsp;&nbsp;The second summary\.",
        history,
    )
    first = therapy.history.filter(summary_en="The first summary.").earliest()
    revert = f"/admin/treatments/therapy/{therapy.pk}/history/{first.history_id}/"
    data = form_data(client, therapy, url=revert, summary_en="The first summary, typed anew.")
    assert client.post(revert, data).status_code == 302
    therapy.refresh_from_db()
    assert therapy.summary_en == "The first summary, typed anew."
    assert therapy.status == Status.IN_REVIEW and therapy.reviewed_by == reviewer
    client.logout()
    html = client.get(public).content.decode()
    assert "The second summary." in html and "typed anew" not in html
    assert "by Jeanne Martin, haematologist." in html


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


def test_withdrawing_takes_a_page_off_the_site_and_keeps_its_text(client):
    therapy = make_therapy()
    client.force_login(make_reviewer())
    client.post(
        "/admin/treatments/therapy/",
        {"action": "withdraw", "_selected_action": [therapy.pk]},
    )
    therapy.refresh_from_db()
    assert therapy.status == Status.DRAFT and therapy.name_en
    client.logout()
    assert client.get(f"/en/treatments/{therapy.slug_en}/").status_code == 404


def test_export_then_load_writes_nothing(tmp_path):
    call_command("export_content", "--path", str(tmp_path), stdout=StringIO())
    out = StringIO()
    call_command("load_content", "--path", str(tmp_path), stdout=out)
    assert "Content already up to date" in out.getvalue()


def test_loading_then_exporting_changes_no_byte_of_the_content(tmp_path):
    """Staff who export their edits see in git only what they changed."""
    call_command("export_content", "--path", str(tmp_path), stdout=StringIO())
    exported = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    written = {
        p.relative_to(settings.CONTENT_DIR)
        for p in settings.CONTENT_DIR.rglob("*")
        if p.is_file() and p.name != "README.md"
    }
    assert exported == written
    changed = [
        str(name)
        for name in sorted(written)
        if (tmp_path / name).read_bytes() != (settings.CONTENT_DIR / name).read_bytes()
    ]
    assert changed == []


def test_the_admin_is_not_for_search_engines(client):
    html = client.get("/admin/login/").content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html


@pytest.mark.parametrize(("steps", "rows"), [(2, 3), (10, 20)])
def test_a_change_page_costs_the_same_queries_whatever_its_rows(
    client, django_assert_max_num_queries, steps, rows
):
    therapy = make_therapy(steps=steps, side_effects=rows, sources=3)
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "x"))
    # Once, so that the process's caches (content types) are filled, as in a server
    # that has served a page: the test then does not depend on which tests ran before.
    assert client.get(change_url(therapy)).status_code == 200
    with django_assert_max_num_queries(12):  # 11 measured, whatever the rows
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


def test_a_withdrawn_side_effect_disease_or_glossary_term_is_shown_nowhere(client):
    from treatments.publishing import withdraw

    withdraw(SideEffect.objects.working().get(key="fatigue"))
    assert client.get("/en/side-effects/fatigue/").status_code == 404
    guide = client.get("/en/treatments/chemotherapy/side-effects/").content.decode()
    assert 'id="page-effect-fatigue"' not in guide
    withdraw(Disease.objects.working().get(key="multiple-myeloma"))
    assert client.get("/en/diseases/multiple-myeloma/").status_code == 404
    withdraw(GlossaryTerm.objects.working().get(key="aplasia"))
    assert 'id="aplasia"' not in client.get("/en/glossary/").content.decode()
    article = client.get("/en/treatments/allogeneic-stem-cell-transplant/").content.decode()
    assert "/en/glossary/#aplasia" not in article


@pytest.mark.parametrize(
    ("model", "key", "text"),
    [("sideeffect", "fatigue", "Fatigue"), ("disease", "multiple-myeloma", "Multiple myeloma")],
)
def test_drafts_of_every_page_kind_can_be_previewed(client, model, key, text):
    from django.apps import apps

    from treatments.publishing import withdraw

    page = apps.get_model("treatments", model).objects.working().get(key=key)
    withdraw(page)
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


def test_a_text_too_long_is_refused_in_the_admin_with_a_message(client):
    therapy = make_therapy()
    staff(client, EDITORS, "editor")
    data = form_data(client, therapy, summary_en="word " * 41_000)
    response = client.post(change_url(therapy), data)
    assert response.status_code == 200
    assert "a text can have at most 200,000" in response.content.decode()
    therapy.refresh_from_db()
    assert therapy.summary_en == "A summary in English."
