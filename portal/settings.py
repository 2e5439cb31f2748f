"""Settings of the Hémato-Info portal, read from the environment.

| variable               | default                                   |
| ---------------------- | ----------------------------------------- |
| DJANGO_DEBUG           | off ("1", "true", "yes" or "on" to enable) |
| DJANGO_SECRET_KEY      | an insecure development key                |
| DJANGO_ALLOWED_HOSTS   | 127.0.0.1,localhost (comma-separated)      |
| DATABASE_URL           | sqlite:///<project>/db.sqlite3             |
| REDIS_URL              | none: Django's local-memory cache          |
| DJANGO_HTTPS           | off ("1" behind HTTPS: HSTS, secure cookies, redirect) |
| DJANGO_PAGE_CACHE_SECONDS | 86400 (0 turns the page cache off)      |
| DJANGO_TRUSTED_PROXIES | 127.0.0.1,::1 (addresses or networks whose X-Forwarded-For is believed) |
| DJANGO_CANONICAL_HOST  | the first of DJANGO_ALLOWED_HOSTS (host of the baked copy) |
| DJANGO_APPLICATION_ORIGIN | empty: same origin (where a baked copy's forms send) |
| DJANGO_BAKE_OUTPUT     | empty: no bake after a publish (the baked copy's directory) |
| DJANGO_FEEDBACK_RETENTION_DAYS | 365 (feedback answers older than this are deleted) |
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_networks(name: str, default: str) -> list:
    try:
        return [ipaddress.ip_network(value, strict=False) for value in env_list(name, default)]
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: {error}") from error


DEBUG = env_flag("DJANGO_DEBUG")
# The "django-insecure-" prefix makes `check --deploy` refuse this key in production.
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "django-insecure-development-key-not-for-production-use"
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "modeltranslation",  # before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # search vectors, GIN indexes (unused on SQLite)
    "simple_history",
    "axes",
    # Before treatments: its permissions exist when treatments' post_migrate gives the
    # staff roles theirs (treatments/roles.py).
    "feedback",
    "treatments",
    "content_translation",
]

MIDDLEWARE = [
    # X-Forwarded-Proto from a trusted proxy only (DJANGO_TRUSTED_PROXIES, portal/proxies.py).
    "portal.proxies.forwarded_proto_from_trusted_proxies",
    # For load balancers: before the host check and the HTTPS redirect (portal/health.py).
    "portal.health.HealthCheckMiddleware",
    # Too many query fields: the 400 page, before anything reads request.GET.
    "portal.middleware.read_query_first",
    # A cached page answers before the rest runs; it is stored with every header the rest
    # gave it (security headers, CSP) when it was rendered (treatments/cache.py).
    "treatments.cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins from one address lock that address out of the admin for an
# hour, whatever accounts it tried. The account itself stays open from every other
# address: locked everywhere, anyone knowing a reviewer's user name could keep her
# out of the admin from anywhere with five tries an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_COOLOFF_MESSAGE = _(
    "Too many failed logins from your network address: logins from it are blocked for "
    "an hour. If it is urgent, ask an administrator to lift the block."
)
# The client's address: the reverse proxy's X-Forwarded-For, believed only from
# these addresses or networks (portal/proxies.py). The default suits a proxy on the
# same machine as gunicorn, which listens on the loopback only.
TRUSTED_PROXIES = env_networks("DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1")
AXES_CLIENT_IP_CALLABLE = "portal.proxies.client_ip"

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "treatments.context_processors.care_service",
                "treatments.context_processors.signs_on_every_page",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails in seconds (a page, /healthz), not after minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)

# Whole public pages are cached until content changes (treatments/cache.py);
# this bounds how long an unused page stays in the cache. 0 turns the cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", 24 * 3600))
# With the local-memory cache (one per gunicorn worker), a change of content touches this
# file: the other workers see its new time and read the content version again.
PAGE_CACHE_MARKER = BASE_DIR / ".page-cache-marker"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's RedisCache, reusing its clients (portal/redis_cache.py).
            "BACKEND": "portal.redis_cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "hemato-info",
            # A stopped or unreachable Redis fails fast: pages are then rendered without it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: French is the default and the fallback of every translated field.
# This pair decides the database columns (name_fr, name_en...): change it with care.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fr",)
# The tabbed admin's jQuery UI (1.14.2, npm "jquery-ui"), served by us: no CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CONTENT_DIR = BASE_DIR / "content"

# The baked static copy (treatments/bake.py, `manage.py bake`): its pages are those the
# application serves over HTTPS at CANONICAL_HOST. Search (and any form) goes to
# APPLICATION_ORIGIN ("" when the web server in front passes those addresses to the
# application). With BAKE_OUTPUT set, every publish bakes that copy again.
CANONICAL_HOST = os.environ.get("DJANGO_CANONICAL_HOST", "") or ALLOWED_HOSTS[0]
APPLICATION_ORIGIN = os.environ.get("DJANGO_APPLICATION_ORIGIN", "").rstrip("/")
BAKE_OUTPUT = os.environ.get("DJANGO_BAKE_OUTPUT", "")
# Visitors' answers (comments may say more than they should) are kept this many days.
FEEDBACK_RETENTION_DAYS = int(os.environ.get("DJANGO_FEEDBACK_RETENTION_DAYS", 365))

# Security headers. The CSP allows nothing from another origin and no inline
# script or style; JSON-LD data blocks are not scripts and are not blocked.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF, *filter(None, [APPLICATION_ORIGIN])],
    "frame-ancestors": [CSP.NONE],
}
# Django's defaults do the rest (tests/test_production.py checks the headers): no framing
# (X-Frame-Options DENY), nosniff, the opener isolated, and Referrer-Policy
# "same-origin": no other site learns which page (which illness, which treatment) was read.
CSRF_COOKIE_HTTPONLY = True

# Behind HTTPS (production): DJANGO_HTTPS=1. The reverse proxy terminates TLS
# and sets X-Forwarded-Proto.
if env_flag("DJANGO_HTTPS"):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
