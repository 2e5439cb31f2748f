"""The first use of each glossary term on a page becomes an inline definition.

Runs on HTML that nh3 has already sanitised. A term is never linked inside a
heading or an existing link, and only once: in the field a page names as its
glossary field (its article text). The definition is in the page, tied to the
link by aria-describedby, shown on keyboard focus or hover, and the link leads
to the glossary for touch screens and for reading on.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

_TAG = re.compile(r"(<[^>]+>)")
_NO_LINK_INSIDE = {"a", "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class GlossaryEntry:
    forms: list[str]  # the term and its aliases, as the articles write them
    slug: str
    url: str
    definition: str  # plain text, short: the glossary page has the whole definition

    def __hash__(self):  # forms is a list: hashed as a tuple, for the matcher cache
        return hash((tuple(self.forms), self.slug, self.url, self.definition))


def _form_pattern(form: str) -> str:
    words = r"[\s\u00a0\u202f]+".join(re.escape(word) for word in form.split())
    # Not inside a longer word: CAR-T is not "T", "immunotherapy" not "therapy".
    return rf"(?<![\w-]){words}(?![\w-])"


class _Matcher:
    """The rule is one regex over every form, longest first (`pattern`); abbreviations
    in capitals match only in capitals (TBI, not "tbi" in a word), other forms ignore
    case. Tried at every character, its hundreds of alternatives cost about 30 s per
    MB; `finditer` finds the same matches in a small part of that time by trying
    them only where a word starts with a letter that some form starts with, and
    then only the forms that start with that letter."""

    def __init__(self, glossary: tuple[GlossaryEntry, ...]):
        forms = sorted(
            ((form, entry) for entry in glossary for form in entry.forms),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        self.alternatives, self.entries, self.firsts = [], [], []
        capitals, letters = set(), set()
        for index, (form, entry) in enumerate(forms):
            flags = "" if form.isupper() else "(?i:"
            pattern = _form_pattern(form)
            self.alternatives.append(f"(?P<f{index}>{flags}{pattern}{')' if flags else ''})")
            self.entries.append(entry)
            first = form.lstrip()[0]
            (capitals if form.isupper() else letters).add(first)
            self.firsts.append(re.compile(f"{flags or '(?:'}{re.escape(first)})"))
        self.pattern = "|".join(self.alternatives)
        classes = [f"[{re.escape(''.join(sorted(capitals)))}]"] if capitals else []
        classes += [f"(?i:[{re.escape(''.join(sorted(letters)))}])"] if letters else []
        self.starts = re.compile(rf"(?<![\w-])(?:{'|'.join(classes)})") if classes else None
        self.by_letter = {}

    def _starting_with(self, letter: str):
        """The regex of the forms whose first letter matches `letter`, in the rule's
        order; None if there are none."""
        if letter not in self.by_letter:
            alternatives = [
                alternative
                for alternative, first in zip(self.alternatives, self.firsts, strict=True)
                if first.fullmatch(letter)
            ]
            self.by_letter[letter] = re.compile("|".join(alternatives)) if alternatives else None
        return self.by_letter[letter]

    def finditer(self, text: str):
        """The matches of `pattern` in `text`, as re.finditer would give them."""
        position = 0
        while self.starts and (start := self.starts.search(text, position)):
            forms = self._starting_with(start.group())
            match = forms and forms.match(text, start.start())
            if match:
                yield match
                position = match.end()
            else:
                position = start.start() + 1


@lru_cache(maxsize=8)  # a glossary per language; pages are rendered with the same one
def _matcher(glossary: tuple[GlossaryEntry, ...]) -> _Matcher:
    return _Matcher(glossary)


def _definition_markup(text: str, entry: GlossaryEntry) -> str:
    definition_id = f"page-g-{entry.slug}"
    return (
        f'<span class="gloss"><a href="{escape(entry.url)}" aria-describedby="{definition_id}">'
        f'{text}</a><span id="{definition_id}" role="tooltip">{escape(entry.definition)}</span>'
        "</span>"
    )


def link_glossary_terms(html: str, glossary: list[GlossaryEntry]) -> str:
    if not glossary or not html:
        return html
    matcher = _matcher(tuple(glossary))
    linked = set()
    closed_depth = 0  # inside <a> or a heading
    parts = _TAG.split(html)
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in _NO_LINK_INSIDE:
                closed_depth += -1 if part.startswith("</") else 1
            continue
        if closed_depth or not part.strip():
            continue
        parts[index] = _link_in_text(part, matcher, linked)
    return "".join(parts)


def _link_in_text(text, matcher, linked):
    out, position = [], 0
    for match in matcher.finditer(text):
        entry = matcher.entries[int(match.lastgroup[1:])]
        if entry.slug in linked:
            continue
        linked.add(entry.slug)
        out.append(text[position : match.start()])
        out.append(_definition_markup(match.group(0), entry))
        position = match.end()
    out.append(text[position:])
    return "".join(out)
