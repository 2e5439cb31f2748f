"""Answers to "Was this page helpful?": what visitors said, and nothing about them.

No address, no cookie, no time of day: only the day, so that an answer cannot be
matched with a server log. The page is named by its kind and language-neutral key,
so that counts survive a renamed slug.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 500


class PageKind(models.TextChoices):
    THERAPY = "therapy", _("treatment")
    GUIDE = "guide", _("side-effects guide")
    SIDE_EFFECT = "side-effect", _("side effect")
    DISEASE = "disease", _("disease")
    ARTICLE = "article", _("article")


class Answer(models.Model):
    kind = models.CharField(_("kind of page"), max_length=20, choices=PageKind)
    key = models.SlugField(_("key"), max_length=80)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    day = models.DateField(_("day"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")

    def __str__(self):
        return f"{self.page} ({self.language})"

    @property
    def page(self) -> str:
        """The page as staff name it: "guide:car-t"."""
        return f"{self.kind}:{self.key}"
