"""The articles themselves: long enough, sourced, complete, and in plain language."""

import re

import pytest

from treatments.models import SideEffect, Symptom, Therapy

from .readability import plain_text, reading_ease

pytestmark = pytest.mark.django_db

# What every article tells a patient, as the headings of its daily-life part.
DAILY_LIFE_TOPICS = {
    "fr": ["travail", "condui", "fertilit", "vaccin", "questions"],
    "en": ["work", "driving", "fertility", "vaccin", "questions"],
}


def words(markdown_text):
    return len(re.findall(r"\w+", plain_text(markdown_text)))


@pytest.fixture(params=["fr", "en"])
def lang(request):
    return request.param


def test_eight_treatments_are_published():
    assert Therapy.objects.published().count() == 8


def test_every_article_is_long_enough_and_cites_three_sources(lang):
    for therapy in Therapy.objects.working():
        text = "\n".join(
            [getattr(therapy, f"{name}_{lang}") for name in ("summary", "body", "daily_life")]
            + [getattr(step, f"body_{lang}") for step in therapy.steps.all()]
        )
        assert words(text) >= 600, f"{therapy.key} ({lang}) has {words(text)} words"
        assert therapy.sources.count() >= 3, therapy.key
        assert therapy.review is None  # seed content: "medical review pending"


def test_every_article_covers_daily_life_and_questions(lang):
    for therapy in Therapy.objects.working():
        headings = " ".join(
            re.findall(r"^#{2,3} (.+)$", getattr(therapy, f"daily_life_{lang}"), re.MULTILINE)
        ).lower()
        for topic in DAILY_LIFE_TOPICS[lang]:
            assert topic in headings, f"{therapy.key} ({lang}) has no heading about {topic!r}"


def test_every_treatment_lists_its_side_effects_with_every_field(lang):
    for therapy in Therapy.objects.working():
        rows = list(therapy.side_effects.all())
        assert len(rows) >= 6, therapy.key
        for row in rows:
            assert row.frequency and row.onset and row.action
            assert getattr(row, f"duration_{lang}"), f"{therapy.key}/{row.side_effect.key}"
            assert getattr(row, f"notes_{lang}"), f"{therapy.key}/{row.side_effect.key}"


def test_side_effect_summaries_and_self_care_read_easily(lang):
    """Flesch reading ease of 60 or more, in each text's own language."""
    hard = []
    for side_effect in SideEffect.objects.working():
        for field in ("summary", "self_care"):
            score = reading_ease(getattr(side_effect, f"{field}_{lang}"), lang)
            if score < 60:
                hard.append(f"{side_effect.key}.{field}_{lang}: {score:.0f}")
    assert not hard, "hard to read: " + ", ".join(hard)


def test_french_text_uses_french_typography():
    """Typographic apostrophes and « guillemets » in French, never straight quotes."""
    for therapy in Therapy.objects.working():
        for name in ("name", "summary", "body", "daily_life"):
            text = getattr(therapy, f"{name}_fr")
            assert "'" not in text and '"' not in text, f"{therapy.key}.{name}_fr"
    for side_effect in SideEffect.objects.working():
        for name in ("name", "summary", "body", "self_care"):
            text = getattr(side_effect, f"{name}_fr")
            assert "'" not in text and '"' not in text, f"{side_effect.key}.{name}_fr"
        for row in side_effect.sign_notes.all():
            assert "'" not in row.note_fr and '"' not in row.note_fr, f"{side_effect.key} signs"


def test_every_warning_sign_says_whom_to_call(lang):
    who = {
        "fr": r"appel|15|112|équipe|consult|médecin",
        "en": r"call|15|112|team|doctor|nurse|GP",
    }[lang]
    # A side effect's signs are entries of the triage table: what to do is the table's.
    for symptom in Symptom.objects.working():
        text = getattr(symptom, f"what_to_do_{lang}")
        assert re.search(who, text, re.IGNORECASE), f"{symptom.key} ({lang}): {text}"
