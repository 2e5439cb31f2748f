"""The baked copy's speed: nginx serving the baked treatment page, nginx serving a plain
file of the same size, and the application's cached page (gunicorn), side by side in one
run, under wrk. Not part of pytest.

    make bench-static
    BENCH_SECONDS=3 .venv/bin/python tests/perf/static_bench.py      # a quick look

Needs nginx and wrk. It bakes the worktree's database (collectstatic, then
`manage.py bake`) into a temporary directory, starts nginx on it with
docs/nginx-static-copy.conf (tests/nginx_copy.py; BENCH_WORKERS workers, default 2) and
gunicorn with gunicorn.conf.py (as many sync workers), each on a free port of 127.0.0.1.
Each URL: a 1 s warm-up, then `wrk -t2 -c16 -d$BENCH_SECONDS s` (default 10 s).
Goal: the baked page at 90 % or more of the plain file's requests per second.
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.nginx_copy import NGINX, free_port, running_nginx  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
HOST = "hemato-info.example-hospital.fr"
PAGE = "/fr/traitements/cellules-car-t/"
SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))


def wrk(url, seconds):
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", f"Host: {HOST}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    percentiles = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", output))
    return rate, percentiles.get("50", "?"), percentiles.get("99", "?"), errors and errors[1]


@contextlib.contextmanager
def gunicorn(env):
    port = free_port()
    command = [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--max-requests", "0"]
    command += ["--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        for _attempt in range(200):
            with contextlib.suppress(OSError):
                request = urllib.request.Request(f"http://127.0.0.1:{port}{PAGE}")
                request.add_header("Host", HOST)
                urllib.request.urlopen(request, timeout=2).read()
                break
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def main():
    if NGINX is None or shutil.which("wrk") is None:
        print("static_bench needs nginx and wrk (apt-get install -y nginx wrk)")
        return 1
    env = {
        **os.environ,
        "DJANGO_DEBUG": "",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "DJANGO_CANONICAL_HOST": HOST,
    }
    env.pop("PYENV_VERSION", None)
    with tempfile.TemporaryDirectory(prefix="hemato-bake-bench-") as directory:
        site = Path(directory) / "site"
        manage = [PYTHON, "manage.py"]
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        started = time.monotonic()
        subprocess.run([*manage, "bake", "--output", str(site)], cwd=ROOT, env=env, check=True)
        first = time.monotonic() - started
        started = time.monotonic()
        subprocess.run([*manage, "bake", "--output", str(site)], cwd=ROOT, env=env, check=True)
        again = time.monotonic() - started
        page = site / PAGE.strip("/") / "index.html"
        size = page.stat().st_size
        (site / "same-size.html").write_bytes(os.urandom(size // 2).hex().encode()[:size])
        with gunicorn(env) as app_port:
            upstream = f"127.0.0.1:{app_port}"
            with running_nginx(site, upstream, Path(directory) / "nginx", WORKERS) as port:
                nginx, app = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{app_port}"
                rows = [
                    ("nginx: a plain file of the same size", f"{nginx}/same-size.html"),
                    ("nginx: the baked treatment page", f"{nginx}{PAGE}"),
                    ("gunicorn: the cached treatment page", f"{app}{PAGE}"),
                ]
                results = []
                for label, url in rows:
                    wrk(url, 1)
                    results.append((label, *wrk(url, SECONDS)))
    print(f"\nBake: {first:.1f} s the first time, {again:.1f} s again (nothing to write).")
    print(f"Page {PAGE}: {size:,} bytes; {WORKERS} workers each; wrk -t2 -c16 -d{SECONDS}s.\n")
    print("| served | req/s | share of the plain file | p50 | p99 | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    plain = results[0][1]
    for label, rate, p50, p99, errors in results:
        print(f"| {label} | {rate:,.0f} | {rate / plain:.0%} | {p50} | {p99} | {errors or 0} |")
    share = results[1][1] / plain
    print(
        f"\nGoal: the baked page at 90 % of the plain file: {'met' if share >= 0.9 else 'not met'}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
