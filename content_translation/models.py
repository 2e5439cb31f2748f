"""The translation memory of the content (see fields.py and po.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SegmentTranslation(models.Model):
    """The last translation imported for one segment, with the French text it
    was made from: when the French text changes, the translation is outdated
    (fuzzy in the next export) until a translator confirms or redoes it."""

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    context = models.CharField(_("segment"), max_length=300)
    source = models.TextField(_("French text"))
    translation = models.TextField(_("translation"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["language", "context"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "context"], name="unique_segment_translation"
            )
        ]
        verbose_name = _("translated segment")
        verbose_name_plural = _("translated segments")

    def __str__(self):
        return f"{self.language} {self.context}"
