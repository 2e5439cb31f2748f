"""The portal's settings, with what the test run needs on top."""

from portal.settings import *  # noqa: F403

# The live server of the browser tests serves files straight from static/,
# without the hashed manifest that collectstatic writes.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT = None  # nothing is collected for tests; whitenoise would warn
