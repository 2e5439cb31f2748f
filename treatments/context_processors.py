import logging

from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject

from .models import CareService

logger = logging.getLogger(__name__)


def _live_service():
    try:
        return CareService.objects.published().first()
    except DatabaseError:
        # An error page while the database is away: it says whom to call without the number.
        logger.warning("The service's contact details could not be read", exc_info=True)
        return None


def care_service(request):
    """The service's contact details as patients see them (its live version), or
    None: read by the pages that show a phone number, once per page."""
    return {"care_service": SimpleLazyObject(_live_service)}
