import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import translation

LANGUAGES = ["fr", "en"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the portal's real content, loaded once."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)
        # Transactional tests (the browser's live server) empty the tables when
        # they end; with serialized_rollback they start again from this state.
        # Set on the class: Playwright's greenlets see other connection objects.
        for connection in connections.all(initialized_only=True):
            contents = connection.creation.serialize_db_to_string()
            type(connection)._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def reset_language():
    """No test leaks its active language into the next one."""
    yield
    translation.activate("fr")
    translation.deactivate()


@pytest.fixture(params=LANGUAGES)
def language(request):
    return request.param
