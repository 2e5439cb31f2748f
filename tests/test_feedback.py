""" "Was this page helpful?" (issue 16): answers stored without cookie, address or
token, pages still cached, floods and forged posts refused, staff see text only."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils.translation import override

from feedback.admin import spreadsheet_text
from feedback.models import Answer
from feedback.views import RATE_LIMIT, rate_key
from treatments.models import SideEffect, Therapy
from treatments.roles import EDITORS, REVIEWERS, TRANSLATORS

pytestmark = pytest.mark.django_db

THANKS = {
    "fr": "Merci\u00a0: votre réponse a bien été enregistrée.",
    "en": "Thank you: your answer has been recorded.",
}
REMINDER = {
    "fr": "N’écrivez rien de personnel ni de médical",
    "en": "Please write nothing personal or medical",
}
# Then whom to call (includes/care_team_phone.html: the ward's number once the service set it).
CALL = {
    "fr": "Pour toute question sur vos soins, appelez",
    "en": "For a question about your care, call",
}


def pages(language):
    """{kind: address} of one page of each kind, in `language`."""
    therapy = Therapy.objects.published().get(key="car-t")
    side_effect = SideEffect.objects.published().get(key="cytokine-release-syndrome")
    with override(language):
        return {
            "therapy": therapy.get_absolute_url(),
            "guide": therapy.get_side_effects_url(),
            "side-effect": side_effect.get_absolute_url(),
        }


def form_of(html):
    """(action, page) of the feedback form in a page's HTML."""
    action = re.search(r'<form method="post" action="([^"]+)">', html).group(1)
    page = re.search(r'<input type="hidden" name="page" value="([^"]+)">', html).group(1)
    return action, page


def post(client, language, data=None, **headers):
    action = "/fr/avis/" if language == "fr" else "/en/feedback/"
    values = {"page": "therapy:car-t", "helpful": "no", "comment": ""} | (data or {})
    return client.post(action, values, **headers)


def test_every_article_guide_and_side_effect_page_has_the_form_and_the_listen_button(
    client, language
):
    for kind, address in pages(language).items():
        html = client.get(address).content.decode()
        action, page = form_of(html)
        assert action == ("/fr/avis/" if language == "fr" else "/en/feedback/")
        assert page.startswith(f"{kind}:")
        assert REMINDER[language] in html and CALL[language] in html
        assert 'maxlength="500"' in html
        # No token, nothing per visitor: the page is the same for everyone (and cached).
        assert "csrfmiddlewaretoken" not in html
        # The listen controls come hidden; the script reveals them where speech exists.
        assert "<div data-listen hidden>" in html
        label = "Écouter cette page" if language == "fr" else "Listen to this page"
        assert f'<button type="button" class="button">{label}</button>' in html
        assert '<script src="/static/js/listen.js" defer></script>' in html
        assert '<script src="/static/js/feedback.js" defer></script>' in html


def test_a_post_without_javascript_stores_one_answer_and_thanks_in_the_language(client, language):
    page = pages(language)["guide"]
    response = post(
        client, language, {"page": "guide:car-t", "helpful": "yes", "comment": "Clair."}
    )
    assert response.status_code == 303
    assert response["Location"] == page + "#feedback-thanks"
    answer = Answer.objects.get()
    assert (answer.kind, answer.key, answer.language) == ("guide", "car-t", language)
    assert answer.helpful is True and answer.comment == "Clair."
    # Back on the page, the thanks is the element the anchor points to (shown by the CSS).
    html = client.get(response["Location"]).content.decode()
    assert (
        f'<p id="feedback-thanks" class="feedback__thanks" tabindex="-1">{THANKS[language]}</p>'
        in html
    )


def test_answers_older_than_the_retention_are_deleted_as_a_new_one_comes(client, settings):
    settings.FEEDBACK_RETENTION_DAYS = 30
    today = date.today()
    for age in (31, 30, 2):
        answer = Answer.objects.create(kind="therapy", key="car-t", language="fr", helpful=True)
        Answer.objects.filter(pk=answer.pk).update(day=today - timedelta(days=age))
    assert post(client, "en").status_code == 303
    kept = sorted((today - answer.day).days for answer in Answer.objects.all())
    assert kept == [0, 2, 30]  # the new answer, and those within 30 days


