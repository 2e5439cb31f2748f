"""Load benchmark of Hémato-Info: Django behind gunicorn, driven by wrk. Not part of pytest.

Run it:
    make bench
    BENCH_SECONDS=3 BENCH_SOAK_SECONDS=5 .venv/bin/python tests/perf/bench.py    # a quick look
    DATABASE_URL=postgres://hemato:hemato@127.0.0.1:5432/hemato \\
        REDIS_URL=redis://127.0.0.1:6379/2 make bench                   # PostgreSQL + Redis
    BENCH_BEFORE=b7d63ac make bench           # before and after, side by side in one run

It needs Linux (/proc) and wrk (`apt-get install -y wrk`). All traffic stays on 127.0.0.1.

What it does: production-like settings (DEBUG off, a random secret key), collectstatic, migrate
and load_content; SQL queries counted with Django's test client; then gunicorn started twice
with gunicorn.conf.py (BENCH_WORKERS sync workers, default 2; max_requests off so no worker is
replaced mid-run), on a free port, once per mode:
    warm  the whole-page cache on (the default): pages come from the cache;
    miss  DJANGO_PAGE_CACHE_SECONDS=0: the page cache off, every request renders the page.
Each URL gets a 1 s warm-up, then `wrk -t2 -c16 -d$BENCH_SECONDS s` (default 10 s); the warm
server also runs the soak. The report ends with one table, every target beside its figure.

Before and after: BENCH_BEFORE=<git revision> also serves that revision of the code (extracted
with `git archive` into a temporary folder, prepared the same way, run by this virtual
environment) from a second gunicorn, with its own database (SQLite in that folder, or the
PostgreSQL database named as DATABASE_URL's with "_before" appended, created if missing) and its
own Redis database (REDIS_URL's number + 1). Each row then measures the static file, the page
as the revision serves it, and the page as this checkout serves it, one after the other; the
report ends with a table of the two side by side.

The figures:
    req/s       requests per second completed by wrk, at 16 connections.
    vs static   req/s as a share of whitenoise serving css/site.css from the same gunicorn, in
                a run just before the page's (the static row: the mean of those runs):
                the ceiling of anything served by Python on this machine.
    p50, p99    latency percentiles seen by wrk, in ms.
    CPU ms/req  user + system CPU time of the gunicorn master and workers during the run,
                divided by the requests completed: the cost of a page, which the load of a
                shared machine barely changes (unlike req/s and latency).
    SQL/req     queries of one request, test client, same settings: miss = first request
                after clearing the cache, warm = the request after it.
    weight      bytes of the HTML, and of the CSS and JS it links, before compression, and
                all of them as sent compressed (gzip): the budget of tests/test_weight.py.
    soak        BENCH_SOAK_SECONDS (default 60; 0 skips it) at 64 connections on the
                treatment page, cache warm: errors, and each worker's resident memory
                (VmRSS) before and after.

Exit code 0 when the benchmark ran to completion, whether the targets are met or not;
1 when it could not run (the reason is printed); 130 when interrupted.
"""

import contextlib
import gzip
import html.parser
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
BEFORE = os.environ.get("BENCH_BEFORE", "")
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "60"))
CONNECTIONS, SOAK_CONNECTIONS = 16, 64
# 2 by default, as the figures in README.md; production runs 2 x cores + 1 (gunicorn.conf.py).
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PAGES = {
    "home": "/fr/",
    "treatment": "/fr/traitements/cellules-car-t/",
    "side effects": "/fr/traitements/cellules-car-t/effets-indesirables/",
    "search": "/fr/recherche/?q=chimiotherapie",
}
SOAK_PAGE = "treatment"
MODES = {"warm": {}, "miss": {"DJANGO_PAGE_CACHE_SECONDS": "0"}}
# What a reverse proxy terminating TLS adds: keeps a future SECURE_SSL_REDIRECT from turning
# every measured request into a redirect.
PROXY_HEADER = ("X-Forwarded-Proto", "https")

