"""Chromium through Playwright, against the live server.

The browser is Debian's Chromium (`playwright install` cannot download one
here). Without it these tests skip, except under CI, where .ci/run installs it
and a missing browser is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

# The live server and the test share the database from Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session", autouse=True)
def _chromium():
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but Chromium is missing at {CHROMIUM}: .ci/run must install it")
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(autouse=True)
def _content(portal_content):
    """Every browser test reads the portal's real content."""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }  # fmt: skip


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
