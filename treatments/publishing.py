"""The one publish rule: how a working version becomes what patients read.

Staff, imports and translations only ever write working versions (models.Reviewed).
`publish()` is the only code that writes a live version: it copies the working
version, its rows and its links in one transaction, and records the medical
review. Every path that puts text online calls it: the admin's publish page
and action (after a reviewer has seen the diff), and load_content for content
that did not exist yet (marked "medical review pending"). `withdraw()` takes a
page off the site; the working version stays.
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.db.models.signals import pre_delete
from django.utils import timezone
from django.utils.translation import gettext as _

from . import bake
from .cache import content_changed
from .models import REVIEWED_MODELS, Reviewed, Status

REVIEW_PERIOD = datetime.timedelta(days=365)
PUBLISH_PERMISSION = "treatments.publish"
# Copied by hand (or not at all): what ties the two versions together.
VERSION_FIELDS = {"id", "is_live", "live_version"}


class PublishError(Exception):
    """Publishing was refused; the message says why, for the reviewer."""


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def reviewer_problem(user) -> str | None:
    """Why this account cannot sign a medical review, or None: a review is a
    person with a full name and a qualification, shown on the page."""
    if not can_publish(user):
        return _("Only a medical reviewer can publish.")
    profile = getattr(user, "staff_profile", None)
    if not user.get_full_name().strip() or profile is None or not profile.qualification:
        return _(
            "Your account needs a full name and a qualification (e.g. haematologist) "
            "before you can sign a medical review: ask an administrator to add them."
        )
    return None


@dataclass
class Publication:
    live: Reviewed
    # Links left out because what they point to is not online yet.
    not_linked: list = field(default_factory=list)


def publish(working: Reviewed, reviewer=None) -> Publication:
    """Makes `working` what patients read. `reviewer` is the medical reviewer
    who approved it; None only for content loaded from files into an empty
    site, which then says "medical review pending"."""
    if working.is_live:
        raise ValueError("publish() takes a working version")
    if reviewer is not None and (problem := reviewer_problem(reviewer)):
        raise PublishError(problem)
    working.refresh_from_db()  # what was saved is what is published
    try:
        with transaction.atomic():
            publication = _copy_to_live(working, reviewer)
    except IntegrityError as error:
        raise PublishError(
            _(
                "%(page)s could not be published: another live page uses the same key or "
                "address. Publish that page's change first."
            )
            % {"page": working}
        ) from error
    _live_changed()
    return publication


def _copy_to_live(working, reviewer) -> Publication:
    model = type(working)
    if reviewer is not None:
        today = timezone.localdate()
        working.reviewed_by = reviewer
        working.reviewed_on = today
        working.next_review_due = today + REVIEW_PERIOD
    working.status = Status.PUBLISHED
    live = working.live_version or model(is_live=True)
    _copy_fields(working, live)
    live.skip_history_when_saving = True  # the working version's history tells the story
    live.save()
    del live.skip_history_when_saving
    working.live_version = live
    working.save(update_fields=["status", "reviewed_by", "reviewed_on", "next_review_due",
                                "live_version"])  # fmt: skip
    publication = Publication(live)
    for relation in model.child_relations:
        _copy_children(working, live, relation, publication)
    for m2m in model._meta.local_many_to_many:
        if not m2m.remote_field.through._meta.auto_created:
            continue  # its rows are a child relation, copied above
        targets = getattr(working, m2m.name).select_related("live_version")
        online = [target.live_version for target in targets if target.live_version_id]
        publication.not_linked += [target for target in targets if not target.live_version_id]
        live.skip_history_when_saving = True
        getattr(live, m2m.name).set(online)
        del live.skip_history_when_saving
    return publication


def _copy_fields(source, target):
    for model_field in type(source)._meta.concrete_fields:
        if model_field.name not in VERSION_FIELDS:
            setattr(target, model_field.attname, getattr(source, model_field.attname))


def _copy_children(working, live, relation, publication):
    """The live version's rows become copies of the working version's rows,
    each pointing to the live version of what it names."""
    manager = getattr(working, relation)
    parent_field = manager.field.name
    targets = [
        f
        for f in manager.model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.name != parent_field
    ]
    getattr(live, relation).all().delete()
    copies = []
    for row in manager.select_related(*(f.name for f in targets)):
        copy = manager.model()
        _copy_fields(row, copy)
        setattr(copy, parent_field, live)
        for target_field in targets:
            target = getattr(row, target_field.name)
            if target is not None and not target.live_version_id:
                publication.not_linked.append(target)
                break
            setattr(copy, target_field.attname, target and target.live_version_id)
        else:
            copies.append(copy)
    manager.model.objects.bulk_create(copies)


def page_of(row):
    """The reviewed page a row belongs to (a treatment's step: the treatment, as
    `child_relations` says); a page is its own."""
    for model in REVIEWED_MODELS:
        for name in model.child_relations:
            relation = model._meta.get_field(name)
            if isinstance(row, relation.related_model):
                return getattr(row, relation.field.name)
    return row


def changed(working) -> None:
    """Says that a working version (or one of its rows) was changed by a path
    that does not publish: if it was published, the change now waits for a
    reviewer, and the live version stays as it is."""
    page = page_of(working)
    if page.status == Status.PUBLISHED:
        page.status = Status.IN_REVIEW
        page.save(update_fields=["status"])


def withdraw(working: Reviewed) -> bool:
    """Takes the page off the site; its working version stays, as a draft.
    Returns False when it was not online."""
    live = working.live_version
    with transaction.atomic():
        working.status = Status.DRAFT
        working.live_version = None
        working.save(update_fields=["status", "live_version"])
        if live is None:
            return False
        _delete_live(live)
    _live_changed()
    return True


def _delete_live(live):
    # Live rows of other pages that name it go with it (their working rows stay).
    for relation in type(live)._meta.related_objects:
        if relation.on_delete is models.PROTECT:
            relation.related_model.objects.filter(**{relation.field.name: live}).delete()
    live.delete()


def _live_changed():
    content_changed()
    bake.after_publish()  # the baked copy, when DJANGO_BAKE_OUTPUT names one


def _withdraw_deleted(sender, instance, **kwargs):
    """A working version deleted (by a reviewer, in the admin) takes its live
    version off the site with it."""
    if not instance.is_live and instance.live_version_id:
        _delete_live(instance.live_version)
        _live_changed()


def connect_signals(models_):
    for model in models_:
        pre_delete.connect(_withdraw_deleted, sender=model, dispatch_uid=f"withdraw-{model}")