WARM_VS_STATIC = 0.80  # warm page req/s, as a share of the static file's
WARM_CPU_MS = 0.9
MISS_CPU_MS = 5.0
MISS_SQL = 6
WARM_P99_MS = 20.0
SENT_BYTES = 60 * 1024  # as tests/test_weight.py's SENT_LIMIT
SOAK_GROWTH = 0.10

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """The benchmark cannot run; the message says why."""


@dataclass
class Load:
    """What one wrk run measured."""

    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float = 0.0  # server CPU per request
    static_rps: float = 0.0  # req/s of the static file, measured just before


# Setting up -----------------------------------------------------------------------------------


def check_requirements():
    if not shutil.which("wrk"):
        raise BenchError("wrk is not installed: run `apt-get install -y wrk`, then `make bench`.")
    if not Path("/proc/self/stat").exists():
        raise BenchError("no /proc: the server's CPU and memory are read from Linux's /proc.")


def production_environment():
    """The server's environment: the caller's, with production-like Django settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", *MODES["miss"])}
    return env | {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # 67 characters
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def backends(env):
    """Which database and cache the settings will pick, from the environment."""
    database = "SQLite db.sqlite3"
    if env.get("DATABASE_URL"):
        database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "a database"
        database += " (DATABASE_URL)"
    cache = "Redis (REDIS_URL)" if env.get("REDIS_URL") else "local-memory cache (one per worker)"
    return f"{database} + {cache}"


def manage(env, *args, timeout=600, root=ROOT):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=root,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
    ).stdout


def prepare(env, root=ROOT):
    print("== collectstatic, migrate, load_content", flush=True)
    manage(env, "collectstatic", "--noinput", "-v", "0", root=root)
    manage(env, "migrate", "--noinput", "-v", "0", root=root)
    manage(env, "load_content", root=root)


@contextlib.contextmanager
def before_tree(revision, env):
    """(folder, environment) of an earlier revision of the code, prepared like this one; the
    folder is removed afterwards."""
    print(f"== {revision}: git archive, compilemessages, its own database", flush=True)
    with tempfile.TemporaryDirectory(prefix="hemato-bench-before-") as directory:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", revision],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
        subprocess.run(["tar", "-x", "-C", directory], input=archive, check=True, timeout=120)
        root, env = Path(directory), env.copy()
        if env.get("DATABASE_URL", "").startswith("postgres"):
            env["DATABASE_URL"] = own_postgres_database(env["DATABASE_URL"], "_before")
        elif env.get("DATABASE_URL"):
            raise BenchError("BENCH_BEFORE runs on SQLite or PostgreSQL only.")
        if env.get("REDIS_URL"):
            url = urlsplit(env["REDIS_URL"])
            number = (int(url.path.strip("/") or 0) + 1) % 16
            env["REDIS_URL"] = url._replace(path=f"/{number}").geturl()
        manage(env, "compilemessages", "--ignore=.venv", "-v", "0", root=root)
        prepare(env, root)
        yield root, env


def own_postgres_database(url, suffix):
    """DATABASE_URL for a database named as url's with suffix, created if it does not exist."""
    import psycopg  # only here: SQLite runs need no PostgreSQL driver

    parts = urlsplit(url)
    name = parts.path.strip("/") + suffix
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def hashed_static_url(name):
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"][name]  # STATIC_URL is "static/"


def page_cache_configurable():
    """Whether the portal's code reads DJANGO_PAGE_CACHE_SECONDS at all."""
    sources = [*ROOT.glob("portal/*.py"), *ROOT.glob("treatments/**/*.py")]
    return any("DJANGO_PAGE_CACHE_SECONDS" in path.read_text() for path in sources)


# SQL queries per request, with the test client under the same settings.

QUERY_COUNTER = """
import json
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from treatments import cache as page_cache

client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
result = {}
for path in PATHS:
    client.get(path, secure=True)  # once per process: imports, templates, per-process caches
    cache.clear()
    page_cache._local_pages.clear()  # this process's copies of the pages, in front of the cache
    counts = []
    for _ in ("miss", "warm"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True)
        counts.append(len(queries))
    result[path] = {"status": response.status_code, "miss": counts[0], "warm": counts[1]}
print("QUERIES", json.dumps(result))
"""


