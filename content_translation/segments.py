"""Markdown fields cut into translatable segments, and put back together.

A field becomes a list of blocks: headings, paragraphs and list items, each
with the Markdown `prefix` that gives it its place ("## ", "- ", "  1. ") and
its text. Translators see only the text; the English field is rebuilt from the
French blocks, so it always keeps the French structure.

Lines wrapped inside a paragraph or a list item are joined with one space
(Markdown reads a line break there as a space): re-wrapping the French text
does not make its translation look outdated. Tables, quotes and code are kept
line for line as one segment each; horizontal rules are structure only.
"""

import re
from dataclasses import dataclass

# Each pattern runs in linear time, whatever the line (a translation may be
# hostile): the closing #s of a heading are removed by heading_text, not by a
# pattern that would scan a long run of spaces once for each of its positions.
HEADING = re.compile(r"^(#{1,6}[ \t]+)(.*)$")
LIST_ITEM = re.compile(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)(\S.*)$")
RULE = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
VERBATIM = re.compile(r"^[ \t]*(?:\||>|```|~~~)")


@dataclass(frozen=True)
class Block:
    separator: str  # what comes before the block: "" first, then "\n" or "\n\n"
    prefix: str  # the Markdown that places the block: "## ", "- ", "  " ...
    text: str  # the text a translator translates; "" for a rule
    kind: str  # heading, paragraph, list item, table or quote, rule

    @property
    def translatable(self) -> bool:
        return self.kind != "rule" and bool(self.text)

    @property
    def shape(self) -> tuple[str, str]:
        """What must be equal for two blocks to hold the same place: the kind
        and the prefix, whatever the list's numbers or bullet characters."""
        return self.kind, re.sub(r"[*+]", "-", re.sub(r"\d+", "1", self.prefix))


def join_lines(text: str) -> str:
    """One line: how a paragraph's text is compared and stored (each line
    break, with the spaces around it, becomes one space)."""
    return " ".join(line.strip(" \t") for line in text.strip(" \t\n").split("\n"))


def heading_text(text: str) -> str:
    """A heading's text without its closing sequence: `## Title ##` -> `Title`."""
    text = text.rstrip(" \t")
    unclosed = text.rstrip("#")
    if unclosed != text and unclosed[-1:] in (" ", "\t"):
        return unclosed.rstrip(" \t")
    return text


def split_markdown(text: str) -> list[Block]:
    blocks: list[Block] = []
    current: dict | None = None  # the block being read: separator, prefix, kind, lines
    blank_lines = 0

    def close():
        nonlocal current
        if current:
            lines = current.pop("lines")
            joined = "\n".join(lines) if current["kind"] == "table or quote" else " ".join(lines)
            blocks.append(Block(text=joined, **current))
        current = None

    def separator():
        return "\n" * (1 + blank_lines) if blocks or current else ""

    for line in text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n"):
        if not line.strip():
            close()
            blank_lines += 1
            continue
        if heading := HEADING.match(line):
            sep = separator()
            close()
            blocks.append(Block(sep, heading.group(1), heading_text(heading.group(2)), "heading"))
        elif RULE.match(line):
            sep = separator()
            close()
            blocks.append(Block(sep, line.strip(), "", "rule"))
        elif item := LIST_ITEM.match(line):
            sep = separator()
            close()
            current = {"separator": sep, "prefix": item.group(1), "kind": "list item"}
            current["lines"] = [item.group(2).strip(" \t")]
        elif current and not blank_lines:  # a wrapped line of the same block
            kind = current["kind"]
            current["lines"].append(line if kind == "table or quote" else line.strip(" \t"))
        elif VERBATIM.match(line):
            sep = separator()
            close()
            current = {"separator": sep, "prefix": "", "kind": "table or quote", "lines": [line]}
        else:
            sep = separator()
            close()
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            current = {"separator": sep, "prefix": indent, "kind": "paragraph"}
            current["lines"] = [line.strip(" \t")]
        blank_lines = 0
    close()
    return blocks


def segment_texts(blocks: list[Block]) -> list[str]:
    return [block.text for block in blocks if block.translatable]


def same_shape(one: list[Block], other: list[Block]) -> bool:
    return [block.shape for block in one] == [block.shape for block in other]


def rebuild(blocks: list[Block], texts: list[str]) -> str:
    """The Markdown of `blocks` with the translatable texts replaced, in order."""
    texts = iter(texts)
    return "".join(
        block.separator + block.prefix + (next(texts) if block.translatable else "")
        for block in blocks
    )