def test_neither_a_page_nor_an_answer_sets_a_cookie(client, language):
    for address in pages(language).values():
        response = client.get(address)
        assert response.status_code == 200
        assert not response.cookies and "Set-Cookie" not in response.headers
    response = post(client, language)
    assert response.status_code == 303
    assert not response.cookies and "Set-Cookie" not in response.headers
    assert not client.cookies


def test_the_page_is_still_served_from_the_cache_after_an_answer(client, django_assert_num_queries):
    address = pages("fr")["therapy"]
    before = client.get(address)
    assert post(client, "fr").status_code == 303
    with django_assert_num_queries(0):
        after = client.get(address)
    assert after.status_code == 200 and after.content == before.content


def test_the_21st_post_from_one_address_within_a_minute_is_refused(client, language):
    for _ in range(RATE_LIMIT):
        assert post(client, language).status_code == 303
    refused = post(client, language)
    html = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert f'<html lang="{language}">' in html
    if language == "fr":
        assert "Trop de réponses ont été envoyées depuis votre réseau" in html
    else:
        assert "Too many answers were sent from your network" in html
    assert Answer.objects.count() == RATE_LIMIT
    # Another address is not held back.
    assert post(client, language, REMOTE_ADDR="192.0.2.7").status_code == 303
    # Nothing keeps the address: not the answers, not the key of the counter.
    assert {field.name for field in Answer._meta.get_fields()} == {
        "id", "kind", "key", "language", "helpful", "comment", "day"
    }  # fmt: skip
    key = rate_key("127.0.0.1")
    assert "127.0.0.1" not in key and cache.get(key) == RATE_LIMIT + 1


