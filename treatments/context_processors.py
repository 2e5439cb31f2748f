import logging

from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject

from .cache import mark_incomplete, per_content_version
from .models import CareService, Symptom

logger = logging.getLogger(__name__)


@per_content_version
def _published_service():
    return CareService.objects.published().first()


def live_service(request):
    """The service's contact details as patients see them (the live version), or None:
    read once per content version in each process, like the glossary."""
    try:
        return _published_service(request=request)
    except DatabaseError:
        # An error page while the database is away: it says whom to call without the number.
        logger.warning("The service's contact details could not be read", exc_info=True)
        mark_incomplete(request)
        return None


def care_service(request):
    """`care_service` for the pages that show a phone number."""
    return {"care_service": SimpleLazyObject(lambda: live_service(request))}


@per_content_version
def _signs_on_every_page():
    return list(Symptom.objects.published().filter(on_every_page=True).by_urgency())


def signs_on_every_page(request):
    """`signs_on_every_page`: the triage table's entries that the warning box of every
    page lists, most urgent first (read once per content version), or an empty list
    while the database is away (the box then says only whom to call)."""

    def read():
        try:
            return _signs_on_every_page(request=request)
        except DatabaseError:
            logger.warning("The warning box's signs could not be read", exc_info=True)
            mark_incomplete(request)
            return []

    return {"signs_on_every_page": SimpleLazyObject(read)}
