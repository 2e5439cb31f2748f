"""Markdown to safe HTML: the one place where staff text becomes page HTML.

Python-Markdown converts, then nh3 keeps only an allow-list of tags and
attributes, so no staff input can put script, event handlers, styles or
`javascript:` links into a patient's page. Headings get stable ASCII ids for
the in-page table of contents; French text gets its non-breaking spaces.
"""

import ctypes
import re
import signal
import threading
import time
from contextlib import contextmanager
from html import unescape
from xml.etree import ElementTree

import markdown
import nh3
from django.utils.text import slugify
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "abbr", "sup", "sub", "figure",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope"},
    "ol": {"start"},
    "figure": {"data-figure"},
}
# A figure is placed by its key; what render_markdown leaves there, a <figure
# data-figure="key"> with nothing in it, is filled when the page is rendered
# (figures.place_figures) with the published figure, or with nothing.
FIGURE_SCHEME = "figure:"
_FIGURE_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Ids starting with "page-" belong to the page templates (skip link, sections).
TEMPLATE_ID_PREFIX = "page-"

_TAG_OR_TEXT = re.compile(r"(<[^>]*>|&#?\w+;)")  # tags and entities are left alone
_ENTITY = re.compile(r"(&#?\w+;)")
# French typography: a non-breaking space before : and », after «; a narrow one before ; ! ?
# A colon gets its space after any character, ")" and "»" included, and at the start of
# a text segment, where it follows a tag ("**Fièvre** :" renders as "</strong> :").
# A run of spaces is only tried from its first space ((?<!...), (?<=\S)): tried from each
# of its spaces, a long run without punctuation after it took quadratic time.
_FRENCH_SPACES = [
    (re.compile(r"(?<![ \u00a0\u202f])[ \u00a0\u202f]*([;!?])"), "\u202f\\1"),
    (re.compile(r"(?:(?<=\S)|^)[ \u00a0\u202f]*:(?=\s|$)"), "\u00a0:"),
    (re.compile(r"«[ \u00a0\u202f]*"), "«\u00a0"),
    (re.compile(r"(?<![ \u00a0\u202f])[ \u00a0\u202f]*»"), "\u00a0»"),
]


def _split_tags(text: str) -> list[str]:
    """_TAG_OR_TEXT.split(text), in linear time: after the last ">" no "<" can open a
    tag, and searching for one from each "<" of a long run took quadratic time."""
    end = text.rfind(">") + 1
    head = _TAG_OR_TEXT.split(text[:end])
    tail = _ENTITY.split(text[end:])
    return [*head[:-1], head[-1] + tail[0], *tail[1:]]


def french_typography(text: str) -> str:
    """Puts the non-breaking spaces of French typography into text or HTML."""
    parts = _split_tags(text)
    for index in range(0, len(parts), 2):  # even parts are text, odd ones tags or entities
        segment = parts[index]
        for pattern, replacement in _FRENCH_SPACES:
            segment = pattern.sub(replacement, segment)
        parts[index] = segment
    return "".join(parts)


def _heading_id(value: str, separator: str) -> str:
    anchor = slugify(value) or "section"
    return f"section-{anchor}" if anchor.startswith(TEMPLATE_ID_PREFIX) else anchor


def _toc_ids(tokens) -> set[str]:
    return {token["id"] for token in tokens} | {
        anchor for token in tokens for anchor in _toc_ids(token["children"])
    }


# Python-Markdown is quadratic or worse on some texts ("[" * 20_000 took 149 s; "*a" or
# "\\" repeated, lists or quotes nested thousands deep): no cheap check finds them all, so
# its conversion gets a budget of CPU time. Today's longest article takes about 25 ms.
RENDER_CPU_SECONDS = 2.0


class MarkdownTooComplex(ValueError):
    """Python-Markdown could not convert the text within RENDER_CPU_SECONDS, or the
    text is nested so deeply ("1. 1. 1. …") that its parser runs out of stack."""


@contextmanager
def _cpu_limit(seconds: float):
    """Raises MarkdownTooComplex in the block once it has used `seconds` of CPU time,
    or when the block runs out of stack."""
    try:
        with _cpu_timer(seconds):
            yield
    except RecursionError:
        raise MarkdownTooComplex("nested too deeply to be converted") from None


class _OutOfCpuTime(MarkdownTooComplex):
    def __init__(self, *args):  # raised by its class, without arguments (_thread_timer)
        super().__init__(*args or ["not converted within the CPU time allowed"])


REPEAT_SECONDS = 0.05
REPEATS = 10


def _cpu_timer(seconds: float):
    """Raises _OutOfCpuTime in the block once it has used `seconds` of CPU time, and again
    every 50 ms: an exception raised while the interpreter runs a __del__ (the garbage
    collector, at any moment) is printed and dropped, not raised. Gunicorn's sync workers,
    commands and tests run in the main thread, where a signal does it; runserver's requests
    run in threads of their own, where a watcher thread does."""
    if threading.current_thread() is threading.main_thread():
        return _signal_timer(seconds)
    return _thread_timer(seconds)


@contextmanager
def _signal_timer(seconds: float):
    running = True

    def stop(signum, frame):
        if running:  # the handler runs in this thread: nothing is raised once the block ended
            raise _OutOfCpuTime

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds, REPEAT_SECONDS)
    try:
        yield
    finally:
        running = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@contextmanager
