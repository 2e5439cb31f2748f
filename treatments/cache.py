"""The whole-page cache of the public pages.

What is cached: an anonymous GET or HEAD of a page under /fr/ or /en/ that
answered 200, whole: its body and every header the middleware stack gave it
(CSP, security headers...). The middleware is the first of the stack, so a hit
runs nothing else: at most one cache read (one Redis round trip), no database
query. Each process keeps the pages it served last: a hit on one of them reads
only the content version from the cache, not the page, and with Redis not even
that while the process has heard of no publish since it read the version.

The key names the page, not the request: the scheme, the host (one of
ALLOWED_HOSTS, written without a port or with the server's own port) and the
path, plus the query parameters the page's view declares in
`query_parameters`, each in its canonical form. Every other parameter and every
cookie is dropped from the request before the page is rendered: the page is
rendered as for an anonymous visitor at its canonical address, so junk costs no
entry and cannot poison one. Staff previews live under /admin/: never cached.

The content version: ContentChange.changed_at in the database is the source of
truth; content_changed() moves it when what patients read changes (publishing, withdrawing,
a release), never for a working version. The cache keeps a copy under VERSION_KEY,
read in the same round trip as the page; each page is stored under its key with
the version it was rendered for, so a new version overwrites the old page
rather than piling up beside it. A publish replaces the copy with the new version
once committed and, with Redis (several hosts), announces it on a channel every
process listens to (VersionWatch):
a process that heard nothing since it read the version serves the pages it keeps
with no round trip, and every host reads the new version at its next request. With
the local-memory cache (one per gunicorn worker) a marker file's modification time
tells the other workers to read the version again (a stat per request).

Failures: a cache that fails (Redis stopped, full, unreachable) is left alone
for RETRY_SECONDS, with one warning in the log; meanwhile each process serves
its own copies of the pages it served last, for the version the database gives
(one query a request), and renders the others. When the version cannot be read
(database locked or unreachable), the cached copy of the page is served as it is.
"""

import functools
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ObjectDoesNotExist
from django.db import Error as DatabaseError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date

from .models import ContentChange

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache:version"
# How long a host trusts the cache's copy of the version without asking the
# database: a safety net for a publish that could not reach the cache.
VERSION_SECONDS = 60
# After a failure, the cache (or the database, for the version) is left alone this long.
RETRY_SECONDS = 5
_retry_after = {"cache": 0.0, "database": 0.0, "subscription": 0.0}


def _available(dependency: str) -> bool:
    return time.monotonic() >= _retry_after[dependency]


def _failed(dependency: str, error: Exception, consequence: str):
    _retry_after[dependency] = time.monotonic() + RETRY_SECONDS
    logger.warning("Page cache: the %s failed (%r); %s", dependency, error, consequence)


def reset():
    """Forget past failures and what was computed per content version (for tests)."""
    _retry_after.update(cache=0.0, database=0.0, subscription=0.0)
    _watch.forget()
    _local_pages.clear()
    for memo in _memos:
        memo.clear()


# Publishing --------------------------------------------------------------------------------


def content_changed(**kwargs):
    """The live content changed: every page is rendered again at its next request, on every
    host. Also a signal receiver (fixtures loaded raw are skipped)."""
    if kwargs.get("raw"):
        return
    ContentChange.objects.update_or_create(pk=1, defaults={"changed_at": timezone.now()})
    # Now, for the requests of this transaction (and tests); again once it is committed,
    # for everyone else: before that, they would read the previous version.
    _forget_version()
    transaction.on_commit(functools.partial(_forget_version, committed=True))


def _forget_version(committed=False):
    """Once committed, the cache's copy becomes the database's new version rather than
    nothing: a host that read the previous version just before the commit cannot store it
    there again (it only adds a copy where there is none)."""
    _touch_marker()
    _watch.forget()
    backend = caches["default"]
    try:
        version = _version_in_database() if committed else None
        announce_new_version(backend, version)
    except Exception as error:
        logger.error(
            "Page cache: could not move the content version (%r); other hosts may show the"
            " previous content for up to %d s.",
            error,
            VERSION_SECONDS,
        )


def _is_live(instance) -> bool:
    """Whether patients read this row: a live version, or a row of one (a live treatment's
    step). When that cannot be told, it is taken as live: a page rendered once too often."""
    if hasattr(instance, "is_live"):
        return instance.is_live
    for field in instance._meta.concrete_fields:
        if field.many_to_one and hasattr(field.related_model, "is_live"):
            try:
                page = getattr(instance, field.name)  # the parent, as a rule already loaded
            except ObjectDoesNotExist:
                return True
            return page is None or page.is_live
    return True


