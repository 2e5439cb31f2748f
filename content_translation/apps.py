from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentTranslationConfig(AppConfig):
    name = "content_translation"
    verbose_name = _("Translation")
