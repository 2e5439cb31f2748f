"""Rendering stays linear in the size of the text: generous time bounds that a
quadratic path (30 s per MB of glossary linking, a minute for a French summary of
60,000 spaces) could not meet. Speed itself is measured by `make bench`."""

import threading
import time

import pytest

from treatments import markdown
from treatments.glossary import link_glossary_terms
from treatments.markdown import MarkdownTooComplex, french_typography, render_markdown
from treatments.models import GlossaryTerm, Therapy

pytestmark = pytest.mark.django_db

BOUND_SECONDS = 5.0  # measured under 0.5 s for each; the quadratic paths took 8 s to hours
# What made the old code quadratic: runs of spaces with no punctuation after them, or
# a closing guillemet; "<" or "&" that open no tag or entity.
HOSTILE = (
    "x" + " " * 60_000 + "y\n\n" + "« " + " " * 20_000 + "»\n\n"
    + "<" * 20_000 + "\n\n" + "&" * 20_000 + "a\n\n"
)  # fmt: skip


def cpu_seconds(function, *args):
    start = time.process_time()
    result = function(*args)
    return time.process_time() - start, result


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_200_kb_article_renders_and_links_its_glossary_within_the_bound(language):
    bodies = "\n\n".join(Therapy.objects.values_list(f"body_{language}", flat=True))
    text = (bodies * (200_000 // len(bodies) + 1))[: 200_000 - len(HOSTILE)] + HOSTILE
    glossary = GlossaryTerm.objects.for_linking(language)

    seconds, html = cpu_seconds(
        lambda: link_glossary_terms(render_markdown(text, language), glossary)
    )

    assert seconds < BOUND_SECONDS, f"{seconds:.1f} s for 200 kB"
    assert html.count('<span class="gloss">') >= 30, "the glossary was linked"
    if language == "fr":
        assert "«\u00a0»" in html, "French typography ran"


def test_french_typography_of_1_mb_of_hostile_plain_text_is_within_the_bound():
    """The typography filter also runs on plain text (summaries), where "<" is not escaped."""
    text = (HOSTILE + "Pourquoi ? Voici : « oui » ; non ! ") * (1_000_000 // len(HOSTILE))

    seconds, result = cpu_seconds(french_typography, text)

    assert seconds < BOUND_SECONDS, f"{seconds:.1f} s for 1 MB"
    assert "Pourquoi\u202f? Voici\u00a0: «\u00a0oui\u00a0»\u202f; non\u202f!" in result


# What Python-Markdown renders in quadratic time or worse ("[" * 20_000 took 149 s; at
# 200 kB, "*a", "\\", nested quotes and lists each took more than 10 s).
PATHOLOGICAL = {
    "[": "[", "[](": "[](", "![": "![", "[a](": "[a](", "<a ": "<a ", "*a": "*a", "**a": "**a",
    "\\": "\\", ">": ">", "- ": "- ", "1. ": "1. ", "> nested": "> x\n>", "  - ": "  - x\n",
}  # fmt: skip


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_200_kb_of_pathological_markdown_gives_html_or_a_refusal_within_the_bound(
    name, monkeypatch
):
    monkeypatch.setattr(markdown, "RENDER_CPU_SECONDS", 0.5)  # the suite's time, not the rule
    fragment = PATHOLOGICAL[name]
    text = fragment * (200_000 // len(fragment))

    def render():
        try:
            return render_markdown(text, "fr")
        except MarkdownTooComplex:
            return None

    seconds, html = cpu_seconds(render)

    assert seconds < BOUND_SECONDS, f"{seconds:.1f} s for 200 kB of {name!r}"
    assert html is None or "<script" not in html


def in_a_thread_too(thread):
    """Runs a test's body in the main thread (gunicorn's workers, commands) or in a thread of
    its own (runserver's requests), and raises what it raised."""

    def run(body):
        if thread == "main thread":
            return body()
        outcome = {}

        def target():
            try:
                outcome["result"] = body()
            except BaseException as error:  # noqa: BLE001 — given back to the test
                outcome["error"] = error

        worker = threading.Thread(target=target, daemon=True)  # should it run on
        worker.start()
        worker.join(timeout=30)
        assert not worker.is_alive(), "the block ran on"
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    return run


THREADS = ["main thread", "another thread"]


@pytest.mark.parametrize("thread", THREADS)
def test_the_cpu_limit_stops_a_conversion_in_any_thread(thread, monkeypatch):
    monkeypatch.setattr(markdown, "RENDER_CPU_SECONDS", 0.5)

    def render():
        start = time.thread_time()
        with pytest.raises(MarkdownTooComplex, match="not converted within the CPU time"):
            render_markdown("[" * 20_000, "fr")  # 149 s without the limit
        return time.thread_time() - start

    seconds = in_a_thread_too(thread)(render)

    # The signal counts the process's CPU time (every thread), the watcher the thread's.
    assert 0.4 <= seconds < 0.5 + 0.25


@pytest.mark.parametrize("thread", THREADS)
def test_the_cpu_limit_leaves_the_code_after_the_block_alone(thread):
    def run():
        with markdown._cpu_timer(0.05):
            pass  # ended in time
        with markdown._cpu_timer(0.05), pytest.raises(MarkdownTooComplex):
            while True:
                pass
        end = time.thread_time() + 0.3
        while time.thread_time() < end:  # nothing is raised here
            pass
        return "ran to its end"

    assert in_a_thread_too(thread)(run) == "ran to its end"


@pytest.mark.parametrize("thread", THREADS)
def test_the_cpu_limit_still_stops_a_conversion_whose_first_exception_was_lost(thread):
    """The exception can arrive while a __del__ runs, where it is dropped (seen in this
    suite): the limit must fire again rather than let the conversion run on."""

    def run():
        stops = 0
        end = time.thread_time() + 2
        with pytest.raises(MarkdownTooComplex), markdown._cpu_timer(0.05):
            while time.thread_time() < end:
                try:
                    while time.thread_time() < end:
                        pass
                except MarkdownTooComplex:
                    stops += 1
                    if stops > 1:
                        raise
        return stops

    assert in_a_thread_too(thread)(run) == 2
