"""An editor and a medical reviewer at work in the admin, in Chromium."""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from treatments.models import StaffProfile, Therapy
from treatments.roles import EDITORS, REVIEWERS

from .conftest import DESKTOP, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "a-long-test-password-42"


def make_staff(username, group):
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True, first_name=username)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, base, username, next_path):
    page.goto(f"{base}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_a_typo_fix_stays_offline_until_a_reviewer_reads_and_publishes_it(browser, live_server):
    make_staff("editor", EDITORS)
    reviewer = make_staff("reviewer", REVIEWERS)
    reviewer.last_name = "Martin"
    reviewer.save()
    StaffProfile.objects.create(
        user=reviewer, qualification_fr="hématologue", qualification_en="haematologist"
    )
    therapy = Therapy.objects.working().get(key="chemotherapy")
    change = f"/admin/treatments/therapy/{therapy.pk}/change/"
    public = f"{live_server.url}/en/treatments/chemotherapy/"
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    log_in(page, live_server.url, "editor", change)
    # The tabbed form: each text has a tab per language; the first group is the title.
    page.get_by_role("tab", name="en", exact=True).first.click()
    title = page.locator("#id_name_en")
    expect(title).to_be_visible()
    title.fill("Chemotherapy, explained")
    screenshot(page, "admin-editor-tabbed-form")
    page.click("input[name=_send_for_review]")
    expect(page.locator(".messagelist")).to_contain_text("Patients keep reading the published")
    # The page stays online, with the text a reviewer approved.
    page.goto(public)
    expect(page.locator("h1")).to_have_text("Chemotherapy")

    context.clear_cookies()
    log_in(page, live_server.url, "reviewer", "/admin/treatments/therapy/?status__exact=in-review")
    page.get_by_role("link", name="Chemotherapy, explained", exact=True).click()
    page.get_by_role("link", name="Changes to publish").click()
    diff = page.locator("td.diff[lang=en]").first
    expect(diff.locator("ins")).to_contain_text("explained")
    screenshot(page, "admin-reviewer-diff")
    page.get_by_role("button", name="Publish: I have reviewed this medical content").click()
    expect(page.locator(".messagelist")).to_contain_text("is published")

    page.goto(public)
    expect(page.locator("h1")).to_have_text("Chemotherapy, explained")
    expect(page.locator(".review-date").first).to_contain_text("by reviewer Martin, haematologist")
    assert not csp_errors, csp_errors
    context.close()
