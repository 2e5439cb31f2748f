"""An editor and a medical reviewer at work in the admin, in Chromium."""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from treatments.models import Therapy
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


def test_an_edit_reaches_the_english_page_once_a_reviewer_publishes(browser, live_server):
    make_staff("editor", EDITORS)
    make_staff("reviewer", REVIEWERS)
    therapy = Therapy.objects.get(key="chemotherapy")
    change = f"/admin/treatments/therapy/{therapy.pk}/change/"
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
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("sent for medical review")
    page.goto(f"{live_server.url}/en/treatments/chemotherapy/")
    expect(page.locator("h1")).to_have_text("Page not found")  # off the site while in review

    context.clear_cookies()
    log_in(page, live_server.url, "reviewer", "/admin/treatments/therapy/?status__exact=in-review")
    page.locator(f"input[name=_selected_action][value='{therapy.pk}']").check()
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("1 page published")

    page.goto(f"{live_server.url}/en/treatments/chemotherapy/")
    expect(page.locator("h1")).to_have_text("Chemotherapy, explained")
    expect(page.locator(".review-date").first).to_contain_text("by reviewer")
    assert not csp_errors, csp_errors
    context.close()
