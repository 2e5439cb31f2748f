"""Reading-ease score of patient text, in its own language.

Flesch reading ease from textstat 0.7.3 (pinned: it counts syllables offline
with pyphen and has French constants). Markdown is reduced to plain text and
each list item or paragraph counts as one sentence, as a reader meets it.
"""

import html
import re

import markdown
import textstat

_BLOCK_END = re.compile(r"</(?:li|p|h[1-6]|td|th)>")
_TAG = re.compile(r"<[^>]+>")


def plain_text(markdown_text: str) -> str:
    rendered = markdown.markdown(markdown_text or "")
    rendered = _BLOCK_END.sub(". ", rendered)
    text = html.unescape(_TAG.sub(" ", rendered))
    text = re.sub(r"([.!?…:;])\s*\.", r"\1", text)  # no doubled stop after an item
    return re.sub(r"\s+", " ", text).strip()


def reading_ease(markdown_text: str, language: str) -> float:
    textstat.set_lang(language)
    return textstat.flesch_reading_ease(plain_text(markdown_text))