def live_content_changed(sender, instance, **kwargs):
    """Signal receiver: only a change to what patients read moves the content version.
    Staff write working versions (the admin, imports, the PO import): the public pages,
    and the page cache, stay as they are until publishing.publish() or withdraw()."""
    if _is_live(instance):
        content_changed(**kwargs)


def connect_signals(models):
    for model in models:
        post_save.connect(
            live_content_changed, sender=model, dispatch_uid=f"page-cache-save-{model}"
        )
        post_delete.connect(
            live_content_changed, sender=model, dispatch_uid=f"page-cache-del-{model}"
        )
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                live_content_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"page-cache-m2m-{model}-{field.name}",
            )


# The content version ------------------------------------------------------------------------


def _marker_stamp():
    """The marker file's modification time, in ns; None when the file cannot be used."""
    marker = Path(settings.PAGE_CACHE_MARKER)
    try:
        return marker.stat().st_mtime_ns
    except FileNotFoundError:
        _touch_marker()
    except OSError:
        return None
    try:
        return marker.stat().st_mtime_ns
    except OSError:
        return None


def _touch_marker():
    marker = settings.PAGE_CACHE_MARKER
    # An explicit time in ns: two changes within one tick of the file system's clock differ.
    now = time.time_ns()
    try:
        Path(marker).touch()
        os.utime(marker, ns=(now, now))
    except OSError as error:
        logger.warning("Page cache: cannot touch the marker %s (%r)", marker, error)


def _version_in_database() -> float:
    changed_at = ContentChange.objects.values_list("changed_at", flat=True).first()
    return changed_at.timestamp() if changed_at else 0.0


def _version_without_cache():
    """The content version read from the database, while the cache is away; None
    when the database cannot tell either."""
    if not _available("database"):
        return None
    try:
        return _version_in_database()
    except DatabaseError as error:
        _failed("database", error, "this process's copies of the pages are served as they are")
        return None


def announce_new_version(backend, version=None):
    """Tell every host the content version moved: the cache's copy is replaced by `version`
    (deleted when it is None: the next request reads the database) and, with Redis, the
    processes listening on the channel hear it (in that order: one that hears it reads the
    version again and must not find the old copy)."""
    if version is None:
        backend.delete(VERSION_KEY)
    else:
        marker = _marker_stamp() if isinstance(backend, LocMemCache) else None
        backend.set(VERSION_KEY, (marker, version), VERSION_SECONDS)
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        client.publish(_channel(client), b"")


# With Redis, what a process knows of the content version without a round trip. Each process
# listens on a channel (_channel()). Redis writes a message to every listener before it answers the
# publisher, so a process that finds nothing waiting on its connection (a poll of the socket,
# a few µs) missed no publish that had ended when the request came: it serves the pages it
# keeps, for the version it read last, without asking Redis (a round trip is about 0.1 ms of
# CPU in redis-py, the larger part of a hit). A message, a reconnection, a failure, or
# WATCH_SECONDS since the version was read (a connection lost without a word): read again.
WATCH_SECONDS = 1


def _channel(client):
    """The channel of the Redis database the cache uses (channels are server-wide)."""
    return f"hemato-info:page-cache:version:{client.connection_pool.connection_kwargs.get('db', 0)}"


class VersionWatch:
    def __init__(self):
        self._lock = threading.Lock()
        self._pubsub = None
        self._listener = None  # (process id, Redis server) the subscription belongs to
        self._heard = 0  # messages and reconnections so far: each may mean a new version
        self._known = None  # (version, self._heard when it was read, time.monotonic() then)

    def forget(self):
        self._known = None

    def check(self, backend):
        """(version, heard): the version read last if nothing was heard since, else None,
        and what to give note() once the version is read."""
        if not isinstance(backend, RedisCache) or not _available("subscription"):
            return None, None
        if not self._lock.acquire(blocking=False):  # another thread is listening: read
            return None, None
        try:
            heard = self._listen(backend)
        except Exception as error:
            self._pubsub = None
            _failed("subscription", error, "the content version is read at each request")
            return None, None
        finally:
            self._lock.release()
        known = self._known
        if known and known[1] == heard and time.monotonic() - known[2] < WATCH_SECONDS:
            return known[0], heard
        return None, heard

    def note(self, heard, version):
        """The version was read after check() gave `heard`."""
        if heard is not None:
            self._known = (version, heard, time.monotonic())

    def _listen(self, backend):
        listener = (os.getpid(), backend._servers[0])  # a forked worker listens on its own
        if self._pubsub is None or self._listener != listener:
            self._pubsub = None
            client = backend._cache.get_client(write=True)
            pubsub = client.pubsub()
            pubsub.subscribe(_channel(client))  # its confirmation, when it comes, is heard
            pubsub.connection.register_connect_callback(self._reconnected)
            self._pubsub, self._listener = pubsub, listener
            self._heard += 1
        while self._pubsub.get_message(timeout=0) is not None:
            self._heard += 1
        return self._heard

    def _reconnected(self, connection):
        # redis-py reconnects and subscribes again on its own: what was published meanwhile
        # was not heard.
        self._heard += 1


