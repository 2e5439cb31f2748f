"""The baked copy: every public page as a plain file, for any web server or CDN.

`bake(output)` asks the application itself for every public address (Django's
test client, over HTTPS, at CANONICAL_HOST), so each file is byte for byte the
body the application serves there. What a static copy cannot hold stays with the
application: a search with a query (the search form posts to
APPLICATION_ORIGIN), the admin. Guides are baked once a `?when=` value too.

Layout of the copy (docs/nginx-static-copy.conf serves it):
    fr/traitements/car-t/index.html            a page (its address + index.html)
    fr/.../effets-indesirables/index.when-later.html    ?when=later of a guide
    fr/404.html, en/404.html                   the "page not found" page of each language
    robots.txt, sitemap.xml
    static/...                                 the hashed static files
    figures/<sha256>.<ext>                     the published figures' images (and smaller copies)
    bake-manifest.json                         {file: SHA-256} of every file above
Each text file has its .gz and .br beside it.

Incremental: a file whose hash is in the previous manifest (and still on disk) is
not written again; a file no longer baked (a withdrawn page) is removed. Every
file is written to a temporary file in its own directory, then renamed over
the old one: a web server never serves half a file.
"""

import contextlib
import fcntl
import gzip
import hashlib
import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import brotli
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from .models import Figure, FigureFile, Therapy, Timing
from .sitemaps import SITEMAPS

logger = logging.getLogger(__name__)

MANIFEST = "bake-manifest.json"
LOCK = ".bake.lock"
NOT_FOUND_PAGE = "404.html"
COMPRESSED = (".html", ".xml", ".txt", ".css", ".js", ".svg", ".json", ".map", ".ico")


class BakeError(Exception):
    """The copy cannot be made; nothing was changed."""


@dataclass
class Report:
    written: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    unchanged: int = 0


# What is baked ------------------------------------------------------------------------------


class _Site:
    """The site the sitemap names in its addresses (no django.contrib.sites)."""

    def __init__(self, domain):
        self.domain = self.name = domain


def page_addresses() -> dict[str, str]:
    """{address: file in the copy} of every public page, in both languages."""
    pages = []
    site = _Site(settings.CANONICAL_HOST)
    origin = f"https://{settings.CANONICAL_HOST}"
    for sitemap_class in SITEMAPS.values():
        sitemap = sitemap_class()
        for number in sitemap.paginator.page_range:
            for url in sitemap.get_urls(page=number, site=site, protocol="https"):
                pages.append(url["location"].removeprefix(origin))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            pages.append(reverse("treatments:search"))  # the search page, without a query
            for therapy in Therapy.objects.published():
                guide = therapy.get_side_effects_url()
                pages += [f"{guide}?when={timing}" for timing in Timing.values]
    addresses = {}
    for address in pages:
        path, _mark, query = address.partition("?")
        variant = "." + query.replace("=", "-") if query else ""
        addresses[address] = f"{path.lstrip('/')}index{variant}.html"
    addresses["/robots.txt"] = "robots.txt"
    addresses["/sitemap.xml"] = "sitemap.xml"
    return addresses


def not_found_addresses() -> dict[str, str]:
    """{address: file} of the "page not found" page of each language: an address
    under the language's prefix that no page has."""
    names = [f"{code}/{NOT_FOUND_PAGE}" for code, _name in settings.LANGUAGES]
    return {f"/{name}": name for name in names}


def render_pages() -> dict[str, bytes]:
    """{file: body} of every page, as the application serves it at its canonical host."""
    client = Client(raise_request_exception=True)
    host = settings.CANONICAL_HOST
    files, wrong = {}, []
    for expected, addresses in ((200, page_addresses()), (404, not_found_addresses())):
        for address, name in addresses.items():
            with _quiet_404():
                response = client.get(address, secure=True, headers={"host": host})
            if response.status_code != expected:
                wrong.append(f"{address}: {response.status_code}")
            files[name] = response.content
    if wrong:
        raise BakeError("Pages that did not answer as expected: " + ", ".join(wrong))
    return files


@contextlib.contextmanager
def _quiet_404():
    """No "Not Found" warning in the log for the 404 pages asked for on purpose."""
    request_logger = logging.getLogger("django.request")
    level = request_logger.level
    request_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        request_logger.setLevel(level)


def static_files() -> dict[str, bytes]:
    """{file: content} of the site's own static files (STATICFILES_DIRS; those of the
    apps are the admin's, which the application serves), under the names the pages
    use: the hashed names of collectstatic's manifest, or the plain names without one."""
    prefix = settings.STATIC_URL.strip("/")
    files = {}
    for finder in [finders.FileSystemFinder()]:
        for path, source in finder.list([]):
            try:
                name = staticfiles_storage.stored_name(path)
            except AttributeError:  # no manifest: pages use the plain names
                name = path
            except ValueError as error:
                raise BakeError(f"{error}: run `manage.py collectstatic` first.") from error
            collected = settings.STATIC_ROOT and staticfiles_storage.exists(name)
            storage = staticfiles_storage if collected else source
            with storage.open(name if collected else path) as handle:
                files.setdefault(f"{prefix}/{name}", handle.read())
    return files


