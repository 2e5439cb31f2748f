"""The whole-page cache of the public pages.

Anonymous GET pages are stored whole in the default cache (Redis when several
app hosts share it), per host and full path — the language is in the path.
Every key carries the time of the last content change, kept in the database:
a change saved by staff or by load_content moves it, so every page is
invalidated at once on every app host, with no TTL-only staleness. The same
time is the pages' Last-Modified; ConditionalGetMiddleware adds the ETag and
answers revisits with 304.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import set_response_etag
from django.utils.http import http_date

from .models import ContentChange

CACHED_HEADERS = ("Content-Type", "Content-Language", "Vary", "ETag")


def content_changed(**kwargs):
    """Signal receiver: any change to the portal's content invalidates every page."""
    if kwargs.get("raw"):  # fixtures loaded as they are
        return
    ContentChange.objects.update_or_create(pk=1, defaults={"changed_at": timezone.now()})


def connect_signals(models):
    for model in models:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-save-{model}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"page-cache-del-{model}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                content_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"page-cache-m2m-{model}-{field.name}",
            )


def last_change():
    changed_at = ContentChange.objects.values_list("changed_at", flat=True).first()
    return changed_at.timestamp() if changed_at else 0.0


def _cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and any(request.path.startswith(f"/{code}/") for code, _name in settings.LANGUAGES)
    )


def _cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        changed = last_change()
        address = f"{request.get_host()}{request.get_full_path()}".encode()
        key = f"page:{changed}:{hashlib.sha256(address).hexdigest()}"
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
        else:
            response = self.get_response(request)
            if not _cacheable_response(response):
                return response
            set_response_etag(response)  # once, here, rather than on every hit
            headers = {name: response[name] for name in CACHED_HEADERS if name in response}
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
        response["Content-Length"] = str(len(response.content))
        if changed:
            response["Last-Modified"] = http_date(changed)
        # Browsers may keep the page but must ask again: a 304 when nothing changed.
        response["Cache-Control"] = "no-cache"
        return response