def test_the_limit_counts_the_client_behind_the_trusted_proxy(client):
    for _ in range(RATE_LIMIT):
        post(client, "en", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert post(client, "en", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert post(client, "en", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 303


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://attacker.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://www.testserver"},
        {"HTTP_ORIGIN": "https://attacker.example"},  # an older browser: no Sec-Fetch-Site
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_a_post_from_another_site_is_refused(client, headers):
    response = post(client, "en", **headers)
    assert response.status_code == 403
    assert "Answers can only be sent from the pages of this site." in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver"},
        {},  # no browser
    ],
)
def test_a_post_from_this_site_is_accepted(client, headers):
    assert post(client, "fr", **headers).status_code == 303
    assert Answer.objects.count() == 1


def test_the_honeypot_is_thanked_and_nothing_is_stored(client):
    response = post(client, "fr", {"website": "https://spam.example"})
    assert response.status_code == 303
    assert not Answer.objects.exists()


def test_a_comment_counts_a_line_break_as_one_character(client):
    comment = ("a" * 98 + "\r\n") * 5  # 500 characters once line breaks are one
    assert post(client, "en", {"comment": comment}).status_code == 303
    assert Answer.objects.get().comment == (("a" * 98 + "\n") * 5).strip()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Votre commentaire fait 501 caractères\u00a0: 500 au plus, s’il vous plaît."),
        ("en", "Your comment is 501 characters long: 500 at most, please."),
    ],
)
def test_a_comment_over_500_characters_is_refused_in_the_language(client, language, message):
    response = post(
        client, language, {"page": "side-effect:cytokine-release-syndrome", "comment": "é" * 501}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    # Back to the page it came from, in the same language.
    assert f'<a href="{pages(language)["side-effect"]}">' in html
    assert not Answer.objects.exists()


@pytest.mark.parametrize("page", ["therapy:no-such-key", "glossary:car-t", "car-t", ""])
def test_an_answer_for_no_page_is_refused(client, page):
    response = post(client, "en", {"page": page})
    assert response.status_code == 400
    assert "Your answer could not be sent" in response.content.decode()
    assert not Answer.objects.exists()


def test_get_is_not_allowed(client):
    assert client.get("/en/feedback/").status_code == 405


# Staff ---------------------------------------------------------------------------------


def staff(client, group):
    user = User.objects.create_user(f"{group.lower()}-user", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def test_editors_and_reviewers_read_answers_translators_do_not(client):
    for group, allowed in [(EDITORS, True), (REVIEWERS, True), (TRANSLATORS, False)]:
        permissions = Group.objects.get(name=group).permissions
        assert (
            permissions.filter(content_type__app_label="feedback", codename="view_answer").exists()
            is allowed
        )
    answer = Answer.objects.create(kind="therapy", key="car-t", language="fr", helpful=True)
    editor = staff(client, EDITORS)
    assert editor.get("/admin/feedback/answer/").status_code == 200
    assert editor.get("/admin/feedback/answer/add/").status_code == 403
    assert editor.get(f"/admin/feedback/answer/{answer.pk}/delete/").status_code == 403
    # Read-only: the answer's page has no form that saves.
    html = editor.get(f"/admin/feedback/answer/{answer.pk}/change/").content.decode()
    assert 'name="_save"' not in html


def test_a_comment_with_markup_is_shown_to_staff_as_text(client):
    comment = '<script>alert("x")</script><b>bold</b>'
    answer = Answer.objects.create(
        kind="therapy", key="car-t", language="en", helpful=False, comment=comment
    )
    editor = staff(client, EDITORS)
    for address in ["/admin/feedback/answer/", f"/admin/feedback/answer/{answer.pk}/change/"]:
        html = editor.get(address).content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
        assert "<b>bold</b>" not in html and '<script>alert("x")' not in html


def test_staff_see_the_counts_per_page_and_language(client):
    for kind, key, language, helpful in [
        ("therapy", "car-t", "fr", True),
        ("therapy", "car-t", "fr", True),
        ("therapy", "car-t", "fr", False),
        ("therapy", "car-t", "en", False),
        ("guide", "car-t", "en", True),
    ]:
        Answer.objects.create(kind=kind, key=key, language=language, helpful=helpful)
    Answer.objects.filter(language="en", kind="therapy").update(comment="Too long.")
    html = staff(client, REVIEWERS).get("/admin/feedback/answer/").content.decode()
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>(\w+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>", html
    )
    assert rows == [
        ("guide:car-t", "en", "1", "0", "0"),
        ("therapy:car-t", "en", "0", "1", "1"),
        ("therapy:car-t", "fr", "2", "1", "0"),
    ]


def test_staff_export_the_answers_as_csv_a_spreadsheet_cannot_run(client):
    Answer.objects.create(
        kind="therapy", key="car-t", language="fr", helpful=True, comment="Très clair, merci"
    )
    Answer.objects.create(
        kind="guide", key="car-t", language="en", helpful=False, comment='=HYPERLINK("http://x")'
    )
    editor = staff(client, EDITORS)
    response = editor.post(
        "/admin/feedback/answer/",
        {
            "action": "export_csv",
            "_selected_action": list(Answer.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert [row[1:] for row in rows[1:]] == [
        ["therapy", "car-t", "fr", "yes", "Très clair, merci"],
        ["guide", "car-t", "en", "no", '\'=HYPERLINK("http://x")'],
    ]


def test_a_cell_a_spreadsheet_would_run_is_written_as_text():
    assert spreadsheet_text("-1+1") == "'-1+1"
    assert spreadsheet_text("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_text("Bien, merci") == "Bien, merci"


def test_a_staff_preview_has_the_listen_button_but_no_feedback_form(client):
    client.force_login(User.objects.create_superuser("boss", "boss@example.org", "x"))
    therapy = Therapy.objects.working().get(key="car-t")
    html = client.get(f"/admin/treatments/therapy/{therapy.pk}/preview/en/").content.decode()
    assert "Preview for staff" in html and "<div data-listen hidden>" in html
    assert "Was this page helpful?" not in html and 'name="page"' not in html
