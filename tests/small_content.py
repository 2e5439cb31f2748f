"""A small, valid content folder (one of each kind of file), written by tests
that read many hostile variants of it: reading it takes milliseconds, where
the portal's whole content/ takes a second."""

from pathlib import Path

PAGE = """---
name: {name}
slug: {slug}
summary: Two plain sentences.
{extra}key_points: "- One.\\n- Two.\\n- Three."
---
## {name}

A short article.
"""

FILES = {
    "sources/one.yaml": (
        "title: A source\npublisher: A publisher\nurl: https://example.org/one\n"
        "year: 2024\nlanguage: en\n"
    ),
    "side-effects/fatigue/side-effect.yaml": "sources: [one]\n",
    "therapies/car-t/therapy.yaml": """\
family: cell-therapy
order: 1
status: published
sources: [one]
steps: [infusion]
side_effects:
  - key: fatigue
    frequency: very-common
    onset: first-days
    action: next-visit
""",
    "diseases/myeloma/disease.yaml": "order: 1\ntherapies: [car-t]\nsources: [one]\n",
    "symptoms/fever/symptom.yaml": (
        "tier: call-now\norder: 1\nsources: [one]\n"
        "contexts:\n  - therapy: car-t\n    tier: call-now\n"
    ),
    "synonyms/fr.yaml": "- [CAR-T, CART]\n",
    "synonyms/en.yaml": "- [CAR-T, CART]\n",
}
SIDE_EFFECT_EXTRA = "self_care: '- Rest.'\n"
THERAPY_EXTRA = (
    "steps:\n  infusion:\n    title: The infusion\n    duration: One hour\n"
    "side_effects:\n  fatigue:\n    duration: A few weeks\n"
)
for language in ("fr", "en"):
    FILES[f"side-effects/fatigue/{language}.md"] = PAGE.format(
        name=f"Fatigue {language}", slug=f"fatigue-{language}", extra=SIDE_EFFECT_EXTRA
    )
    FILES[f"therapies/car-t/{language}.md"] = PAGE.format(
        name=f"CAR-T {language}", slug=f"car-t-{language}", extra=THERAPY_EXTRA
    )
    FILES[f"diseases/myeloma/{language}.md"] = PAGE.format(
        name=f"Myeloma {language}", slug=f"myeloma-{language}", extra=""
    )
    FILES[f"symptoms/fever/{language}.md"] = (
        f"---\nname: Fever {language}\nthreshold: 38 °C or more\nwhat_to_do: Call now.\n"
        f"contexts:\n  car-t:\n    note: Call the centre.\n---\n"
    )
    FILES[f"glossary/aplasia/{language}.md"] = (
        f"---\nterm: Aplasia {language}\nslug: aplasia-{language}\n---\nA definition.\n"
    )


def write_small_content(root: Path) -> Path:
    for relative, text in FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