_watch = VersionWatch()


def _current_version(backend, stored, heard=None):
    """The content version the cached pages must carry; `stored` is the cache's copy
    (marker stamp, version) or None; `heard` as VersionWatch.check() gave it. Raises
    DatabaseError when the version cannot be known."""
    marker = _marker_stamp() if isinstance(backend, LocMemCache) else None
    if stored is not None and stored[0] == marker:
        _watch.note(heard, stored[1])
        return stored[1]
    if not _available("database"):
        raise DatabaseError("the database failed a moment ago")
    try:
        version = _version_in_database()
    except DatabaseError as error:
        _failed("database", error, "cached pages are served as they are")
        raise
    if stored is None:  # add: never overwrites a copy another host has just stored
        backend.add(VERSION_KEY, (marker, version), VERSION_SECONDS)
    else:
        backend.set(VERSION_KEY, (marker, version), VERSION_SECONDS)
    _watch.note(heard, version)
    return version


def content_version(request=None):
    """The content version, as the page cache reads it (a cache read, no query, as a
    rule); None when neither the cache nor the database can tell."""
    version = getattr(request, "_content_version", None)
    if version is not None:  # the page cache has just read it
        return version
    backend = caches["default"]
    try:
        if _available("cache"):
            try:
                version, heard = _watch.check(backend)
                if version is None:
                    version = _current_version(backend, backend.get(VERSION_KEY), heard)
                return version
            except DatabaseError:
                raise
            except Exception as error:
                _failed("cache", error, "pages are rendered without it")
        if _available("database"):
            return _version_in_database()
    except DatabaseError:
        pass
    return None


_memos = []
_VERSION = object()  # the key of the version a memo holds values for


class VersionMemo:
    """Values computed once per content version in this process, by key: what a page draws
    from other rows (the glossary) costs no query at each page rendered, and a publish is
    seen at the next request on every host and worker, as the pages are."""

    def __init__(self):
        self._values = {}  # {key: value} for self._values[_VERSION]; emptied when it moves
        _memos.append(self._values)

    def __len__(self):
        """How many values are kept."""
        return len(self._values) - (_VERSION in self._values)

    def get(self, key, compute, request=None):
        """The value kept for `key`, or compute() kept (unless it raises)."""
        memo = self._values
        version = content_version(request)
        if version is None:  # neither the cache nor the database can tell: as for the pages,
            value = memo.get(key, _VERSION)  # what this process keeps is all there is
            return compute() if value is _VERSION else value
        if memo.get(_VERSION) != version:  # nothing of an older version is kept
            memo.clear()
            memo[_VERSION] = version
        value = memo.get(key, _VERSION)  # one read: another thread may clear the memo
        if value is _VERSION:
            value = memo[key] = compute()
        return value


def per_content_version(function):
    """function(*args), computed once per content version in this process (VersionMemo)."""
    memo = VersionMemo()

    @functools.wraps(function)
    def memoized(*args, request=None):
        return memo.get(args, lambda: function(*args), request)

    return memoized


# The key -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _view_parameters(path_info: str):
    """{name: canonical form} of the query parameters the view of this address reads."""
    language = path_info.split("/", 2)[1]
    with translation.override(language):
        try:
            match = resolve(path_info)
        except Resolver404:
            return {}
    return getattr(getattr(match.func, "view_class", None), "query_parameters", {})


def canonical_query(path_info: str, query_string: str):
    """The query string with only the parameters the page reads, in canonical form and
    order; None when it cannot be parsed (too many fields: Django answers that itself)."""
    if not query_string:
        return ""
    parameters = _view_parameters(path_info)
    if not parameters:
        return ""
    try:
        given = dict(
            parse_qsl(
                query_string,
                keep_blank_values=True,
                max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            )
        )  # the last value of a repeated name, as QueryDict.get gives it
    except ValueError:
        return None
    kept = {}
    for name, canonical in sorted(parameters.items()):
        value = canonical(given[name]) if name in given else None
        if value:
            kept[name] = value
    return urlencode(kept)


def _local_port(request):
    """The port this server listens on (not the one the Host header names)."""
    sock = request.META.get("gunicorn.socket")  # gunicorn takes SERVER_PORT from Host on a
    if sock is not None:  # Unix socket
        address = sock.getsockname()
        return str(address[1]) if isinstance(address, tuple) else None
    return request.META.get("SERVER_PORT")


