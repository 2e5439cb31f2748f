"""The content as a PO file for translators, and back (docs/translators.md).

`export_po(language)` builds the catalogue: one entry per segment, msgctxt its
id, msgid the French text, msgstr the translation that stands for it now
(fields.resolve), `#, fuzzy` with the previous French text (`#| msgid`) when
the French has changed since.

`import_po(path, language)` checks the whole file first and raises PoErrors,
naming the file, line and entry of every problem, before anything is written.
Then, in one transaction, it remembers each translated entry that is not fuzzy
and rebuilds each English field from the French structure. A fuzzy or empty
entry leaves its segment as the reader sees it now, so a page never shows a
translation of an older French text as if it were current, nor loses text.
"""

import os
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polib
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from modeltranslation.utils import build_localized_fieldname

from treatments import publishing
from treatments.limits import MAX_PO_FILE_SIZE, markdown_problem, max_length, too_long
from treatments.markdown import image_references
from treatments.models import Figure

from .fields import (
    CONTENT_SOURCE_LANGUAGE,
    Memory,
    TranslatableField,
    resolve,
    source_file,
    translatable_fields,
)
from .models import SegmentTranslation
from .segments import join_lines, split_markdown

HEADER = """\
Hémato-Info: the content (articles, side effects, diseases, glossary), French to {language}.
Written by `manage.py export_content_po {language}`; read back by
`manage.py import_content_po {language}`. See docs/translators.md.
msgctxt: which text this is (do not change it); msgid: the French text;
msgstr: your translation, Markdown included (**bold**, [links](...)).
A fuzzy entry is shown with its old translation until you remove the flag."""

# One-line fields: a line break in their translation would be a mistake.
ONE_LINE_FIELDS = {"name", "title", "duration", "figure"}


def default_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "content.po"


def check_language(language: str) -> None:
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes or language == CONTENT_SOURCE_LANGUAGE:
        others = ", ".join(code for code in codes if code != CONTENT_SOURCE_LANGUAGE)
        raise ValueError(f"'{language}' is not a language content is translated into ({others})")


# --- Export ---------------------------------------------------------------------------------


def export_po(language: str) -> polib.POFile:
    check_language(language)
    po = polib.POFile(wrapwidth=78)
    po.header = HEADER.format(language=language)
    # No date: exporting unchanged content gives the same file.
    po.metadata = {
        "Project-Id-Version": "Hémato-Info content",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
        "X-Source-Language": CONTENT_SOURCE_LANGUAGE,
    }
    memory = Memory(language)
    for translatable in translatable_fields():
        total = len(translatable.segments)
        for item in resolve(translatable, memory):
            segment = item.segment
            where = translatable.label()
            if translatable.markdown:
                where += f": {segment.kind} {segment.number} of {total}"
            entry = polib.POEntry(
                msgctxt=segment.context,
                msgid=segment.text,
                msgstr=item.translation,
                comment=where,
                occurrences=[(source_file(translatable.obj), "")],
            )
            if item.fuzzy:
                entry.flags.append("fuzzy")
                entry.previous_msgid = item.previous_source
            po.append(entry)
    return po


# --- Import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoProblem:
    path: Path
    line: int | None
    context: str | None
    message: str

    def __str__(self):
        where = str(self.path) + (f", line {self.line}" if self.line else "")
        if self.context:
            where += f", entry '{self.context}'"
        return f"{where}: {self.message}"


class PoErrors(Exception):
    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class ImportReport:
    stored: int = 0  # translations remembered (new or changed)
    fields_updated: list = field(default_factory=list)  # "therapy:car-t:body"...
    fields_kept: list = field(default_factory=list)  # (field id, segments without translation)
    objects_saved: int = 0


