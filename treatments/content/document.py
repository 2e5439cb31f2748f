"""One content file read and checked: its YAML, its Markdown body, and the
problems found, each with its file, line and field."""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import content_yaml
from ..content_yaml import shown
from ..limits import (
    MAX_CONTENT_FILE_SIZE,
    key_points_problem,
    markdown_problem,
    max_length,
    too_long,
)
from ..markdown import image_references

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The one service whose contact details content/service/ holds.
SERVICE_KEY = "service"


def unreadable(key, what) -> str:
    return f"'{key}' is not a known {what}: its own files have problems, listed above"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    field: str | None
    message: str
    # Caused by a problem of another file (a side effect that could not be read
    # is "not a known side effect" for the treatments that list it): listed after.
    consequence: bool = False

    def __str__(self):
        where = str(self.path)
        if self.line:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{shown(self.field, 100)}'"
        return f"{where}: {self.message}"


class ContentErrors(Exception):
    def __init__(self, problems):
        self.problems = sorted(
            problems, key=lambda p: (p.consequence, str(p.path), p.line or 0)
        )  # root causes first
        super().__init__("\n".join(str(problem) for problem in self.problems))


class Document:
    """One content file: its YAML data, its Markdown body, and where each field is."""

    def __init__(self, path: Path, display_path: Path, problems: list, expected=dict, model=None):
        self.expected = expected  # the YAML's top level: a mapping, or a list
        self.model = model  # the model its fields go to: their lengths are checked
        self.path = path
        self.display_path = display_path
        self.problems = problems
        self.data = expected()
        self.body = ""
        self.lines = {}
        self.first_line = 1  # line of the YAML text in the file
        self.body_line = None  # line of the Markdown body in the file
        self.ok = True
        self.figure_keys = None  # the figures its Markdown may place (ContentReader)
        self._read()

    def problem(self, field_path, message, line=None, consequence=False):
        if line is None and field_path is not None:
            line = self.line(field_path)
        self.problems.append(Problem(self.display_path, line, field_path, message, consequence))
        self.ok = False

    def line(self, field_path):
        """The line of a field, or of the nearest field around it that the file has."""
        for _ in range(content_yaml.MAX_DEPTH + 1):  # a key may hold dots: stop anyway
            if field_path in self.lines:
                return self.lines[field_path]
            parent = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", field_path)
            if parent == field_path:
                return None
            field_path = parent
        return None

    def _read(self):
        try:
            size = self.path.stat().st_size
            if size > MAX_CONTENT_FILE_SIZE:  # checked before reading it: memory stays bounded
                self.problem(
                    None, f"too large: {size:,} bytes, at most {MAX_CONTENT_FILE_SIZE:,} allowed", 1
                )
                return
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            self.problem(None, f"not UTF-8 text ({error.reason})")
            return
        except OSError as error:
            self.problem(None, f"cannot be read ({error.strerror})")
            return
        if self.path.suffix == ".md":
            match = re.match(r"---[ \t]*\n(.*?\n)---[ \t]*(?:\n|$)(.*)", text, re.DOTALL)
            if not match:
                self.problem(
                    None, "the file must start with YAML front matter between --- lines", 1
                )
                return
            yaml_text, self.body = match.group(1), match.group(2)
            self.first_line = 2
            self.body_line = self.first_line + yaml_text.count("\n") + 1
        else:
            yaml_text = text
        try:
            data, lines = content_yaml.load(yaml_text, self.first_line)
        except content_yaml.Refused as error:
            self.problem(error.field, error.problem, error.problem_mark.line + self.first_line)
            return
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + self.first_line if mark else None
            self.problem(None, f"invalid YAML: {getattr(error, 'problem', None) or error}", line)
            return
        if not isinstance(data, self.expected):
            wanted = "a mapping of field: value" if self.expected is dict else "a list"
            self.problem(None, f"expected {wanted}", self.first_line)
            return
        self.data = data
        self.lines = lines

    # --- typed accessors: each records a problem and returns a safe value ---

    def check_fields(self, allowed, prefix="", data=None):
        data = self.data if data is None else data
        for name in data:
            if name not in allowed:
                path = f"{prefix}.{name}" if prefix else str(name)
                self.problem(path, f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def text(self, name, required=True, data=None, prefix="", model=None, field=None):
        """A text for the field `field` (by default `name`) of `model` (by
        default the document's), within that field's length."""
        data = self.data if data is None else data
        path = f"{prefix}.{name}" if prefix else name
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(path, "is required and must not be empty")
            return ""
        if not isinstance(value, str | int | float):
            self.problem(path, "must be text")
            return ""
        value = str(value).strip()
        self.check_images(path, value)
        return value if self.fits(path, value, model, field or name) else ""

    def fits(self, path, value, model, field):
        """Whether `value` fits in its database field: the same check on
        SQLite (which would store it whole) and PostgreSQL (which would fail)."""
        model = model or self.model
        limit = max_length(model, field) if model else None
        if limit is not None and len(value) > limit:
            self.problem(path, too_long(len(value), limit))
            return False
        if field in getattr(model, "markdown_fields", ()) and (problem := markdown_problem(value)):
            self.problem(path, problem)
            return False
        return True

    def key_points(self):
        """The page's "Key points": required, a Markdown list of 3 to 5 items.
        A missing one is reported at the front matter's first line."""
        before = len(self.problems)
        value = self.text("key_points", required=False)
        if len(self.problems) == before and (problem := key_points_problem(value)):
            self.problem("key_points", problem, self.line("key_points") or self.first_line)
            return ""
        return value

    def key(self, name, data=None, prefix=""):
        value = self.text(name, data=data, prefix=prefix)
        if value and not KEY_PATTERN.match(value):
            path = f"{prefix}.{name}" if prefix else name
            self.problem(path, f"'{value}' must be lower-case ASCII letters, digits and hyphens")
        return value

    def choice(self, name, choices, data=None, prefix="", model=None, field=None):
        value = self.text(name, data=data, prefix=prefix, model=model, field=field)
        if value and value not in choices.values:
            path = f"{prefix}.{name}" if prefix else name
            self.problem(path, f"'{shown(value)}' is not one of: {', '.join(choices.values)}")
            return ""
        return value

    def date(self, name):
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        self.problem(name, f"'{shown(value)}' must be a date written YYYY-MM-DD")
        return None

    def integer(self, name, required=True, minimum=0, maximum=32767):
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
            self.problem(
                name, f"'{shown(value)}' must be a whole number from {minimum} to {maximum}"
            )
            return None
        return value

    def flag(self, name) -> bool:
        """A yes-or-no field: `true` or `false`, false when left out."""
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            self.problem(name, f"'{shown(value)}' must be true or false")
            return False
        return value

    def key_list(self, name, known, what, broken=()):
        """Keys of known objects; `broken` ones exist but could not be read."""
        value = self.data.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(name, "must be a list of keys, e.g. [one, two]")
            return []
        keys = {}  # a dict: in order, and a key is found at once
        for index, item in enumerate(value):
            path = f"{name}[{index}]"
            if isinstance(item, str) and item in broken:
                self.problem(path, unreadable(item, what), consequence=True)
            elif not isinstance(item, str) or item not in known:
                self.problem(path, f"'{shown(item)}' is not a known {what}")
            elif item in keys:
                self.problem(path, f"'{item}' is listed twice")
            else:
                keys[item] = None
        return list(keys)

    def mapping(self, name, required=True):
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return {}
        if not isinstance(value, dict):
            self.problem(name, "must be a mapping of key: value")
            return {}
        return value

    def markdown_body(self, field="body"):
        body = self.body.strip()
        if not body:
            self.problem(None, "the Markdown body after the front matter is empty")
        limit = max_length(self.model, field) if self.model else None
        if limit is not None and len(body) > limit:
            self.problem(None, f"the Markdown body is {too_long(len(body), limit)}", self.body_line)
            return ""
        if problem := markdown_problem(body):
            self.problem(None, f"the Markdown body: {problem}", self.body_line)
            return ""
        self.check_images(None, body)
        return body

    def check_images(self, path, text):
        """Markdown places only our figures, by a key that exists; an image from
        another site is refused (it would never be shown)."""
        if self.figure_keys is None:
            return
        keys, others = image_references(text)
        for image in others:
            self.problem(
                path,
                f"the image '{shown(image)}' is not a figure: images are placed with "
                "![](figure:key), from content/figures/<key>/, never from another site",
                self.text_line(path, text, image),
            )
        for key in keys:
            if key not in self.figure_keys:
                self.problem(
                    path,
                    f"'figure:{shown(key)}' is not a known figure (content/figures/<key>/)",
                    self.text_line(path, text, key),
                )

    def text_line(self, path, text, token):
        """The line of `token` in a field's text (the Markdown body when path is None)."""
        if path is not None:
            return self.line(path)
        offset = self.body.find(token)
        return self.body_line + self.body.count("\n", 0, offset) if offset >= 0 else None


# --- The content, read and checked ----------------------------------------------------------