def _page_host(request):
    """The host as the page writes it (request.get_host(), unvalidated), when it is one of
    ALLOWED_HOSTS as written there, alone or with this server's port; else None."""
    host = request._get_raw_host()
    exact = {host for host in settings.ALLOWED_HOSTS if host[:1] not in ("", ".", "*")}
    name, _colon, port = host.rpartition(":")
    if host in exact or (name in exact and port == _local_port(request)):
        return host
    return None


def page_key(request):
    """The cache key of the page this request asks for, or None when it is not cached.
    A request that has a key is rewritten to the page's canonical, anonymous form."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return None
    path_info = request.path_info
    if not any(path_info.startswith(f"/{code}/") for code, _name in settings.LANGUAGES):
        return None
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return None  # SecurityMiddleware redirects it
    host = _page_host(request)
    query = canonical_query(path_info, request.META.get("QUERY_STRING", ""))
    if host is None or query is None:
        return None
    request.META["QUERY_STRING"] = query
    request.META.pop("HTTP_COOKIE", None)  # an anonymous visitor: no session, no preference
    for parsed in ("GET", "COOKIES"):  # should anything have read them already
        request.__dict__.pop(parsed, None)
    address = f"{request.scheme}://{host}{request.path}?{query}"
    return "page:" + hashlib.blake2b(address.encode(), digest_size=20).hexdigest()


# The middleware ------------------------------------------------------------------------------


def mark_incomplete(request):
    """This page lacks something it shows when all is well (a read failed while the database
    was away): it is served, but neither cached nor kept, so the next visitor gets it whole."""
    if request is not None:
        request.page_incomplete = True


def is_incomplete(request) -> bool:
    return getattr(request, "page_incomplete", False)


def _cacheable(request, response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        not is_incomplete(request)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")  # the key knows no request header
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


# The pages this process served last, in front of the shared cache: a hit then reads only the
# content version from Redis (a few bytes), not the page (about 40 kB), and unpickles nothing.
# An entry is served only for the version just read, so a publish reaches every process at
# its next request as before. {key: (version, content, headers)}, least recently used first.
LOCAL_PAGES = 200
_local_pages = OrderedDict()
_local_lock = threading.Lock()  # sync workers have one thread; runserver has several


def _keep_local(key, entry):
    with _local_lock:
        _local_pages[key] = entry
        _local_pages.move_to_end(key)
        if len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


def _serve(request, version, content, headers):
    response = HttpResponse(content, headers=headers)
    return get_conditional_response(
        request, etag=headers.get("ETag"), last_modified=int(version) or None, response=response
    )


class PageCacheMiddleware:
    """First in MIDDLEWARE: a hit answers before anything else runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        backend = caches["default"]
        local = _local_pages.get(key)
        version = entry = None
        use_cache = _available("cache")
        if use_cache:
            try:
                version, heard = _watch.check(backend)  # known: a hit reads nothing
                wanted = [] if version is not None else [VERSION_KEY]
                if local is None:
                    wanted.append(key)
                found = backend.get_many(wanted) if wanted else {}
                entry = local or found.get(key)
                if version is None:
                    version = _current_version(backend, found.get(VERSION_KEY), heard)
                if local is not None and local[0] != version:  # another host may have it
                    entry = backend.get(key)
            except DatabaseError:
                if entry is not None:  # the database is down: the copy is all there is
                    return _serve(request, *entry)
            except Exception as error:
                _failed("cache", error, "pages are rendered without it")
                use_cache = False
        if not use_cache:  # this process's own copies, if the database says they are current
            version, entry = _version_without_cache(), local
            if version is None and entry is not None:  # the database is down too
                return _serve(request, *entry)
        if entry is not None and entry[0] == version:
            _keep_local(key, entry)
            return _serve(request, *entry)
        request._content_version = version  # for what the page draws per version

        response = self.get_response(request)
        if not _cacheable(request, response):
            return response
        # ConditionalGetMiddleware, further in, gives a GET its ETag; a HEAD gets it here,
        # so that every stored page has one for the 304s of _serve().
        if not response.has_header("ETag"):
            set_response_etag(response)
        response["Content-Length"] = str(len(response.content))
        response["Cache-Control"] = "no-cache"  # browsers keep the page but ask again: a 304
        if version is not None:
            if version:
                response["Last-Modified"] = http_date(version)
            entry = (version, response.content, dict(response.items()))
            if use_cache:
                try:
                    backend.set(key, entry, settings.PAGE_CACHE_SECONDS)
                except Exception as error:
                    _failed("cache", error, "pages are rendered without it")
            _keep_local(key, entry)
        return response
