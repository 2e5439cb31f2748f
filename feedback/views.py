"""Receiving "Was this page helpful?" without a cookie, and without keeping an address.

CSRF: Django's CsrfViewMiddleware needs its cookie, and a token in the form would make
the cached page differ from one visitor to the next; Django 6.1 has nothing else
(the Fetch-metadata protection proposed in django/new-features#98 is not in it). The
form carries nobody's credentials: what a forged post could do is make visitors'
browsers send answers on another site's behalf. So the view is csrf_exempt and checks
what browsers themselves say about where a request comes from, as Go's
http.CrossOriginProtection does: Sec-Fetch-Site must be "same-origin" (or "none", a
request the user made), and where a browser sends no Sec-Fetch-Site, the Origin, if
any, must be this site. A request with neither is not from a browser (or a browser
too old to be abused by another site): robots are what the rate limit is for.

Rate limit: RATE_LIMIT posts a minute from one client address (portal/proxies.py),
counted in the cache under a keyed hash of the address, which expires after the minute.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.proxies import client_ip

from .forms import AnswerForm
from .models import Answer

logger = logging.getLogger(__name__)

RATE_LIMIT = 20
RATE_WINDOW_SECONDS = 60
# The anchor of the thanks on every page: the style sheet shows it when it is the target.
THANKS_ANCHOR = "#feedback-thanks"


def same_origin(request) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.get_host()}"


def rate_key(address: str | None) -> str:
    """The cache key that counts the posts of an address: a keyed hash, not the address."""
    digest = salted_hmac("feedback.rate", address or "", algorithm="sha256").hexdigest()
    return f"feedback-rate:{digest[:32]}"


def too_many(request) -> bool:
    """Counts this post; True past RATE_LIMIT posts from its address in the window."""
    key = rate_key(client_ip(request))
    try:
        cache.add(key, 0, RATE_WINDOW_SECONDS)  # the window starts at the first post
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, RATE_WINDOW_SECONDS)
        return False
    except Exception as error:  # the cache is down: answers are still welcome
        logger.warning("Feedback: the rate limit cannot use the cache (%r)", error)
        return False
    return count > RATE_LIMIT


def problem(request, status, message, back=None):
    response = render(
        request, "feedback/problem.html", {"message": message, "back": back}, status=status
    )
    if status == 429:
        response["Retry-After"] = str(RATE_WINDOW_SECONDS)
    return response


@csrf_exempt  # same_origin() instead: see the module's docstring
@require_POST
def send(request):
    if not same_origin(request):
        return problem(request, 403, _("Answers can only be sent from the pages of this site."))
    if too_many(request):
        return problem(
            request,
            429,
            _("Too many answers were sent from your network: please try again in a minute."),
        )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages = [error for errors in form.errors.values() for error in errors]
        back = getattr(form, "page_url", None)
        return problem(request, 400, " ".join(messages), back)
    if not form.cleaned_data["website"]:  # a robot filled the honeypot: thank it all the same
        kind, key = form.cleaned_data["page"]
        # The answers past their retention go as a new one comes: no scheduled job to forget.
        retention = timedelta(days=settings.FEEDBACK_RETENTION_DAYS)
        Answer.objects.filter(day__lt=date.today() - retention).delete()
        Answer.objects.create(
            kind=kind,
            key=key,
            language=get_language(),
            helpful=form.cleaned_data["helpful"] == "yes",
            comment=form.cleaned_data["comment"],
        )
    # 303: the browser comes back to the page (the same cached page for everyone), whose
    # thanks the style sheet shows by its anchor.
    return HttpResponseRedirect(form.page_url + THANKS_ANCHOR, status=303)
