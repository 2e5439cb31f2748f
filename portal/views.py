"""Views of the site as a whole: robots.txt and the 400 page (the health check
is in health.py)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET


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
