"""How long a text may be: the one place the content reader, the PO import and
the admin take their limits from (content/README.md states them for editors).

A field's limit is its model field's `max_length`; a text field without one
(articles, summaries, lists in Markdown) holds at most MAX_MARKDOWN_LENGTH
characters: enough for a very long article (today's longest is 26,000), small
enough that saving, rendering and translating one stays fast.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .markdown import RENDER_CPU_SECONDS, MarkdownTooComplex, render_markdown

MAX_MARKDOWN_LENGTH = 200_000  # characters in one text field (200 kB of plain text)
MAX_CONTENT_FILE_SIZE = 2_000_000  # bytes of one file of content/ (today's largest: 26 kB)
MAX_PO_FILE_SIZE = 20_000_000  # bytes of a content PO file (today's: 0.9 MB)


def max_length(model, name: str) -> int | None:
    """The most characters the field `name` of `model` holds (its language
    fields, name_fr or name_en, hold as many); None for a field that is not text."""
    field = model._meta.get_field(name)
    if field.max_length:
        return field.max_length
    if isinstance(field, models.TextField):
        return MAX_MARKDOWN_LENGTH
    return None


def too_long(length: int, limit: int) -> str:
    """The message of the content reader and the PO import (for the operator, in English)."""
    return f"too long: {length:,} characters, at most {limit:,} allowed"


def validate_markdown_length(value: str) -> None:
    """For the model's text fields, so that the admin refuses what the reader refuses."""
    if value and len(value) > MAX_MARKDOWN_LENGTH:
        raise ValidationError(
            _(
                "This text has %(length)s characters; a text can have at most %(limit)s. "
                "Shorten it or split it into several pages."
            ),
            code="max_length",
            params={
                "length": number_format(len(value), force_grouping=True),
                "limit": number_format(MAX_MARKDOWN_LENGTH, force_grouping=True),
            },
        )


# "Key points" (L'essentiel): the few sentences a page opens with, a Markdown list.
KEY_POINTS_ITEMS = (3, 5)  # at least, at most
_KEY_POINT = re.compile(r"^(?:[-*+]|\d{1,9}[.)])[ \t]+\S", re.MULTILINE)


def key_points_count(text: str) -> int:
    """The number of items of a key-points list (top-level list items)."""
    return len(_KEY_POINT.findall(text or ""))


def key_points_problem(text: str) -> str | None:
    """Why a key-points text is refused, for the content reader (in English), or None."""
    count, (fewest, most) = key_points_count(text), KEY_POINTS_ITEMS
    rule = f"a Markdown list of {fewest} to {most} items ('- …')"
    if not (text or "").strip():
        return f"is required: {rule}"
    if not fewest <= count <= most:
        return f"must be {rule}; it has {count}"
    return None


def validate_key_points(value: str) -> None:
    """The same rule in the admin, in the staff's language."""
    if value and key_points_problem(value):
        fewest, most = KEY_POINTS_ITEMS
        raise ValidationError(
            _("Key points are a Markdown list of %(fewest)s to %(most)s items (“- …”)."),
            code="key_points",
            params={"fewest": fewest, "most": most},
        )


def markdown_problem(text: str) -> str | None:
    """Why the text cannot be rendered (for the operator, in English), or None: the
    content reader and the PO import ask before anything is saved."""
    try:
        render_markdown(text, "en")
    except MarkdownTooComplex:
        return (
            f"its Markdown cannot be rendered within {RENDER_CPU_SECONDS:g} s (thousands of"
            " '[', '*' or '\\\\' in a row, or lists or quotes nested hundreds deep?): simplify it"
        )
    return None


def validate_markdown(value: str) -> None:
    """For the admin's Markdown fields: what the reader and the PO import refuse."""
    validate_markdown_length(value)
    if value and markdown_problem(value):
        raise ValidationError(
            _(
                "The formatting of this text is too complex to be shown (for instance "
                "thousands of “[” or “*” in a row, or lists or quotes nested very deep). "
                "Simplify its formatting."
            ),
            code="markdown_too_complex",
        )
