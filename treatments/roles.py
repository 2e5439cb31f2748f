"""The staff roles, as groups with their permissions, kept in step after every migrate.

- Editors write and update all content and submit treatments for review.
- Medical reviewers do all that, and publish: publishing records them as reviewer.
- Translators change only the French and English texts (admin.py hides the rest).
"""

from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"
REVIEWERS = "Medical reviewers"
TRANSLATORS = "Translators"

CONTENT_MODELS = [
    "therapy", "treatmentstep", "therapysideeffect", "sideeffect", "source",
    "disease", "glossaryterm", "synonymgroup",
]  # fmt: skip
TRANSLATED_MODELS = [
    "therapy", "treatmentstep", "therapysideeffect", "sideeffect", "disease", "glossaryterm",
]  # fmt: skip


def _codenames(actions, models):
    return [f"{action}_{model}" for action in actions for model in models]


ROLE_PERMISSIONS = {
    EDITORS: _codenames(["view", "add", "change"], CONTENT_MODELS)
    + _codenames(["delete"], ["treatmentstep", "therapysideeffect", "synonymgroup"]),
    REVIEWERS: _codenames(["view", "add", "change", "delete"], CONTENT_MODELS)
    + ["publish_therapy"],
    TRANSLATORS: _codenames(["view"], CONTENT_MODELS) + _codenames(["change"], TRANSLATED_MODELS),
}


def ensure_groups(**kwargs):
    """post_migrate receiver: the three groups exist with exactly their permissions."""
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="treatments", codename__in=codenames
        )
        group.permissions.set(permissions)


def is_translator(user) -> bool:
    """A translator and nothing more: may change texts, not structure or status."""
    if user.is_superuser:
        return False
    names = set(user.groups.values_list("name", flat=True))
    return TRANSLATORS in names and not names & {EDITORS, REVIEWERS}


def can_publish(user) -> bool:
    return user.has_perm("treatments.publish_therapy")
