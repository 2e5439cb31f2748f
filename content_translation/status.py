"""What is left to translate: the interface's catalogues and the content.

Interface strings are written in English (the msgids), so every other language
of settings.LANGUAGES must translate all of them in its django.po. Content is
written in French, so every other language must translate each field; a field
is "missing" when it is empty, "incomplete" when some of its segments have no
translation, and "outdated" when the French text of some segments changed
since they were translated (fields.resolve, from the translation memory).
"""

from dataclasses import asdict, dataclass, field
from pathlib import Path

import polib
from django.conf import settings

from .fields import CONTENT_SOURCE_LANGUAGE, Memory, resolve, translatable_fields

# The language of the msgids of templates and Python code.
INTERFACE_SOURCE_LANGUAGE = "en"


def interface_catalogue(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def percentage(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 100.0


@dataclass
class CatalogueStatus:
    language: str
    path: str
    total: int = 0
    translated: int = 0
    fuzzy: list = field(default_factory=list)  # the msgids
    missing: list = field(default_factory=list)

    @property
    def percentages(self) -> dict:
        return {
            "translated": percentage(self.translated, self.total),
            "fuzzy": percentage(len(self.fuzzy), self.total),
            "missing": percentage(len(self.missing), self.total),
        }


def catalogue_status(language: str) -> CatalogueStatus:
    path = interface_catalogue(language)
    status = CatalogueStatus(language, str(path))
    if not path.is_file():
        return status
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        status.total += 1
        if entry.fuzzy:
            status.fuzzy.append(entry.msgid)
        elif entry.translated():
            status.translated += 1
        else:
            status.missing.append(entry.msgid)
    return status


def interface_status() -> list[CatalogueStatus]:
    return [
        catalogue_status(code)
        for code, _name in settings.LANGUAGES
        if code != INTERFACE_SOURCE_LANGUAGE
    ]


@dataclass
class FieldStatus:
    id: str  # therapy:car-t:body
    label: str  # treatment car-t, article
    state: str  # missing, incomplete or outdated
    segments: int  # how many segments the French field has
    affected: int  # how many of them are untranslated or outdated


@dataclass
class ContentStatus:
    language: str
    fields: int = 0
    problems: list[FieldStatus] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for problem in self.problems if problem.state == state)


def content_status(language: str) -> ContentStatus:
    status = ContentStatus(language)
    memory = Memory(language)
    for translatable in translatable_fields():
        status.fields += 1
        total = len(translatable.segments)
        if not translatable.value(language).strip():
            state, affected = "missing", total
        else:
            resolved = resolve(translatable, memory)
            untranslated = sum(1 for item in resolved if not item.translation)
            outdated = sum(1 for item in resolved if item.fuzzy)
            if untranslated:
                state, affected = "incomplete", untranslated
            elif outdated:
                state, affected = "outdated", outdated
            else:
                continue
        status.problems.append(
            FieldStatus(translatable.id, translatable.label(), state, total, affected)
        )
    return status


def translation_status() -> dict:
    """The whole report, as plain data (for the command's JSON and the admin)."""
    content_languages = [
        code for code, _name in settings.LANGUAGES if code != CONTENT_SOURCE_LANGUAGE
    ]
    return {
        "interface": [
            {**asdict(catalogue), "percentages": catalogue.percentages}
            for catalogue in interface_status()
        ],
        "interface_source_language": INTERFACE_SOURCE_LANGUAGE,
        "content": [
            {
                **asdict(content),
                "missing": content.count("missing"),
                "incomplete": content.count("incomplete"),
                "outdated": content.count("outdated"),
            }
            for content in map(content_status, content_languages)
        ],
        "content_source_language": CONTENT_SOURCE_LANGUAGE,
    }
