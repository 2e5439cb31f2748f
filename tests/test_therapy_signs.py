"""Each treatment's own warning signs (the box at the top of its side-effects guide)
are entries of the triage table: its words, its tier, and the treatment's context,
in both languages. Nothing else writes them."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.utils.translation import override

from treatments.models import Action, Therapy

from .test_hostile_content import edit, refused, small  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

CONTENT = Path(settings.CONTENT_DIR)
TREATMENTS = sorted(path.name for path in (CONTENT / "therapies").iterdir() if path.is_dir())


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def plain(html: str) -> str:
    """The visible words: no tags, plain spaces and apostrophes as the files have them."""
    text = re.sub(r"<[^>]+>", "", html).replace("&#x27;", "'").replace("&amp;", "&")
    return " ".join(re.sub(r"[\u00a0\u202f]", " ", text).split())


def box_signs(client, key: str, language: str) -> list[str]:
    """The guide's warning box for the treatment: each sign as the patient reads it."""
    with override(language):
        url = Therapy.objects.published().get(key=key).get_side_effects_url()
    html = client.get(url).content.decode()
    box = html.split('<div class="urgent__specific"')[1].split("</div>")[0]
    return [plain(item) for item in re.findall(r'<li class="sign">(.*?)</li>', box, re.S)]


def sign(client, key, language, symptom):
    """The one line of a treatment's box that names this symptom (as its file names it)."""
    name = front_matter(CONTENT / "symptoms" / symptom / f"{language}.md")["name"]
    lines = [line for line in box_signs(client, key, language) if line.startswith(name)]
    assert len(lines) == 1, (key, symptom, lines)
    return lines[0]


@pytest.mark.parametrize("key", TREATMENTS)
def test_the_guide_box_lists_the_treatment_s_signs_with_the_table_s_tier(client, language, key):
    """Every key of therapy.yaml's warning_signs, in the box, with its name and its tier's
    words (the treatment's context may raise the tier), and the treatment's note."""
    keys = yaml.safe_load((CONTENT / "therapies" / key / "therapy.yaml").read_text())[
        "warning_signs"
    ]
    assert len(keys) >= 5
    lines = box_signs(client, key, language)
    assert len(lines) == len(keys)
    for symptom, line in zip(keys, lines, strict=True):
        folder = CONTENT / "symptoms" / symptom
        words = front_matter(folder / f"{language}.md")
        meta = yaml.safe_load((folder / "symptom.yaml").read_text())
        tiers = {row["therapy"]: row["tier"] for row in meta.get("contexts") or []}
        with override(language):
            label = str(Action(tiers.get(key, meta["tier"])).label)
        assert line.startswith(words["name"]), (symptom, line)
        assert f"— {label}" in line, (symptom, line)
        assert words["contexts"][key]["note"] in line, (symptom, line)


@pytest.mark.parametrize(
    ("key", "symptom", "words"),
    [
        # ICANS: the window after CAR-T cells.
        ("car-t", "confusion", {"fr": "8 semaines", "en": "8 weeks"}),
        ("car-t", "seizure", {"fr": "8 semaines", "en": "8 weeks"}),
        # Interferon: the suicide prevention line.
        ("immunotherapy", "suicidal-thoughts", {"fr": "interféron", "en": "interferon"}),
        # Checkpoint inhibitors: Cancer Research UK's threshold, and what not to take.
        (
            "immunotherapy",
            "diarrhoea",
            {"fr": "diarrhée 4 fois par jour ou plus", "en": "diarrhoea 4 or more times a day"},
        ),
        ("chemotherapy", "fever", {"fr": "paracétamol", "en": "paracetamol"}),
        ("car-t", "slowed-movements", {"fr": "(cible BCMA)", "en": "(BCMA target)"}),
        ("tcr-t", "trial-signs", {"fr": "thérapie cellulaire", "en": "cell therapy trial"}),
    ],
)
def test_a_sign_keeps_the_particulars_of_the_old_text(client, language, key, symptom, words):
    line = sign(client, key, language, symptom)
    assert words[language] in line


def test_interferon_sends_suicidal_thoughts_to_3114_and_15_or_112(client, language):
    line = sign(client, "immunotherapy", language, "suicidal-thoughts")
    with override(language):
        assert str(Action.EMERGENCY.label) in line
    assert "3114" in line and "15" in line and "112" in line


def test_no_tier_goes_down_from_the_old_text(client, language):
    """Lines that said 15 or 112 still say it; those that said "same day" say at least that."""
    with override(language):
        emergency = str(Action.EMERGENCY.label)
        today = str(Action.CALL_TODAY.label)
    for key, symptom in [
        ("chemotherapy", "face-throat-swelling"),
        ("targeted-therapy", "one-sided-weakness-speech"),
        ("targeted-therapy", "black-or-bloody-stools"),
        ("autograft", "black-or-bloody-stools"),
        ("car-t", "seizure"),
    ]:
        assert f"— {emergency}" in sign(client, key, language, symptom), (key, symptom)
    assert f"— {today}" in sign(client, "allograft", language, "dry-tight-skin-stiff-joints")
    assert f"— {today}" in sign(client, "radiotherapy", language, "treated-skin-weeps")


def test_the_sheet_lists_the_treatment_s_own_signs_too(client, language):
    """The sheet: the side effects' signs and the treatment's own, by name (the notes,
    "BCMA" here, are the guide's)."""
    therapy = Therapy.objects.published().get(key="car-t")
    with override(language):
        html = plain(client.get(therapy.get_sheet_url()).content.decode())
        call_now = str(Action.CALL_NOW.label)
    name = front_matter(CONTENT / "symptoms/slowed-movements" / f"{language}.md")["name"]
    section = html[html.index(call_now) :]
    assert name in section and "BCMA" not in section
    assert html.count(name) == 1


def test_a_warning_signs_text_in_a_treatment_s_page_is_refused(small):  # noqa: F811
    edit(
        small / "therapies/car-t/fr.md",
        "summary: Two plain sentences.\n",
        "summary: Two plain sentences.\nwarning_signs: '- Fièvre : appelez le centre.'\n",
    )
    assert refused(small, "--check")[0] == (
        "content/therapies/car-t/fr.md, line 5, field 'warning_signs': unknown field (allowed: "
        "daily_life, key_points, name, side_effects, slug, steps, summary)"
    )
