"""The interface catalogues are in step with the code, and French is complete.

makemessages runs on a copy of the project (it writes into every locale/
folder under the current directory, so it cannot run on the real one), with
the options of `make messages`; the refreshed copy must hold the same entries
as locale/*/LC_MESSAGES/django.po.
"""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from content_translation.status import INTERFACE_SOURCE_LANGUAGE, catalogue_status

PROJECT = Path(settings.BASE_DIR)
LOCALES = [code for code, _name in settings.LANGUAGES]
# As in the Makefile's `messages` target.
IGNORED = [".venv", "staticfiles", "tests"]
NOT_COPIED = shutil.ignore_patterns(
    *IGNORED, ".git", "content", "*.sqlite3", "__pycache__", "*.mo", "*.egg-info", ".*cache"
)


def entries(path: Path) -> set[tuple]:
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural)
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    }


def catalogue(root: Path, language: str) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> Path:
    """A copy of the project whose catalogues makemessages has just refreshed."""
    copy = tmp_path_factory.mktemp("catalogue") / "project"
    shutil.copytree(PROJECT, copy, ignore=NOT_COPIED)
    here = Path.cwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command(
                "makemessages",
                locale=LOCALES,
                no_obsolete=True,
                add_location="file",
                ignore_patterns=IGNORED,
                verbosity=0,
            )
    finally:
        os.chdir(here)
    return copy


def describe(missing: set[tuple]) -> str:
    return "\n".join(
        f"  {msgid!r}" + (f" (context {context!r})" if context else "")
        for context, msgid, _plural in sorted(missing, key=lambda entry: entry[1])
    )


@pytest.mark.parametrize("language", LOCALES)
def test_every_string_of_the_code_is_in_the_catalogue(refreshed, language):
    missing = entries(catalogue(refreshed, language)) - entries(catalogue(PROJECT, language))
    assert not missing, (
        f"{len(missing)} strings of the templates or code are not in "
        f"locale/{language}/LC_MESSAGES/django.po (run `make messages`):\n{describe(missing)}"
    )


@pytest.mark.parametrize("language", LOCALES)
def test_the_catalogue_holds_no_string_the_code_no_longer_uses(refreshed, language):
    stale = entries(catalogue(PROJECT, language)) - entries(catalogue(refreshed, language))
    assert not stale, (
        f"{len(stale)} entries of locale/{language}/LC_MESSAGES/django.po are no longer "
        f"in the code (run `make messages`):\n{describe(stale)}"
    )


@pytest.mark.parametrize(
    "language", [code for code in LOCALES if code != INTERFACE_SOURCE_LANGUAGE]
)
def test_every_interface_string_is_translated(language):
    """msgids are English; every other language translates them all, none fuzzy."""
    status = catalogue_status(language)
    assert status.total, f"locale/{language}/LC_MESSAGES/django.po is missing or empty"
    problems = [f"  fuzzy: {msgid!r}" for msgid in status.fuzzy] + [
        f"  untranslated: {msgid!r}" for msgid in status.missing
    ]
    assert not problems, f"locale/{language}/LC_MESSAGES/django.po:\n" + "\n".join(problems)
