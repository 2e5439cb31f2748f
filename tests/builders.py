"""Small builders of test content, independent of the files in content/."""

import itertools

from django.contrib.auth.models import Group, User

from treatments import publishing
from treatments.models import (
    Action,
    Family,
    Frequency,
    Onset,
    SideEffect,
    Source,
    StaffProfile,
    Status,
    Therapy,
    TherapySideEffect,
    TreatmentStep,
)
from treatments.roles import REVIEWERS

_numbers = itertools.count(1)


def make_reviewer(username="reviewer", first_name="Jeanne", last_name="Martin",
                  qualification_fr="hématologue", qualification_en="haematologist"):  # fmt: skip
    """A medical reviewer who may sign reviews: full name and qualification."""
    user = User.objects.create_user(
        username, password="a-long-test-password", is_staff=True,
        first_name=first_name, last_name=last_name,
    )  # fmt: skip
    user.groups.add(Group.objects.get(name=REVIEWERS))
    StaffProfile.objects.create(
        user=user, qualification_fr=qualification_fr, qualification_en=qualification_en
    )
    return user


def created(obj, status, reviewer=None):
    """A working version saved with `status`; published ones get their live version."""
    if status == Status.PUBLISHED:
        obj.status = Status.DRAFT
        obj.save()
        publishing.publish(obj, reviewer)
    else:
        obj.status = status
        obj.save()
    return obj


def make_source(**fields):
    number = next(_numbers)
    values = {
        "key": f"test-source-{number}",
        "title": f"Test source {number}",
        "publisher": "Test publisher",
        "url": f"https://example.org/{number}",
        "year": 2025,
        "language": "fr",
    }
    status = fields.pop("status", Status.PUBLISHED)
    return created(Source(**{**values, **fields}), status)


def make_side_effect(**fields):
    number = next(_numbers)
    values = {
        "key": f"test-effect-{number}",
        "name_fr": f"Effet test {number}",
        "name_en": f"Test effect {number}",
        "slug_fr": f"effet-test-{number}",
        "slug_en": f"test-effect-{number}",
        "summary_fr": "Un résumé.",
        "summary_en": "A summary.",
        "key_points_fr": "- Un.\n- Deux.\n- Trois.",
        "key_points_en": "- One.\n- Two.\n- Three.",
        "body_fr": "Un texte.",
        "body_en": "A text.",
        "self_care_fr": "- Reposez-vous.",
        "self_care_en": "- Rest.",
    }
    status = fields.pop("status", Status.PUBLISHED)
    return created(SideEffect(**{**values, **fields}), status)


def make_therapy(steps=0, side_effects=0, sources=0, reviewer=None, **fields):
    """A published treatment with the given number of steps, side-effect rows and
    sources (reviewed by `reviewer`, or "medical review pending")."""
    number = next(_numbers)
    values = {
        "key": f"test-therapy-{number}",
        "family": Family.CONVENTIONAL,
        "order": 100 + number,
        "name_fr": f"Traitement test {number}",
        "name_en": f"Test treatment {number}",
        "slug_fr": f"traitement-test-{number}",
        "slug_en": f"test-treatment-{number}",
        "summary_fr": "Un résumé en français.",
        "summary_en": "A summary in English.",
        "key_points_fr": "- Un.\n- Deux.\n- Trois.",
        "key_points_en": "- One.\n- Two.\n- Three.",
        "body_fr": "## Qu’est-ce que c’est ?\n\nUn texte.",
        "body_en": "## What is it?\n\nA text.",
    }
    status = fields.pop("status", Status.PUBLISHED)
    therapy = Therapy(**{**values, **fields})
    therapy.save()
    for index in range(steps):
        TreatmentStep(
            therapy=therapy,
            key=f"step-{index}",
            order=index,
            title_fr=f"Étape {index}",
            title_en=f"Step {index}",
            duration_fr="Un jour",
            duration_en="One day",
            body_fr="Texte.",
            body_en="Text.",
        ).save()
    for index in range(side_effects):
        TherapySideEffect.objects.create(
            therapy=therapy,
            side_effect=make_side_effect(),
            frequency=Frequency.COMMON,
            onset=Onset.FIRST_WEEKS,
            action=Action.CALL_TODAY,
            order=index,
            notes_fr="Note.",
            notes_en="Note.",
        )
    therapy.sources.set([make_source() for _ in range(sources)])
    return created(therapy, status, reviewer)