def count_queries(env):
    print("== SQL queries per request (test client)", flush=True)
    code = QUERY_COUNTER.replace("PATHS", repr(list(PAGES.values())))
    output = manage(env, "shell", "--no-imports", "-c", code, timeout=300)
    for line in output.splitlines():
        if line.startswith("QUERIES "):
            return json.loads(line.removeprefix("QUERIES "))
    raise BenchError(f"the query count printed no result:\n{output[-3000:]}")


# The server ----------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is reported as such, never followed


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)


def fetch(url, timeout=10):
    """(status, body) of a GET; only ever to 127.0.0.1."""
    if urlsplit(url).hostname != "127.0.0.1":
        raise BenchError(f"refusing to fetch {url}: the benchmark stays on 127.0.0.1")
    request = urllib.request.Request(url, headers=dict([PROXY_HEADER]))
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_pids(master):
    """The master's children, from /proc (this kernel may lack /proc/<pid>/task/*/children)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError):
            if int(stat_fields(stat)[1]) == master:
                pids.append(int(stat.parent.name))
    return sorted(pids)


def stat_fields(stat_path):
    """Fields 3 onwards of /proc/<pid>/stat (after the command name, which may hold spaces)."""
    text = Path(stat_path).read_text()
    return text[text.rindex(")") + 2 :].split()


def server_cpu_ms(master):
    """CPU time used so far by gunicorn: the master's utime, stime (fields 14, 15), cutime and
    cstime (16, 17: its children that exited), plus the utime and stime of live workers."""
    ticks = sum(int(value) for value in stat_fields(f"/proc/{master}/stat")[11:15])
    for pid in worker_pids(master):
        with contextlib.suppress(OSError):
            ticks += sum(int(value) for value in stat_fields(f"/proc/{pid}/stat")[11:13])
    return ticks * TICK_MS


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise BenchError(f"no VmRSS for process {pid}")


@dataclass
class Server:
    master: int  # gunicorn's pid
    base_url: str
    log: Path


@contextlib.contextmanager
def gunicorn(env, root=ROOT):
    """Start gunicorn on a free port of 127.0.0.1, yield its Server, stop it."""
    port = free_port()
    env = env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(WORKERS)}
    command = [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--max-requests", "0"]
    with tempfile.TemporaryDirectory(prefix="hemato-bench-") as directory:
        log = Path(directory) / "gunicorn.log"
        with log.open("a") as output:  # its own session: Ctrl-C reaches us, not gunicorn
            server = subprocess.Popen(
                command, cwd=root, env=env, stdout=output, stderr=output, start_new_session=True
            )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_answering(server, base_url, log)
            yield Server(server.pid, base_url, log)
        finally:
            stop(server)


def wait_until_answering(server, base_url, log, limit=60):
    """Until the home page answers 200 and both workers are up; its log if it fails."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with code {server.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError):
            status, _ = fetch(base_url + PAGES["home"], timeout=2)
            if status != 200:
                raise BenchError(f"{PAGES['home']} answered {status}:\n{tail(log)}")
            if len(worker_pids(server.pid)) == WORKERS:
                return
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer within {limit} s")


def tail(log):
    return log.read_text(errors="replace")[-3000:]


