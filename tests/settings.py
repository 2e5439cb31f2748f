"""The portal's settings, with what the test run needs on top."""

import os
import re

from portal.settings import *  # noqa: F403

# The live server of the browser tests serves files straight from static/,
# without the hashed manifest that collectstatic writes.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT = None  # nothing is collected for tests; whitenoise would warn
# Each pytest-xdist worker is a process of its own, as a gunicorn worker is: one
# marker each, or a publish in one worker's tests would make another's read the
# content version again (and miscount its queries).
PAGE_CACHE_MARKER = f"{PAGE_CACHE_MARKER}-{os.environ.get('PYTEST_XDIST_WORKER', 'test')}"  # noqa: F405
# And one Redis database each (redis://host:port/N: N + 1 + the worker's number): a test
# empties the cache (FLUSHDB) as it starts.
if "LOCATION" in CACHES["default"] and "PYTEST_XDIST_WORKER" in os.environ:  # noqa: F405
    _server, _db = re.fullmatch(r"(redis://[^/]+)/?(\d*)", CACHES["default"]["LOCATION"]).groups()  # noqa: F405
    _worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    CACHES["default"]["LOCATION"] = f"{_server}/{int(_db or 0) + 1 + _worker}"  # noqa: F405
