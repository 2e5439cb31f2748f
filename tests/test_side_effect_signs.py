"""Each side effect's warning signs (on its page and in each guide row) are entries
of the triage table: its words, its tier, and what is particular to the side effect
(SideEffectSign.note), in both languages. Nothing else writes them."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.utils.translation import override

from treatments.models import Action, SideEffect, Therapy

from .test_hostile_content import edit, refused, small  # noqa: F401 (a fixture)
from .test_therapy_signs import front_matter, plain

pytestmark = pytest.mark.django_db

CONTENT = Path(settings.CONTENT_DIR)
SIDE_EFFECTS = sorted(p.name for p in (CONTENT / "side-effects").iterdir() if p.is_dir())
TREATMENTS = sorted(p.name for p in (CONTENT / "therapies").iterdir() if p.is_dir())


def signs_of(html: str) -> list[str]:
    return [plain(item) for item in re.findall(r'<li class="sign">(.*?)</li>', html, re.S)]


def expected(key: str, language: str) -> list[tuple[str, str, str]]:
    """(name, the tier's words, the side effect's note) for each of its signs: the
    table's tier, or the one side-effect.yaml raises it to."""
    folder = CONTENT / "side-effects" / key
    meta = yaml.safe_load((folder / "side-effect.yaml").read_text())
    keys, raised = meta["warning_signs"], meta.get("raised_tiers") or {}
    notes = front_matter(folder / f"{language}.md").get("signs") or {}
    lines = []
    for symptom in keys:
        words = front_matter(CONTENT / "symptoms" / symptom / f"{language}.md")
        tier = yaml.safe_load((CONTENT / "symptoms" / symptom / "symptom.yaml").read_text())["tier"]
        tier = raised.get(symptom, tier)  # the loader refuses a raise that lowers
        with override(language):
            label = str(Action(tier).label)
        lines.append((words["name"], label, (notes.get(symptom) or {}).get("note", "")))
    return lines


def test_every_side_effect_lists_its_signs_from_the_table():
    """The 31 side effects each have warning signs; the free text is gone."""
    assert len(SIDE_EFFECTS) == 31
    for key in SIDE_EFFECTS:
        meta = yaml.safe_load((CONTENT / "side-effects" / key / "side-effect.yaml").read_text())
        assert len(meta["warning_signs"]) >= 2, key
        for language in ("fr", "en"):
            assert "warning_signs" not in front_matter(
                CONTENT / "side-effects" / key / f"{language}.md"
            )


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("key", SIDE_EFFECTS)
def test_a_side_effect_page_shows_each_sign_with_its_tier_and_note(client, language, key):
    with override(language):
        url = SideEffect.objects.published().get(key=key).get_absolute_url()
    html = client.get(url).content.decode()
    box = html.split('aria-labelledby="page-signs-title"')[1].split("</aside>")[0]
    lines = signs_of(box)
    wanted = expected(key, language)
    assert len(lines) == len(wanted)
    for name, label, note in wanted:
        found = [line for line in lines if line.startswith(name)]
        assert len(found) == 1, (key, name, lines)
        assert f"— {label}" in found[0], (key, found[0])
        assert plain(note) in found[0], (key, note, found[0])


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("therapy_key", TREATMENTS)
def test_each_guide_row_shows_its_side_effect_s_notes(client, language, therapy_key):
    """After the treatment's context (which may raise the tier), the side effect's note."""
    with override(language):
        url = Therapy.objects.published().get(key=therapy_key).get_side_effects_url()
    html = client.get(url).content.decode()
    therapy = yaml.safe_load((CONTENT / "therapies" / therapy_key / "therapy.yaml").read_text())
    for entry in therapy["side_effects"]:
        key = entry["key"]
        row = html.split(f'id="page-effect-{key}"')[1].split('class="effect effect--')[0]
        lines = signs_of(row.split('class="effect__signs"')[1])
        for name, _label, note in expected(key, language):
            found = [line for line in lines if line.startswith(name)]
            assert len(found) == 1, (therapy_key, key, name)
            assert plain(note) in found[0], (therapy_key, key, note)


