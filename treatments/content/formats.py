"""Each kind's file format, declared once (content/README.md describes them for
people): its folder in content/, the YAML file of its language-neutral fields,
and the front-matter fields of each language's file, in the order files write
them. The reader accepts these fields and no other; the exporter writes them."""

from dataclasses import dataclass

from ..models import (
    Article,
    CareService,
    Disease,
    Figure,
    GlossaryTerm,
    SideEffect,
    Source,
    Symptom,
    Therapy,
)

# Content files say only whether a new object goes online when it is first
# loaded; reviews are signed in the admin by a person (publishing.py).
REVIEW_FIELDS = ("status",)


@dataclass(frozen=True)
class FileFormat:
    folder: str  # in content/
    meta_file: str  # the language-neutral YAML in each object's folder ("" if none)
    meta: tuple[str, ...]  # its fields, besides the review fields
    texts: tuple[str, ...]  # each language's written fields
    rows: tuple[str, ...] = ()  # each language's mappings of rows (key -> texts)

    @property
    def meta_fields(self) -> set[str]:
        return {*self.meta, *REVIEW_FIELDS}

    @property
    def language_fields(self) -> set[str]:
        return {*self.texts, *self.rows}


SIDE_EFFECT_SIGN_TEXTS = ("note",)  # side-effects/<key>/<lang>.md `signs:`
STEP_TEXTS = ("title", "duration", "body")  # therapies/<key>/<lang>.md `steps:`
ROW_TEXTS = ("duration", "figure", "notes")  # therapies/<key>/<lang>.md `side_effects:`
ROW_META = ("key", "frequency", "onset", "action")  # therapy.yaml `side_effects:`
CONTEXT_TEXTS = ("note",)  # symptoms/<key>/<lang>.md `contexts:`
CONTEXT_META = ("therapy", "tier")  # symptom.yaml `contexts:`
LINKED_PAGE_META = ("order", "therapies", "sources")
LINKED_PAGE_TEXTS = ("name", "slug", "summary", "key_points")

FORMATS = {
    Source: FileFormat("sources", "", ("title", "publisher", "url", "year", "language"), ()),
    Figure: FileFormat(
        "figures", "figure.yaml", ("licence", "sources"), ("alt", "caption", "credit")
    ),
    GlossaryTerm: FileFormat("glossary", "term.yaml", (), ("term", "slug", "aliases")),
    Symptom: FileFormat(
        "symptoms",
        "symptom.yaml",
        ("tier", "order", "on_every_page", "sources", "contexts"),
        ("name", "threshold", "what_to_do"),
        rows=("contexts",),
    ),
    SideEffect: FileFormat(
        "side-effects",
        "side-effect.yaml",
        ("sources", "symptom", "warning_signs", "raised_tiers"),
        ("name", "slug", "summary", "key_points", "self_care"),
        rows=("signs",),
    ),
    Therapy: FileFormat(
        "therapies",
        "therapy.yaml",
        ("family", "order", "sources", "warning_signs", "steps", "side_effects"),
        ("name", "slug", "summary", "key_points", "daily_life"),
        rows=("steps", "side_effects"),
    ),
    Disease: FileFormat("diseases", "disease.yaml", LINKED_PAGE_META, LINKED_PAGE_TEXTS),
    Article: FileFormat("articles", "article.yaml", LINKED_PAGE_META, LINKED_PAGE_TEXTS),
    CareService: FileFormat(
        "service",
        "service.yaml",
        ("ward_phone", "day_hospital_phone", "switchboard_phone"),
        ("name", "address", "day_hospital_hours", "after_hours"),
    ),
}
# What an export rewrites (and prunes) in content/.
EXPORTED_FOLDERS = (*(f.folder for f in FORMATS.values()), "synonyms")