def stop(server):
    """SIGTERM (graceful stop); if gunicorn is still there after 30 s, kill its process group."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)  # its own session: master and workers
            server.wait(timeout=10)


# Load ----------------------------------------------------------------------------------------


def run_wrk(url, seconds, connections):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    command += ["-H", "{}: {}".format(*PROXY_HEADER), url]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return parse_wrk(output)


def parse_wrk(output):
    def number(pattern):
        found = re.search(pattern, output, re.MULTILINE)
        return found.groups() if found else None

    def latency_ms(percent):
        value, unit = number(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\b") or ("0", "ms")
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    socket_errors = number(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
    bad_status = number(r"Non-2xx or 3xx responses: (\d+)")
    return Load(
        requests=int(number(r"(\d+) requests in")[0]),
        rps=float(number(r"Requests/sec:\s+([\d.]+)")[0]),
        p50_ms=latency_ms(50),
        p99_ms=latency_ms(99),
        errors=sum(map(int, socket_errors or ())) + int((bad_status or ("0",))[0]),
    )


def measure(master, url, seconds=SECONDS, connections=CONNECTIONS):
    """One wrk run, with the server CPU it cost per request."""
    before = server_cpu_ms(master)
    load = run_wrk(url, seconds, connections)
    load.cpu_ms = (server_cpu_ms(master) - before) / max(load.requests, 1)
    return load


def measure_page(server, path):
    """A Load of path after a 1 s warm-up, or a str saying why it was not measured."""
    status, _ = fetch(server.base_url + path)
    if status != 200:
        why = "not built yet (404)" if status == 404 else f"answered {status}"
        if status >= 500:  # the exception, from the last line of the server's log
            why += f" ({(tail(server.log).strip().splitlines() or [''])[-1][:70]})"
        return why
    run_wrk(server.base_url + path, 1, CONNECTIONS)
    return measure(server.master, server.base_url + path)


def measure_mode(mode, server, static_url, before=None):
    """({label: Load, or a str saying why it was not measured}, the same for `before`, another
    revision's server, if any), the static file first. Each page is measured right after a run
    of the static file (its `static_rps`), and the other revision's page between the two: on a
    shared machine the load of the moment weighs on all alike."""
    results, earlier, static_runs = {}, {}, []
    results["static css"] = measure_page(server, static_url)
    print(f"   {mode} {'static css':<13} {describe(results['static css'])}", flush=True)
    for label, path in PAGES.items():
        if isinstance(results["static css"], Load):
            static_runs.append(measure(server.master, server.base_url + static_url))
        if before:
            earlier[label] = measure_page(before, path)
            print(f"   {mode} {label:<13} {describe(earlier[label])}  ({BEFORE})", flush=True)
        results[label] = measure_page(server, path)
        for load in (earlier.get(label), results[label]):
            if isinstance(load, Load) and static_runs:
                load.static_rps = static_runs[-1].rps
        print(f"   {mode} {label:<13} {describe(results[label])}", flush=True)
    if static_runs:
        results["static css"] = combined([results["static css"], *static_runs])
    return results, earlier


def combined(loads):
    """Several runs of one URL as one row: their requests, mean req/s and p50, worst p99."""
    requests = sum(load.requests for load in loads)
    return Load(
        requests=requests,
        rps=sum(load.rps for load in loads) / len(loads),
        p50_ms=sum(load.p50_ms for load in loads) / len(loads),
        p99_ms=max(load.p99_ms for load in loads),
        errors=sum(load.errors for load in loads),
        cpu_ms=sum(load.cpu_ms * load.requests for load in loads) / max(requests, 1),
    )


def describe(result):
    if isinstance(result, str):
        return result
    return (
        f"{result.rps:8.0f} req/s  p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms"
        f"  CPU {result.cpu_ms:5.2f} ms/req  errors {result.errors}"
    )


class AssetLinks(html.parser.HTMLParser):
    """The stylesheets and scripts an HTML page links."""

    def __init__(self):
        super().__init__()
        self.css, self.js = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.css.append(attributes.get("href"))
        elif tag == "script" and attributes.get("src"):
            self.js.append(attributes["src"])


def page_weights(base_url):
    """{label: (HTML bytes, CSS bytes, JS bytes, all of them gzipped)} of the pages that
    answer 200."""
    weights = {}
    for label, path in PAGES.items():
        status, body = fetch(base_url + path)
        if status != 200:
            continue
        links = AssetLinks()
        links.feed(body.decode())
        css = linked_files(base_url + path, links.css)
        js = linked_files(base_url + path, links.js)
        weights[label] = (
            len(body),
            sum(map(len, css)),
            sum(map(len, js)),
            sum(len(gzip.compress(data)) for data in (body, *css, *js)),
        )
    return weights


def linked_files(page_url, hrefs):
    """The bodies of the files a page links, each once; only ours, on 127.0.0.1."""
    bodies = []
    for url in {urljoin(page_url, href) for href in hrefs if href}:
        status, body = fetch(url) if urlsplit(url).hostname == "127.0.0.1" else ("elsewhere", b"")
        if status != 200:
            print(f"   not counted: {url}, linked by {page_url}: {status}", flush=True)
        else:
            bodies.append(body)
    return bodies


def soak(master, url):
    """BENCH_SOAK_SECONDS at 64 connections: (Load, {worker: RSS KiB before}, {... after})."""
    print(f"== soak: {SOAK_SECONDS} s at {SOAK_CONNECTIONS} connections on {url}", flush=True)
    before = {pid: rss_kib(pid) for pid in worker_pids(master)}
    load = measure(master, url, SOAK_SECONDS, SOAK_CONNECTIONS)
    after = {pid: rss_kib(pid) for pid in worker_pids(master)}
    return load, before, after


# Report --------------------------------------------------------------------------------------


def verdict(ok, checks, name):
    checks.append((name, ok))
    return "met" if ok else "not met"


RULE = "-" * 104


def report(setup, results, queries, weights, soaked, notes, earlier=None):
    """The final table: every figure with its target and whether it is met, then notes."""
    checks = []
    out = [
        "",
        *textwrap.wrap(f"Hémato-Info benchmark: {setup}", len(RULE), subsequent_indent="  "),
        *throughput_lines(results, queries, checks),
        *weight_lines(weights, checks),
        *soak_lines(soaked, checks),
        *(comparison_lines(results, earlier) if earlier else []),
        RULE,
        f"targets met: {sum(ok for _, ok in checks)} of {len(checks)}",
        *(f"  not met: {name}" for name, ok in checks if not ok),
    ]
    with_errors = [
        f"{label} {mode}"
        for mode in MODES
        for label, result in results[mode].items()
        if isinstance(result, Load) and result.errors
    ]
    if with_errors:
        notes.append(f"wrk saw errors on {', '.join(with_errors)}: see the rows.")
    notes.append(
        f"wrk and gunicorn share this machine's {os.cpu_count()} cores (load average"
        f" {os.getloadavg()[0]:.2f} at the end): req/s and latency are lower bounds. CPU ms/req"
        " is steadier, yet a busy machine inflates it too: compare it with the static row's."
    )
    out += [
        textwrap.fill(note, len(RULE), initial_indent="note: ", subsequent_indent="  ")
        for note in notes
    ]
    return "\n".join(line.rstrip() for line in out)


def throughput_lines(results, queries, checks):
    lines = [
        RULE,
        f"{'page':<13} {'mode':<4} {'req/s':>7}  {'vs static':<13} {'p50 ms':>7}  "
        f"{'p99 ms':<15} {'CPU ms/req':<14} {'SQL/req':<11} {'errors':>6}",
        f"{'target':<13} warm {'':>7}  {'>= 80 %':<13} {'':>7}  {'< 20':<15} {'<= 0.9':<14}",
        f"{'target':<13} miss {'':>7}  {'':<13} {'':>7}  {'':<15} {'<= 5':<14} {'<= 6':<11}",
        RULE,
    ]
    for label, path in {"static css": None, **PAGES}.items():
        for mode in MODES:
            result, static = results[mode][label], results[mode]["static css"]
            if isinstance(result, str):
                lines.append(f"{label:<13} {mode:<4} {result}")
                if "404" not in result or label != "search":
                    checks.append((f"{label} answers 200 ({mode})", False))
                continue
            static_rps = result.static_rps or (static.rps if isinstance(static, Load) else 0)
            share = result.rps / static_rps if static_rps else 0
            share_cell = f"{share:4.0%}"
            p99_cell, cpu_cell, sql_cell = f"{result.p99_ms:7.2f}", f"{result.cpu_ms:5.2f}", ""
            name = f"{label} {mode}"
            if path and mode == "warm":
                share_cell += " " + verdict(share >= WARM_VS_STATIC, checks, f"{name} vs static")
                p99_cell += " " + verdict(result.p99_ms < WARM_P99_MS, checks, f"{name} p99")
                cpu_cell += " " + verdict(result.cpu_ms <= WARM_CPU_MS, checks, f"{name} CPU")
                sql_cell = f"{queries[path]['warm']:2d}"
            elif path:
                cpu_cell += " " + verdict(result.cpu_ms <= MISS_CPU_MS, checks, f"{name} CPU")
                sql = queries[path]["miss"]
                sql_cell = f"{sql:2d} " + verdict(sql <= MISS_SQL, checks, f"{name} SQL")
            lines.append(
                f"{label:<13} {mode:<4} {result.rps:7.0f}  {share_cell:<13} {result.p50_ms:7.2f}  "
                f"{p99_cell:<15} {cpu_cell:<14} {sql_cell:<11} {result.errors:>6}"
            )
    return lines


def comparison_lines(results, earlier):
    """Before (BENCH_BEFORE) and after, row by row; not counted in the targets."""
    after = subprocess.run(
        ["git", "describe", "--always", "--dirty=+changes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    heading = (
        f"before ({BEFORE}) -> after ({after}), measured alternately in this run: req/s, as a"
        " share of the static file's, and server CPU per request"
    )
    lines = [
        RULE,
        *textwrap.wrap(heading, len(RULE), subsequent_indent="  "),
        f"{'page':<13} {'mode':<4} {'req/s':>15}  {'vs static':>13}  {'CPU ms/req':>14}",
    ]
    for label in PAGES:
        for mode in MODES:
            pair = (earlier[mode].get(label), results[mode][label])
            if not all(isinstance(load, Load) for load in pair):
                lines.append(f"{label:<13} {mode:<4} " + " -> ".join(map(describe, pair)))
                continue
            rps, share, cpu = (
                " -> ".join(cell.format(value(load)) for load in pair)
                for cell, value in (
                    ("{:6.0f}", lambda load: load.rps),
                    ("{:4.0%}", lambda load: load.rps / load.static_rps if load.static_rps else 0),
                    ("{:5.2f}", lambda load: load.cpu_ms),
                )
            )
            lines.append(f"{label:<13} {mode:<4} {rps:>15}  {share:>13}  {cpu:>14}")
    return lines


def weight_lines(weights, checks):
    lines = [
        RULE,
        "page weight: HTML + the CSS and JS it links, before compression and as sent (gzip)",
        f"target: sent <= {SENT_BYTES} bytes (60 KB)",
        f"{'page':<13} {'HTML':>8} {'CSS':>8} {'JS':>8} {'total':>8} {'sent':>8}",
    ]
    for label in PAGES:
        if label not in weights:
            lines.append(f"{label:<13} not built yet")
            continue
        *uncompressed, sent = weights[label]
        ok = verdict(sent <= SENT_BYTES, checks, f"{label} weight")
        sizes = " ".join(f"{size:8d}" for size in (*uncompressed, sum(uncompressed), sent))
        lines.append(f"{label:<13} {sizes} {ok}")
    return lines


def soak_lines(soaked, checks):
    if soaked is None:
        return [RULE, "soak skipped (BENCH_SOAK_SECONDS=0)"]
    load, before, after = soaked
    lines = [
        RULE,
        f"soak {PAGES[SOAK_PAGE]}, warm, {SOAK_CONNECTIONS} connections, {SOAK_SECONDS} s:",
        f"  {load.requests} requests, {load.rps:.0f} req/s, p99 {load.p99_ms:.2f} ms,"
        f" CPU {load.cpu_ms:.2f} ms/req",
        f"  errors {load.errors} (target 0): {verdict(load.errors == 0, checks, 'soak errors')}",
    ]
    for pid, rss in before.items():
        if pid not in after:
            lines.append(f"  worker {pid}: replaced during the soak (crash or timeout): not met")
            checks.append((f"soak worker {pid} survived", False))
            continue
        growth = (after[pid] - rss) / rss
        ok = verdict(growth < SOAK_GROWTH, checks, f"soak worker {pid} memory")
        lines.append(
            f"  worker {pid} VmRSS {rss} KiB -> {after[pid]} KiB: {growth:+.1%}"
            f" (target < {SOAK_GROWTH:.0%}): {ok}"
        )
    return lines


def cache_notes(results):
    """Notes on whether warm and miss measured different things."""
    notes = []
    if not page_cache_configurable():
        notes.append(
            "the portal does not read DJANGO_PAGE_CACHE_SECONDS yet: warm and miss ran the"
            " same code."
        )
    warm, miss = results["warm"], results["miss"]
    alike = [
        label
        for label in PAGES
        if isinstance(warm[label], Load)
        and isinstance(miss[label], Load)
        and abs(warm[label].cpu_ms - miss[label].cpu_ms) <= 0.25 * miss[label].cpu_ms
    ]
    if alike:
        notes.append(
            f"warm ≈ miss (CPU within 25 %) for {', '.join(alike)}: no whole-page cache at work."
        )
    return notes


# Main ----------------------------------------------------------------------------------------


def run_benchmark():
    check_requirements()
    env = production_environment()
    setup = backends(env)
    print(f"== {setup}", flush=True)
    prepare(env)
    queries = count_queries(env)
    static_url = hashed_static_url("css/site.css")
    results, earlier, weights, soaked = {}, {}, {}, None
    with contextlib.ExitStack() as trees:
        if BEFORE:
            before_root, before_env = trees.enter_context(before_tree(BEFORE, env))
        for mode, settings in MODES.items():
            print(f"== gunicorn, {mode} mode: wrk -t2 -c{CONNECTIONS} -d{SECONDS}s", flush=True)
            with contextlib.ExitStack() as servers:
                server = servers.enter_context(gunicorn(env | settings))
                before = (
                    servers.enter_context(gunicorn(before_env | settings, before_root))
                    if BEFORE
                    else None
                )
                results[mode], earlier[mode] = measure_mode(mode, server, static_url, before)
                if mode == "warm":
                    weights = page_weights(server.base_url)
                    if SOAK_SECONDS > 0:
                        soaked = soak(server.master, server.base_url + PAGES[SOAK_PAGE])
    setup += (
        f"; gunicorn {WORKERS} sync workers; wrk -t2 -c{CONNECTIONS} -d{SECONDS}s per row;"
        f" static file {static_url}"
    )
    notes = cache_notes(results)
    if env.get("DATABASE_URL") or env.get("REDIS_URL"):
        notes.append("CPU ms/req counts gunicorn only, not the database or Redis servers.")
    if env.get("DATABASE_URL", "").startswith("postgres"):
        notes.append(
            "SQL/req leaves out the SELECT 1 that conn_health_checks sends once per request on a"
            " reused PostgreSQL connection (Django sends it outside its query log)."
        )
    return report(setup, results, queries, weights, soaked, notes, BEFORE and earlier)


def main():
    # Ctrl-C, kill or a closed terminal: stop gunicorn on the way out (even where SIGINT
    # was ignored, as in a background job).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.default_int_handler)
    try:
        print(run_benchmark())
    except KeyboardInterrupt:
        print("\nbench: interrupted; gunicorn stopped.", file=sys.stderr)
        return 130
    except subprocess.CalledProcessError as error:
        output = (error.stderr or error.stdout or "").strip()[-3000:]
        print(f"\nbench could not run: {error}\n{output}", file=sys.stderr)
        return 1
    except (BenchError, subprocess.TimeoutExpired, OSError) as error:
        print(f"\nbench could not run: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
