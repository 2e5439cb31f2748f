"""nginx on a baked copy, unprivileged, in a temporary directory, with the sample
configuration docs/nginx-static-copy.conf (for tests/test_nginx_copy.py and the bench)."""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "docs" / "nginx-static-copy.conf"
NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_block(root: Path, port: int, upstream: str) -> str:
    """The sample, listening on 127.0.0.1:port over plain HTTP, serving `root`, passing
    dynamic addresses to `upstream` (host:port). Each line changed must be found once."""
    text = SAMPLE.read_text()
    changes = [
        ("    listen 443 ssl;\n", f"    listen 127.0.0.1:{port};\n"),
        ("    http2 on;\n", ""),
        ("    ssl_certificate /etc/ssl/certs/hemato-info.pem;\n", ""),
        ("    ssl_certificate_key /etc/ssl/private/hemato-info.key;\n", ""),
        ("    root /srv/hemato-info/static-copy;\n", f"    root {root};\n"),
        ("    server 127.0.0.1:8000;", f"    server {upstream};"),
    ]
    for old, new in changes:
        assert text.count(old) == 1, f"{SAMPLE.name} no longer has {old!r}"
        text = text.replace(old, new)
    return text


@contextlib.contextmanager
def running_nginx(root: Path, upstream: str, directory: Path, workers: int = 1):
    """nginx serving the copy in `root`; yields its port. Its pid, logs and temporary
    files are in `directory`."""
    port = free_port()
    directory.mkdir(parents=True, exist_ok=True)
    temp = {name: directory / name for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    config = directory / "nginx.conf"
    config.write_text(
        f"""{user}
worker_processes {workers};
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp["client"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
{server_block(root, port, upstream)}
}}
"""
    )
    command = [NGINX, "-p", str(directory), "-c", str(config), "-e", str(directory / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        for _attempt in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
