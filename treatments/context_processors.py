import logging

from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject

from .cache import per_content_version
from .models import CareService

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
        return None


def care_service(request):
    """`care_service` for the pages that show a phone number."""
    return {"care_service": SimpleLazyObject(lambda: live_service(request))}
