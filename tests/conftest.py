import os
import sqlite3
from datetime import timedelta

import pytest
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from treatments import cache as page_cache
from treatments import search
from treatments.models import ContentChange, FigureFile, ImportRecord, content_models

LANGUAGES = ["fr", "en"]

# Property-based tests (Hypothesis). In the suite: a short run, the same examples every
# time, nothing written to disk. HYPOTHESIS_PROFILE=thorough searches far longer, at
# random, and keeps what it found in .hypothesis/ (git-ignored). The deadline is the
# time bound of one example (a few milliseconds are usual): a blow-up, not a speed test.
hypothesis_settings.register_profile(
    "suite", max_examples=60, derandomize=True, database=None, deadline=timedelta(seconds=2)
)
hypothesis_settings.register_profile("thorough", max_examples=5_000, deadline=timedelta(seconds=2))
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

# The loaded content (a copy of the SQLite database, or the rows serialized):
# transactional tests (the browser's live server) empty the tables when they end
# and start again from it.
CONTENT_SNAPSHOT = {}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last: their live server needs transactional tests, which
    empty the tables when they end. (pytest-django orders transactional tests
    last, but pytest's grouping by the browser parameter can undo it.)"""
    items.sort(key=lambda item: "browser" in item.path.parts)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the portal's real content, loaded once."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)
        if connection.vendor == "sqlite":
            # SQLite copies a whole database in milliseconds, where saving every
            # object again takes seconds: a copy of the test database as loaded.
            connection.ensure_connection()
            CONTENT_SNAPSHOT["sqlite"] = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(CONTENT_SNAPSHOT["sqlite"])
        else:
            objects = [
                instance
                for model in (FigureFile, *content_models(), ImportRecord, ContentChange)
                for instance in model.objects.order_by("pk")
            ]
            CONTENT_SNAPSHOT["json"] = serializers.serialize("json", objects)
        # Once, after the snapshot (which must not say the index is built): a test
        # that changes content rebuilds it in its own transaction.
        search.ensure_index()


@pytest.fixture
def portal_content(transactional_db):
    """The portal's content in a transactional test's database (saving by
    primary key: rows still there are overwritten, missing ones inserted).

    Not serialized_rollback: Django keeps its snapshot on the connection
    object, and under Playwright's event loop the test gets another one."""
    if "sqlite" in CONTENT_SNAPSHOT:
        connection.ensure_connection()
        CONTENT_SNAPSHOT["sqlite"].backup(connection.connection)
        return
    models = set()
    with transaction.atomic(), connection.constraint_checks_disabled():
        for deserialized in serializers.deserialize("json", CONTENT_SNAPSHOT["json"]):
            deserialized.save()
            models.add(type(deserialized.object))
    # Rows saved with their primary keys leave PostgreSQL's sequences behind (a flush
    # may have restarted them): move them past those rows, as loaddata does.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached page, and a page cache that saw no failure."""
    cache.clear()
    page_cache.reset()


@pytest.fixture(autouse=True)
def reset_language():
    """No test leaks its active language into the next one."""
    yield
    translation.activate("fr")
    translation.deactivate()


@pytest.fixture(params=LANGUAGES)
def language(request):
    return request.param
