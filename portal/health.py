"""GET /healthz, for load balancers: answered first in the middleware stack, so over plain
HTTP even with DJANGO_HTTPS=1 (no redirect) and whatever Host the balancer sends (it probes
each app host directly, by its address).

| reply             | status | meaning                                                     |
| ----------------- | ------ | ----------------------------------------------------------- |
| `ok`              | 200    | the database and the cache answer                           |
| `degraded`        | 200    | the cache does not: pages are served, rendered each time    |
| `unavailable`     | 503    | the database cannot be read: this host cannot render a page |

A cache outage is not a 503: every host shares the one Redis, so a 503 would take every host
out of the balancer while each of them can still serve every page. No detail in the reply;
the log has it.
"""

import logging

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed

from treatments.models import ContentChange

logger = logging.getLogger(__name__)


def health_check() -> tuple[int, str]:
    try:
        ContentChange.objects.exists()  # a real table: reachable, migrated, readable
    except Exception:
        logger.exception("Health check: the database failed")
        return 503, "unavailable"
    try:
        cache.set("healthz", "ok", 10)
        if cache.get("healthz") != "ok":
            raise RuntimeError("the cache does not keep what it is given")
    except Exception:
        logger.warning("Health check: the cache failed", exc_info=True)
        return 200, "degraded"
    return 200, "ok"


class HealthCheckMiddleware:
    """First in MIDDLEWARE: /healthz before host validation and the HTTPS redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != "/healthz":
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        status, text = health_check()
        response = HttpResponse(f"{text}\n", status=status, content_type="text/plain")
        response["Cache-Control"] = "no-store"
        return response
