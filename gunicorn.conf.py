"""Gunicorn settings of Hémato-Info in production: `gunicorn` (no argument) in this directory
reads this file. Command-line options override it, e.g. `gunicorn --workers 4`.

| variable         | default                                          |
| ---------------- | ------------------------------------------------ |
| GUNICORN_BIND    | 127.0.0.1:8000 (a reverse proxy in front: TLS)   |
| GUNICORN_WORKERS | 2 x CPU cores available to the process, plus 1   |

Django itself reads its settings from the environment: see portal/settings.py.
"""

import os

# The Django application to serve.
wsgi_app = "portal.wsgi:application"

# Listen on the loopback only: the reverse proxy (nginx, Caddy...) faces the internet.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers, one request at a time each: our pages are short, CPU-bound work
# (template rendering, a few SQL queries), which is what this model suits best.
worker_class = "sync"
# Gunicorn's rule of thumb: 2 x cores + 1. Cores counted as those this process may use.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * len(os.sched_getaffinity(0)) + 1))

# Load Django once in the master, then fork: workers share its memory pages, start in
# milliseconds, and a broken configuration stops the start-up instead of looping workers.
# Caveat: `kill -HUP` then restarts workers without reading new code; restart the service.
preload_app = True

# A worker silent for this many seconds is killed and replaced (a page takes milliseconds).
timeout = 30
# On stop or restart, workers get this many seconds to finish the requests they hold.
graceful_timeout = 20

# Recycle each worker after about 10 000 requests: a safety net against a slow memory leak
# in any library. The jitter spreads the restarts so that workers never restart together.
# Cheap with preload_app (a fork), but each new worker starts with an empty local-memory
# cache. tests/perf/bench.py turns this off (--max-requests 0) so its soak can see a leak.
max_requests = 10_000
max_requests_jitter = 1_000

# The workers' heartbeat files on tmpfs: a slow or full disk cannot stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# No access log: the reverse proxy logs every request already. Errors go to stderr
# (journald under systemd).
accesslog = None
errorlog = "-"
loglevel = "info"

# No header sets the WSGI environment: gunicorn otherwise takes SCRIPT_NAME and PATH_INFO
# headers from the proxy's address (forwarded_allow_ips), and a proxy passes on what the
# client sent: a SCRIPT_NAME header gave gunicorn's 500 page, or prefixed every link of the
# page with it. The portal is served at the root; those headers are dropped (header_map).
forwarder_headers = ""

# No control socket: gunicorn 25.1+ otherwise creates $XDG_RUNTIME_DIR/gunicorn.ctl or
# ~/.gunicorn/gunicorn.ctl for the `gunicornc` tool, which we do not use.
control_socket_disable = True