def _thread_timer(seconds: float):
    """The watcher reads the block's thread's CPU clock and raises the exception in it (at its
    next bytecode, as a signal would). Unlike a signal's handler it cannot tell whether the
    block has just ended: one raised in that instant, before the block could say so, reaches
    the code after it; then REPEATS bounds how long it goes on."""
    target = threading.get_ident()
    clock = time.pthread_getcpuclockid(target)
    deadline = time.clock_gettime(clock) + seconds
    running = threading.Event()
    running.set()
    lock = threading.Lock()

    def watch():
        raised = 0
        while running.is_set() and raised < REPEATS:
            left = deadline - time.clock_gettime(clock)
            time.sleep(min(left, REPEAT_SECONDS) if left > 0 else REPEAT_SECONDS)
            with lock:
                if running.is_set() and time.clock_gettime(clock) >= deadline:
                    _raise_in_thread(target, _OutOfCpuTime)
                    raised += 1

    watcher = threading.Thread(target=watch, name="markdown-cpu-limit", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        while running.is_set():
            try:
                with lock:
                    running.clear()
                    _raise_in_thread(target, None)  # one raised as the block ended
            except _OutOfCpuTime:
                pass  # it arrived here: the block had ended, its result stands


def _raise_in_thread(thread: int, exception: type[BaseException] | None):
    """Raises `exception` in that thread at its next bytecode; None takes a pending one back."""
    pending = ctypes.py_object(exception) if exception else None  # None: a NULL pointer
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), pending)


class _FigureImages(Treeprocessor):
    """Every Markdown image is taken out of the text: `![](figure:key)` leaves a
    figure placeholder after its paragraph, any other image nothing. Both are
    listed on the converter (figure_keys, other_images) for the validators."""

    def run(self, root):
        self.md.figure_keys, self.md.other_images = [], []
        parents = {child: parent for parent in root.iter() for child in parent}
        for image in list(root.iter("img")):
            source = (image.get("src") or "").strip()
            key = source.removeprefix(FIGURE_SCHEME) if source.startswith(FIGURE_SCHEME) else ""
            if _FIGURE_KEY.match(key):
                self.md.figure_keys.append(key)
            else:
                self.md.other_images.append(source)
                key = ""
            parent = parents[image]
            _remove(parent, image)
            if not key:
                continue
            block = parent if parent in parents and parent.tag == "p" else image
            outer = parents.get(block, parent)
            position = list(outer).index(block) + 1 if block in outer else len(outer)
            placeholder = ElementTree.Element("figure", {"data-figure": key})
            placeholder.tail = "\n"
            outer.insert(position, placeholder)
            if block is parent and not (parent.text or "").strip() and not len(parent):
                outer.remove(parent)


def _remove(parent, child):
    """Takes `child` out of `parent`, keeping the text that followed it."""
    index = list(parent).index(child)
    if child.tail:
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


class _FigureExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 — Python-Markdown's name
        md.treeprocessors.register(_FigureImages(md), "figure_images", 5)


def _converter():
    return markdown.Markdown(
        extensions=[
            "tables",
            "sane_lists",
            TocExtension(slugify=_heading_id, toc_depth="1-4"),
            _FigureExtension(),
        ],
        output_format="html",
    )


_RAW_IMAGE = re.compile(r"<\s*img\b", re.IGNORECASE)
_PLACED = re.compile(r'<figure data-figure="([a-z0-9-]+)"></figure>')


def image_references(text: str) -> tuple[list[str], list[str]]:
    """(figure keys, refused images) of a Markdown text: the figures it places
    and every other image (an address, raw <img>), which is never rendered."""
    if "![" not in text and "<" not in text:
        return [], []  # no image can be there: no Markdown work
    converter = _converter()
    with _cpu_limit(RENDER_CPU_SECONDS):
        html = converter.convert(text)
    raw = ["<img>"] * len(_RAW_IMAGE.findall(text))
    # A raw <figure data-figure="key"> places a figure too, as the sanitiser keeps it.
    keys = [*converter.figure_keys, *_PLACED.findall(html)]
    return list(dict.fromkeys(keys)), [*converter.other_images, *raw]


def render_markdown(text: str, language: str) -> str:
    """Sanitised HTML; MarkdownTooComplex when Python-Markdown cannot convert it in time
    (limits.markdown_problem() tells editors before anything is saved)."""
    converter = _converter()
    with _cpu_limit(RENDER_CPU_SECONDS):
        html = converter.convert(text)
    # The page title is the only <h1>: a "# heading" in an article becomes <h2>.
    html = html.replace("<h1", "<h2").replace("</h1>", "</h2>")
    # Only the ids the table of contents made for Markdown headings are kept:
    # raw HTML cannot take over the page's own ids.
    heading_ids = _toc_ids(converter.toc_tokens)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=lambda tag, attribute, value: _kept(attribute, value, heading_ids),
        link_rel="noopener noreferrer",
    )
    if language == "fr":
        html = french_typography(html)
    return html


def _kept(attribute, value, heading_ids):
    if attribute == "id":
        return value if value in heading_ids else None
    if attribute == "data-figure":
        return value if _FIGURE_KEY.match(value) else None
    return value


def plain_text(html: str) -> str:
    """The text of sanitised HTML, on one line."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def first_sentence(text: str) -> str:
    """The first sentence of plain text (the whole text if it has one)."""
    match = re.match(r"(.+?[.!?])(?:\s|$)", text)
    return match.group(1) if match else text
