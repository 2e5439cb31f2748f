"""The staff roles, as groups with their permissions, kept in step after every migrate.

- Editors write and update the working version of all content and send it for review.
- Medical reviewers do all that, and publish: publishing records them as reviewer.
- Translators change only the French and English texts (admin.py hides the rest).

Deleting a page takes it off the site, so only reviewers delete pages; editors
delete only a treatment's rows, which reach patients when the treatment is published.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import REVIEWED_MODELS, content_models, translated_fields

EDITORS = "Editors"
REVIEWERS = "Medical reviewers"
TRANSLATORS = "Translators"

# Permissions of other apps, as (app label, codename): what visitors answered to "Was
# this page helpful?" is read by those who write and review the pages.
OTHER_APPS = {
    EDITORS: [("feedback", "view_answer")],
    REVIEWERS: [("feedback", "view_answer")],
}


def _codenames(actions, models):
    return [f"{action}_{model._meta.model_name}" for action in actions for model in models]


def role_permissions() -> dict[str, list[str]]:
    rows = [model for model in content_models() if model not in REVIEWED_MODELS]
    translated = [model for model in content_models() if translated_fields(model)]
    return {
        EDITORS: _codenames(["view", "add", "change"], content_models())
        + _codenames(["delete"], rows),
        REVIEWERS: _codenames(["view", "add", "change", "delete"], content_models()) + ["publish"],
        TRANSLATORS: _codenames(["view"], content_models()) + _codenames(["change"], translated),
    }


def ensure_groups(**kwargs):
    """post_migrate receiver: the three groups exist with exactly their permissions."""
    for name, codenames in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=name)
        others = Q()
        for app_label, codename in OTHER_APPS.get(name, []):
            others |= Q(content_type__app_label=app_label, codename=codename)
        permissions = Permission.objects.filter(
            Q(content_type__app_label="treatments", codename__in=codenames) | others
        )
        group.permissions.set(permissions)


def is_translator(user) -> bool:
    """A translator and nothing more: may change texts, not structure or status."""
    if user.is_superuser:
        return False
    names = set(user.groups.values_list("name", flat=True))
    return TRANSLATORS in names and not names & {EDITORS, REVIEWERS}