@pytest.mark.parametrize(
    ("key", "symptom", "words"),
    [
        # The old texts' urgency, kept where the table's tier alone would say less.
        ("cataract", "sight-slowly-worse", {"fr": "prochaine", "en": "next visit"}),
        ("cataract", "one-sided-weakness-speech", {"fr": "15 ou le 112", "en": "15 or 112"}),
        ("second-cancers", "new-lump", {"fr": "n’attendez pas", "en": "do not wait"}),
        ("fertility", "possible-pregnancy", {"fr": "dans la journée", "en": "today"}),
        ("low-mood-anxiety", "suicidal-thoughts", {"fr": "3114", "en": "3114"}),
        ("liver-problems", "confusion", {"fr": "15 ou le 112", "en": "15 or 112"}),
        ("fatigue", "confusion", {"fr": "15 ou le 112", "en": "15 or 112"}),
        ("veno-occlusive-disease", "confusion", {"fr": "15 ou le 112", "en": "15 or 112"}),
        ("tumour-lysis-syndrome", "palpitations", {"fr": "15 ou le 112", "en": "15 or 112"}),
        (
            "acute-graft-versus-host-disease",
            "new-rash",
            {"fr": "de jour comme de nuit", "en": "day or night"},
        ),
        (
            "acute-graft-versus-host-disease",
            "skin-blisters-peeling",
            {"fr": "grande surface : 15 ou 112", "en": "large area: 15 or 112"},
        ),
        ("central-line-problems", "line-or-drip-site", {"fr": "clamp", "en": "clamp"}),
        ("icans", "seizure", {"fr": "proche", "en": "person with you"}),
    ],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_old_text_s_particulars_and_urgency_are_kept(client, language, key, symptom, words):
    with override(language):
        url = SideEffect.objects.published().get(key=key).get_absolute_url()
    html = client.get(url).content.decode()
    name = front_matter(CONTENT / "symptoms" / symptom / f"{language}.md")["name"]
    lines = [line for line in signs_of(html) if line.startswith(name)]
    assert len(lines) == 1 and words[language] in lines[0], (key, symptom, lines)


def test_the_loader_refuses_a_note_for_a_sign_not_listed(small):  # noqa: F811
    edit(
        small / "side-effects/fatigue/fr.md",
        "self_care: '- Rest.'\n",
        "self_care: '- Rest.'\nsigns:\n  fever:\n    note: Une note.\n",
    )
    problem = refused(small, "--check")[0]
    assert re.fullmatch(
        r"content/side-effects/fatigue/fr\.md, line \d+, field 'signs\.fever': "
        r"'fever' is not listed in side-effect\.yaml's warning_signs",
        problem,
    ), problem


def test_the_loader_refuses_the_old_free_text(small):  # noqa: F811
    edit(
        small / "side-effects/fatigue/en.md",
        "self_care: '- Rest.'\n",
        "self_care: '- Rest.'\nwarning_signs: '- Fever: call the ward.'\n",
    )
    problem = refused(small, "--check")[0]
    assert re.fullmatch(
        r"content/side-effects/fatigue/en\.md, line \d+, field 'warning_signs': unknown field "
        r"\(allowed: key_points, name, self_care, signs, slug, summary\)",
        problem,
    ), problem


@pytest.mark.parametrize(
    ("raised", "message"),
    [
        (
            "  fever: call-today\n",
            "field 'raised_tiers.fever': 'call-today' is less urgent than the symptom's tier "
            "'call-now': a side effect may raise a symptom's tier, never lower it",
        ),
        ("  fever: soon\n", "field 'raised_tiers.fever': 'soon' is not one of: emergency, "),
        ("  chest-pain: emergency\n", "field 'raised_tiers.chest-pain': is not one of this "),
    ],
)
def test_the_loader_refuses_a_raise_that_lowers_or_names_no_sign(small, raised, message):  # noqa: F811
    edit(
        small / "side-effects/fatigue/side-effect.yaml",
        "sources: [one]\n",
        f"sources: [one]\nwarning_signs: [fever]\nraised_tiers:\n{raised}",
    )
    problem = refused(small, "--check")[0]
    assert problem.startswith("content/side-effects/fatigue/side-effect.yaml, line ")
    assert message in problem, problem


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_raised_tier_shows_on_the_side_effect_s_page_and_guide_rows(client, language):
    """Confusion is "call now" in the table; with an infection it is 15 or 112, on the
    side effect's page and in each guide row. The one-page sheet, which lists names
    without the side effect's note, keeps the table's tier (with the treatment's)."""
    with override(language):
        emergency = str(Action.EMERGENCY.label)
        call_now = str(Action.CALL_NOW.label)
        effect = SideEffect.objects.published().get(key="infection-risk")
        therapy = Therapy.objects.published().get(key="chemotherapy")
        urls = [effect.get_absolute_url(), therapy.get_side_effects_url()]
    name = front_matter(CONTENT / "symptoms/confusion" / f"{language}.md")["name"]
    for url in urls:
        html = client.get(url).content.decode()
        if 'id="page-effect-infection-risk"' in html:
            row = html.split('id="page-effect-infection-risk"')[1]
            html = row.split('class="effect effect--')[0]
        line = next(line for line in signs_of(html) if line.startswith(name))
        assert emergency in line and call_now not in line, (url, line)


def test_the_admin_refuses_a_side_effect_tier_that_lowers_the_table_s(client):
    from django.contrib.auth.models import User

    from treatments.roles import EDITORS

    from .test_admin_workflow import change_url, form_data, staff

    effect = SideEffect.objects.working().get(key="infection-risk")
    index = [row.symptom.key for row in effect.sign_notes.all()].index("fever")
    staff(client, EDITORS, "editor")
    data = form_data(client, effect, **{f"sign_notes-{index}-tier": "next-visit"})
    response = client.post(change_url(effect), data)
    assert response.status_code == 200
    assert "A side effect may only raise a symptom’s tier, never lower it" in (
        response.content.decode().replace("&#x27;", "’")
    )
    assert User.objects.filter(username="editor").exists()
    assert effect.sign_notes.get(symptom__key="fever").tier == ""
    # Raising it is accepted (and waits for a reviewer, as any edit does).
    data = form_data(client, effect, **{f"sign_notes-{index}-tier": "emergency"})
    assert client.post(change_url(effect), data).status_code == 302
    assert effect.sign_notes.get(symptom__key="fever").tier == "emergency"
    live = SideEffect.objects.published().get(key="infection-risk")
    assert live.sign_notes.get(symptom__key="fever").tier == ""


def test_a_sign_s_note_is_translated_through_the_po_file(client, tmp_path):
    """A translator's new English note waits for a reviewer; patients still read the
    reviewed one until it is published."""
    from treatments import publishing
    from treatments.models import Status

    from .test_content_po import export, import_po

    path = tmp_path / "content.po"
    po = export(path)
    entry = po.find(
        "Avec une infection.", by="msgid", msgctxt="side-effect-sign:infection-risk/confusion:note"
    )
    assert entry.msgstr == "With an infection."
    entry.msgstr = "With an infection or a fever."
    po.save(str(path))
    import_po(path)
    effect = SideEffect.objects.working().get(key="infection-risk")
    assert effect.status == Status.IN_REVIEW
    assert (
        effect.sign_notes.get(symptom__key="confusion").note_en == "With an infection or a fever."
    )
    with override("en"):
        url = SideEffect.objects.published().get(key="infection-risk").get_absolute_url()
    assert "With an infection or a fever." not in client.get(url).content.decode()
    publishing.publish(effect)
    assert "With an infection or a fever." in client.get(url).content.decode()