def figure_files() -> dict[str, bytes]:
    """{file: content} of the images of the published figures and their smaller copies,
    under the addresses the pages use (/figures/<hash>.<ext>)."""
    names = set()
    for figure in Figure.objects.published().select_related("image_fr", "image_en"):
        for image in (figure.image_fr, figure.image_en):
            if image is not None:
                names |= {image.name, *(name for _width, _height, name in image.variants)}
    hashes = [name.partition(".")[0] for name in names]
    return {
        f"figures/{image.name}": bytes(image.data)
        for image in FigureFile.objects.filter(sha256__in=hashes)
    }


# Writing ------------------------------------------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _variants(name: str, data: bytes) -> dict[str, bytes]:
    """The file and, for text, its pre-compressed copies (gzip without a time
    stamp, so that the same text gives the same bytes)."""
    variants = {name: data}
    if name.endswith(COMPRESSED):
        variants[name + ".gz"] = gzip.compress(data, compresslevel=9, mtime=0)
        variants[name + ".br"] = brotli.compress(data, quality=11)
    return variants


def write_atomically(path: Path, data: bytes):
    """Writes a temporary file in the same directory, then renames it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".bake-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from the web server
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _remove(output: Path, name: str):
    for variant in (name, name + ".gz", name + ".br"):
        with contextlib.suppress(FileNotFoundError):
            (output / variant).unlink()
    directory = (output / name).parent
    while directory != output:  # directories left empty go too
        try:
            directory.rmdir()
        except OSError:
            break
        directory = directory.parent


def _previous_manifest(output: Path) -> dict[str, str]:
    try:
        return json.loads((output / MANIFEST).read_text())["files"]
    except (FileNotFoundError, ValueError, KeyError):
        return {}


def bake(output) -> Report:
    """Brings the copy in `output` in step with the live content; returns what changed."""
    output = Path(output).resolve()
    if settings.CANONICAL_HOST not in settings.ALLOWED_HOSTS:
        raise BakeError(
            f"The canonical host {settings.CANONICAL_HOST!r} (DJANGO_CANONICAL_HOST) must be "
            "one of DJANGO_ALLOWED_HOSTS."
        )
    output.mkdir(parents=True, exist_ok=True)
    with open(output / LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one bake at a time writes this copy
        files = static_files()  # first: the pages need them collected
        # Every page from one state of the content (one transaction: one snapshot on
        # PostgreSQL).
        with transaction.atomic():
            files.update(render_pages())
            files.update(figure_files())
        return _write(output, files)


def _write(output: Path, files: dict[str, bytes]) -> Report:
    report = Report()
    previous = _previous_manifest(output)
    manifest = {}
    for name, data in sorted(files.items()):
        manifest[name] = digest = _digest(data)
        if previous.get(name) == digest and (output / name).exists():
            report.unchanged += 1
            continue
        # The compressed copies first: the file is the last to change.
        for variant, content in reversed(_variants(name, data).items()):
            write_atomically(output / variant, content)
        report.written.append(name)
    for name in sorted(previous.keys() - manifest.keys()):
        _remove(output, name)
        report.removed.append(name)
    if report.written or report.removed or not (output / MANIFEST).exists():
        content = json.dumps({"files": manifest}, indent=1, sort_keys=True) + "\n"
        write_atomically(output / MANIFEST, content.encode())
    return report


# After a publish ----------------------------------------------------------------------------

_pending = threading.Event()
_worker_lock = threading.Lock()
worker = None  # the thread that bakes after publishes (tests join it)


def after_publish():
    """Called when the live content changed: once the transaction is committed, the
    copy in BAKE_OUTPUT (when set) is baked again, in a thread, so that the reviewer
    does not wait. Publishes during a bake give one more bake, not one each."""
    if settings.BAKE_OUTPUT:
        transaction.on_commit(_start)


def wait(timeout=None):
    """Waits for the bake after a publish to end (tests)."""
    thread = worker
    if thread is not None:
        thread.join(timeout)


def _start():
    global worker
    with _worker_lock:
        _pending.set()
        if worker is None:
            worker = threading.Thread(target=_bake_while_pending, name="bake", daemon=True)
            worker.start()


def _bake_while_pending():
    global worker
    try:
        while True:
            with _worker_lock:
                if not _pending.is_set():
                    worker = None
                    return
                _pending.clear()
            try:
                report = bake(settings.BAKE_OUTPUT)
                logger.info(
                    "Baked copy: %d written, %d removed", len(report.written), len(report.removed)
                )
            except Exception:
                logger.exception("Baked copy: the bake after a publish failed")
    finally:
        connection.close()  # this thread's own connection
