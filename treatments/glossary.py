"""The first use of each glossary term on a page becomes an inline definition.

Runs on HTML that nh3 has already sanitised. A term is never linked inside a
heading or an existing link, and only once: in the field a page names as its
glossary field (its article text). The definition is in the page, tied to the
link by aria-describedby, shown on keyboard focus or hover, and the link leads
to the glossary for touch screens and for reading on.
"""

import re
from dataclasses import dataclass
from html import escape

_TAG = re.compile(r"(<[^>]+>)")
_NO_LINK_INSIDE = {"a", "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class GlossaryEntry:
    forms: list[str]  # the term and its aliases, as the articles write them
    slug: str
    url: str
    definition: str  # plain text, short: the glossary page has the whole definition


def _form_pattern(form: str) -> str:
    words = r"[\s\u00a0\u202f]+".join(re.escape(word) for word in form.split())
    # Not inside a longer word: CAR-T is not "T", "immunotherapy" not "therapy".
    return rf"(?<![\w-]){words}(?![\w-])"


def _matcher(glossary):
    """One regex over every form, longest first; abbreviations in capitals match
    only in capitals (TBI, not "tbi" in a word); other forms ignore case."""
    forms = sorted(
        ((form, entry) for entry in glossary for form in entry.forms),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    alternatives, entries = [], []
    for index, (form, entry) in enumerate(forms):
        flags = "" if form.isupper() else "(?i:"
        pattern = _form_pattern(form)
        alternatives.append(f"(?P<f{index}>{flags}{pattern}{')' if flags else ''})")
        entries.append(entry)
    return re.compile("|".join(alternatives)), entries


def _definition_markup(text: str, entry: GlossaryEntry) -> str:
    definition_id = f"page-g-{entry.slug}"
    return (
        f'<span class="gloss"><a href="{escape(entry.url)}" aria-describedby="{definition_id}">'
        f'{text}</a><span id="{definition_id}" role="tooltip">{escape(entry.definition)}</span>'
        "</span>"
    )


_DEFINITION = re.compile(r'<span id="page-g-[^"]*" role="tooltip">[^<]*</span>')


def without_definitions(html: str) -> str:
    """The HTML without the definitions link_glossary_terms put in it (the
    words of another page, which search must not find here)."""
    return _DEFINITION.sub("", html)


def link_glossary_terms(html: str, glossary: list[GlossaryEntry]) -> str:
    if not glossary or not html:
        return html
    pattern, entries = _matcher(glossary)
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
        parts[index] = _link_in_text(part, pattern, entries, linked)
    return "".join(parts)


def _link_in_text(text, pattern, entries, linked):
    out, position = [], 0
    for match in pattern.finditer(text):
        entry = entries[int(match.lastgroup[1:])]
        if entry.slug in linked:
            continue
        linked.add(entry.slug)
        out.append(text[position : match.start()])
        out.append(_definition_markup(match.group(0), entry))
        position = match.end()
    out.append(text[position:])
    return "".join(out)
