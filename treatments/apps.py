from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatmentsConfig(AppConfig):
    name = "treatments"
    verbose_name = _("Treatments and side effects")

    def ready(self):
        from django.db.models.signals import post_migrate, pre_save

        from . import cache, models, publishing, roles

        post_migrate.connect(roles.ensure_groups, sender=self, dispatch_uid="treatments-roles")
        # Every release runs migrate: pages cached by the previous code are rendered again.
        post_migrate.connect(cache.content_changed, sender=self, dispatch_uid="page-cache-release")

        cache.connect_signals(models.content_models())
        for model in models.content_models():
            pre_save.connect(models.normalize_newlines, sender=model, dispatch_uid=f"nl-{model}")
        publishing.connect_signals(models.REVIEWED_MODELS)
