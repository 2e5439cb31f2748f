"""Views of the site as a whole: health check for load balancers, robots.txt, the
400 page."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the cache answer, else 503; no details leak."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        cache.set("healthz", "ok", 10)
        if cache.get("healthz") != "ok":
            raise RuntimeError("the cache does not keep what it is given")
    except Exception:
        logger.exception("Health check failed")
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


def bad_request(request, exception):
    """The 400 page in the visitor's language, with the site's layout. The request
    may be what failed before LocaleMiddleware ran (a host not allowed, too many
    parameters), so the language is read here, from the path first."""
    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        response = render(request, "400.html", status=400)
    response["Content-Language"] = language
    return response