def msgfmt_problems(path: Path) -> list[PoProblem]:
    """gettext's own check of the syntax: polib lets some broken files through
    (an unclosed string is read as an empty one)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:  # gettext is a documented requirement; polib still checks
        return []
    result = subprocess.run(  # noqa: S603 (a fixed program on a file path, no shell)
        [msgfmt, "--output-file", os.devnull, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
        check=False,
    )
    if result.returncode == 0:
        return []
    problems = []
    for line in result.stderr.splitlines():
        if match := re.match(r"^.*?:(\d+): (.*)$", line):
            number, message = int(match.group(1)), match.group(2)
            if message == "end-of-line within string":
                number -= 1  # msgfmt counts the line break it stopped at: the next line
            problems.append(PoProblem(path, number, None, message))
    return problems or [PoProblem(path, None, None, result.stderr.strip())]


def read_po(path: Path, language: str, fields: list[TranslatableField]) -> dict:
    """The file's entries by msgctxt, every one checked against the current content."""
    path = Path(path)
    if not path.is_file():
        raise PoErrors([PoProblem(path, None, None, "no such file")])
    size = path.stat().st_size
    if size > MAX_PO_FILE_SIZE:  # checked before reading it: memory stays bounded
        message = f"too large: {size:,} bytes, at most {MAX_PO_FILE_SIZE:,} allowed"
        raise PoErrors([PoProblem(path, None, None, message)])
    problems = msgfmt_problems(path)
    if problems:
        raise PoErrors(problems)
    try:
        po = polib.pofile(str(path), encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError) as error:
        # polib says "Syntax error in po file <path> (line N)": the line is kept.
        message = str(error).replace(f" in po file {path}", "")
        raise PoErrors([PoProblem(path, None, None, message)]) from None
    declared = po.metadata.get("Language") or language
    if declared != language:
        problems.append(PoProblem(path, None, None, f"this file is for '{declared}'"))
    segments = {
        segment.context: (translatable, segment)
        for translatable in fields
        for segment in translatable.segments
    }
    entries = {}
    for entry in po:
        if entry.obsolete:
            continue

        def problem(message, entry=entry):
            problems.append(PoProblem(path, entry.linenum or None, entry.msgctxt, message))

        if not entry.msgctxt:
            problem(f"the entry '{entry.msgid[:40]}' has no msgctxt: keep the exported one")
        elif entry.msgctxt in entries:
            problem(f"the entry is in the file twice (also line {entries[entry.msgctxt].linenum})")
        elif entry.msgctxt not in segments:
            problem("no such text in the current content (was it removed or renamed?)")
        else:
            translatable, segment = segments[entry.msgctxt]
            if entry.msgid != segment.text:
                problem(
                    "the msgid does not match the current content: the French text has "
                    "changed since the export (export again and merge this file into the "
                    "new one: msgmerge --previous this.po new.po)"
                )
            elif usable(entry) and not fits(translatable, segment.number, entry.msgstr):
                problem(
                    "the translation must keep the shape of the French text: no empty line, "
                    "no heading or list marker of its own, one line for a name or title"
                )
            entries[entry.msgctxt] = entry
    if problems:
        raise PoErrors(problems)
    return entries


def fits(translatable: TranslatableField, number: int, translation: str) -> bool:
    """Whether a translation can take the place of the French segment as it is."""
    if not translatable.markdown:
        return translatable.name not in ONE_LINE_FIELDS or "\n" not in translation.strip()
    block = translatable.translatable_blocks[number - 1]
    blocks = split_markdown(block.prefix + translation.strip())
    return len(blocks) == 1 and blocks[0].shape == block.shape


def clean(translatable: TranslatableField, number: int, translation: str) -> str:
    """A translation as it goes into the field: a paragraph's or list item's
    lines joined, as the French segments are."""
    block = translatable.translatable_blocks[number - 1] if translatable.markdown else None
    if block and block.kind != "table or quote":
        return join_lines(translation)
    return translation.strip()


def usable(entry: polib.POEntry | None) -> bool:
    return bool(entry and entry.msgstr and not entry.fuzzy)


