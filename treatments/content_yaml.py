"""The YAML of the content files, read once, and refused cleanly when hostile.

Content files need plain YAML only: mappings, lists, text, numbers and dates.
`load(text)` builds the data from a single parse and notes the line of every
field. It refuses, naming the line and the field, what would let a small file
take gigabytes or minutes, or change a page without anyone noticing:

- anchors and aliases (`&name`, `*name`), which no content file needs: a
  450-byte "alias bomb" expands to millions of values, and aliases are the
  only way to write a recursive structure;
- tags (`!!int`, `!name`) and merge keys (`<<`), which content files do not use either;
- nesting deeper than MAX_DEPTH, more than MAX_VALUES values, and numbers
  longer than MAX_NUMBER_LENGTH characters (a long base-60 number like
  `1:0:0:…` takes quadratic time to build);
- a field given twice in one mapping (YAML would keep the last one silently);
- values PyYAML cannot build: an impossible date (2026-02-30), a number like `0b_`.
"""

import collections.abc

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

if yaml.__with_libyaml__:  # PyYAML's wheels include libyaml: the same events, parsed in C
    from yaml.cyaml import CParser

    PARSER = (CParser,)
else:
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    PARSER = (Reader, Scanner, Parser)

MAX_DEPTH = 10  # levels of nesting; content files use 4
MAX_VALUES = 5_000  # in one file; the largest (synonyms/en.yaml) has 341
MAX_NUMBER_LENGTH = 40

INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
MERGE_TAG = "tag:yaml.org,2002:merge"


class Refused(yaml.MarkedYAMLError):
    """YAML that parses but that content files refuse: `field` says where."""

    def __init__(self, field: str, problem: str, mark):
        super().__init__(problem=problem, problem_mark=mark)
        self.field = field or None


def shown(value, width=60) -> str:
    """A value as a message quotes it: a hostile one can be megabytes long."""
    text = str(value) if not isinstance(value, str) else value
    return text if len(text) <= width else text[: width - 1] + "…"


def _child_field(parent: str, index) -> str:
    """The path of a value: `steps`, `side_effects[2].frequency`…"""
    if isinstance(index, int):  # an item of a list
        return f"{parent}[{index}]"
    if isinstance(index, yaml.ScalarNode):  # the value of a key
        return f"{parent}.{index.value}" if parent else index.value
    return parent  # the document itself, or a key (its mapping's place)


class Loader(Composer, *PARSER, SafeConstructor, Resolver):
    """PyYAML's SafeLoader, with its composer (in Python, before the parser in
    the method order, even libyaml's) and its constructor checking as they go."""

    def __init__(self, text: str, first_line: int):
        PARSER[0].__init__(self, text)
        for base in (*PARSER[1:], Composer, SafeConstructor, Resolver):
            base.__init__(self)
        self.first_line = first_line  # the line of the file the YAML text starts on
        self.fields = []  # the path of each value being composed, outermost first
        self.lines = {}  # path -> line of the field in the file
        self.values = 0

    # --- Composing: the parser's events become nodes, one at a time ---

    def compose_node(self, parent, index):
        event = self.peek_event()
        field = _child_field(self.fields[-1] if self.fields else "", index)
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise Refused(
                field,
                "YAML anchors and aliases (&name, *name) are not allowed in content files: "
                "write the value out in full",
                event.start_mark,
            )
        if getattr(event, "tag", None) is not None:
            raise Refused(
                field,
                f"YAML tags ({shown(event.tag)}) are not allowed in content files: "
                "put text in quotes instead",
                event.start_mark,
            )
        self.values += 1
        if self.values > MAX_VALUES:
            raise Refused(field, f"more than {MAX_VALUES:,} values in one file", event.start_mark)
        if len(self.fields) >= MAX_DEPTH:
            raise Refused(field, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        if index is not None:  # a key's value is on the key's line; a list item on its own
            mark = index.start_mark if isinstance(index, yaml.Node) else event.start_mark
            self.lines[field] = mark.line + self.first_line
        self.fields.append(field)
        node = super().compose_node(parent, index)
        self.fields.pop()
        node.field = field
        return node

    # --- Constructing: nodes become Python values ---

    def construct_object(self, node, deep=False):
        if node.tag in (INT_TAG, FLOAT_TAG) and len(node.value) > MAX_NUMBER_LENGTH:
            raise Refused(
                node.field,
                f"'{shown(node.value)}' is too long for a number (put it in quotes if it is text)",
                node.start_mark,
            )
        try:
            return super().construct_object(node, deep)
        except ValueError:  # PyYAML's int(), float(), date(): only tags that it resolved
            if node.tag == TIMESTAMP_TAG:
                problem = (
                    f"'{shown(node.value)}' is not a valid date "
                    "(a date is written YYYY-MM-DD, e.g. 2026-02-28)"
                )
            else:
                problem = f"'{shown(node.value)}' is not a number (put it in quotes if it is text)"
            raise Refused(node.field, problem, node.start_mark) from None

    def construct_mapping(self, node, deep=False):
        mapping = {}
        lines = {}
        for key_node, value_node in node.value:
            field = _child_field(node.field, key_node)
            if key_node.tag == MERGE_TAG:
                raise Refused(field, "YAML merge keys (<<) are not allowed in content files",
                              key_node.start_mark)  # fmt: skip
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, collections.abc.Hashable):
                raise Refused(field, "a field's name must be a word, not a list or a mapping",
                              key_node.start_mark)  # fmt: skip
            if key in mapping:
                raise Refused(
                    field,
                    f"given twice (first on line {lines[key]}): keep only one",
                    key_node.start_mark,
                )
            lines[key] = key_node.start_mark.line + self.first_line
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def load(text: str, first_line: int = 1):
    """(data, {field path: line in the file}) of a YAML text that starts on
    `first_line` of its file. Raises yaml.YAMLError: Refused, with the field,
    for what content files refuse."""
    loader = Loader(text, first_line)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        return data, loader.lines
    finally:
        loader.dispose()