def import_po(path: Path, language: str) -> ImportReport:
    check_language(language)
    fields = list(translatable_fields())
    entries = read_po(path, language, fields)
    memory = Memory(language)
    report = ImportReport()
    translations = {}  # msgctxt -> (French text, translation) to remember
    changes = defaultdict(dict)  # object -> {localized field name: value}
    problems = []
    for translatable in fields:
        if not any(segment.context in entries for segment in translatable.segments):
            continue  # not in this file: left as it is
        texts = []
        for item in resolve(translatable, memory):
            segment = item.segment
            entry = entries.get(segment.context)
            if usable(entry):
                text = clean(translatable, segment.number, entry.msgstr)
                translations[segment.context] = (segment.text, text)
            else:  # fuzzy or empty: the reader keeps what they see now
                text = item.translation
            texts.append(text)
        if "" in texts:
            report.fields_kept.append((translatable.id, texts.count("")))
        elif texts != translatable.current_translations(language):
            value = translatable.build(texts)
            if problem := length_problem(path, translatable, value, entries):
                problems.append(problem)
                continue
            if problem := image_problem(path, translatable, value, entries):
                problems.append(problem)
                continue
            name = build_localized_fieldname(translatable.name, language)
            changes[translatable.obj][name] = value
            report.fields_updated.append(translatable.id)
    if problems:
        raise PoErrors(problems)
    with transaction.atomic():
        report.stored = remember(translations, memory)
        for obj, values in changes.items():
            for name, value in values.items():
                setattr(obj, name, value)
            fill_slug(obj, language)
            obj.save()  # the working version: patients see it once a reviewer publishes it
            publishing.changed(obj)
        report.objects_saved = len(changes)
    return report


def image_problem(path, translatable, value, entries) -> PoProblem | None:
    """A translation that would show an image from another site (never rendered),
    or place a figure that does not exist: refused, as the admin and the loader do."""
    keys, others = image_references(value)
    known = set(Figure.objects.working().filter(key__in=keys).values_list("key", flat=True))
    unknown = [key for key in keys if key not in known]
    if not others and not unknown:
        return None
    entry = next((entries[s.context] for s in translatable.segments if s.context in entries), None)
    message = (
        f"{translatable.id}: the image '{others[0][:100]}' is not a figure (use ![](figure:key))"
        if others
        else f"{translatable.id}: 'figure:{unknown[0]}' is not a known figure"
    )
    return PoProblem(Path(path), entry.linenum if entry else None, entry and entry.msgctxt, message)


def length_problem(path, translatable, value, entries) -> PoProblem | None:
    """A field that its translation would make longer than the database field
    allows (model field's max_length, or limits.MAX_MARKDOWN_LENGTH): the same
    refusal on SQLite, which would store it whole, and PostgreSQL, which would
    fail; or Markdown that cannot be rendered in time. Named at the field's
    longest entry in the file."""
    limit = max_length(type(translatable.obj), translatable.name)
    if limit is not None and len(value) > limit:
        message = f"{translatable.id} would be {too_long(len(value), limit)}"
    elif translatable.markdown and (problem := markdown_problem(value)):
        message = f"{translatable.id}: {problem}"
    else:
        return None
    given = [entries[s.context] for s in translatable.segments if s.context in entries]
    entry = max(given, key=lambda entry: len(entry.msgstr))
    return PoProblem(Path(path), entry.linenum or None, entry.msgctxt, message)


def remember(translations: dict, memory: Memory) -> int:
    """Stores each new translation with the French text it translates."""
    new = []
    changed = 0
    for context, (source, translation) in translations.items():
        row = memory.by_context.get(context)
        if row is None:
            new.append(
                SegmentTranslation(
                    language=memory.language,
                    context=context,
                    source=source,
                    translation=translation,
                )
            )
        elif (row.source, row.translation) != (source, translation):
            row.source, row.translation = source, translation
            row.save(update_fields=["source", "translation", "updated_at"])
            changed += 1
    SegmentTranslation.objects.bulk_create(new)
    return len(new) + changed


def fill_slug(obj, language: str) -> None:
    """A page translated for the first time gets a slug made from its new
    name; an existing slug is never changed, so links to it keep working."""
    if not hasattr(obj, "slug"):
        return
    slug_field = build_localized_fieldname("slug", language)
    name = getattr(obj, build_localized_fieldname("name", language))
    if getattr(obj, slug_field) or not name:
        return
    base = slugify(name)[:190] or obj.key
    slug, number = base, 1
    model = type(obj)
    while model.objects.working().filter(**{slug_field: slug}).exclude(pk=obj.pk).exists():
        number += 1
        slug = f"{base}-{number}"
    setattr(obj, slug_field, slug)
