"""Serving-test helpers: gunicorn with gunicorn.conf.py, Debian's nginx with docker/nginx.conf.template,
slow clients and raw HTTP on sockets. Also used by bench/load.py."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.deploy_support import PROJECT_ROOT, BootProcess, free_port, http_get, wait_for

BIN = Path(sys.executable).parent
NGINX_TEMPLATE = PROJECT_ROOT / "docker" / "nginx.conf.template"
# What the official nginx image's /etc/nginx/nginx.conf wraps around conf.d/*.conf, with the paths a
# process of our own can write; the server itself comes from the template unchanged.
NGINX_MAIN = """\
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log notice;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {root}/access.log;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {root}/client_temp;
    proxy_temp_path {root}/proxy_temp;
    fastcgi_temp_path {root}/fastcgi_temp;
    uwsgi_temp_path {root}/uwsgi_temp;
    scgi_temp_path {root}/scgi_temp;
    include {root}/default.conf;
}}
"""


def render_template(text: str, variables: dict[str, str]) -> str:
    """The official image's envsubst step: ${NAME} and $NAME of the given (defined) names only."""
    for name, value in variables.items():
        text = re.sub(r"\$\{" + name + r"\}|\$" + name + r"\b", lambda _, value=value: value, text)
    return text


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


class Nginx:
    """Debian's nginx serving the compose proxy's template, with the upstream at UPSTREAM."""

    def __init__(self, upstream: str, port: int | None = None):
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="briefing-nginx-"))
        os.chmod(self.root, 0o755)  # nginx's workers run as nobody
        config = render_template(NGINX_TEMPLATE.read_text(), {"API_UPSTREAM": upstream,
                                                               "PROXY_PORT": f"127.0.0.1:{self.port}"})
        (self.root / "default.conf").write_text(config)
        (self.root / "nginx.conf").write_text(NGINX_MAIN.format(root=self.root))
        self.command = [nginx_binary() or "nginx", "-p", str(self.root), "-c", str(self.root / "nginx.conf")]
        self.process: subprocess.Popen | None = None
        self.base_url = f"http://127.0.0.1:{self.port}"

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run([*self.command, "-t"], capture_output=True, text=True, timeout=30)

    def start(self) -> Nginx:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for(lambda: self.process.poll() is not None or port_open(self.port), 15, "nginx to listen")
        assert self.process.poll() is None, self.process.stderr.read().decode()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def start_gunicorn(env: dict[str, str], log_dir: Path, timeout: float = 60) -> BootProcess:
    """gunicorn with the project's gunicorn.conf.py and the given environment; ready when /healthz is."""
    port = free_port()
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOST": "127.0.0.1", "PORT": str(port), "LOG_LEVEL": "INFO", **env}
    server = BootProcess([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "service.wsgi:app"], env, log_dir)
    server.port, server.base_url = port, f"http://127.0.0.1:{port}"
    server.start()

    workers = int(env.get("WEB_CONCURRENCY", "2"))

    def ready():  # every worker booted, not only the first: a test's load would all go to that one
        assert server.alive(), server.output()
        return server.output().count("Worker ready") >= workers

    wait_for(ready, timeout, f"gunicorn's {workers} workers")
    return server


def raw_request(port: int, data: bytes, timeout: float = 10) -> bytes:
    """Send DATA on a new connection and read until the server closes it or TIMEOUT passes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        return read_until_closed(sock, timeout)


def read_until_closed(sock: socket.socket, timeout: float) -> bytes:
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def parse_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, lower-cased headers, body) of the first HTTP/1.1 response in RAW."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


@dataclass
class SlowBodies:
    """COUNT clients that each send a POST's headers, then its body one byte a second, and open a new
    connection whenever the server answers or closes (as an attacker would). `answers` records
    (seconds after the headers, first bytes of the answer)."""

    port: int
    count: int = 8
    path: str = "/api/v1/actors"
    headers: dict[str, str] = field(default_factory=dict)
    answers: list[tuple[float, bytes]] = field(default_factory=list)

    def __post_init__(self):
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.count)]
        self.connected = threading.Semaphore(0)

    def _client(self) -> None:
        extra = "".join(f"{name}: {value}\r\n" for name, value in self.headers.items())
        head = (f"POST {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: 100000\r\n{extra}\r\n").encode()
        first = True
        while not self.stopping.is_set():
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                sock.sendall(head)
                if first:
                    self.connected.release()
                    first = False
                self._trickle(sock, time.monotonic())

    def _trickle(self, sock: socket.socket, started: float) -> None:
        while not self.stopping.is_set():
            try:
                sock.sendall(b" ")
                sock.settimeout(1.0)
                answer = sock.recv(4096)
                answer += read_until_closed(sock, 0.5) if answer else b""  # the rest of the answer
            except TimeoutError:
                continue  # nothing yet: one more byte
            except OSError as error:
                answer = repr(error).encode()
            self.answers.append((time.monotonic() - started, answer))
            return

    def __enter__(self) -> SlowBodies:
        for thread in self.threads:
            thread.start()
        for _ in self.threads:
            assert self.connected.acquire(timeout=10), "a slow client could not connect"
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=10)


def healthz_latencies(base_url: str, seconds: float, interval: float = 0.25) -> list[float]:
    """Seconds each GET /healthz took (on a new connection) over SECONDS; a failure counts as 99."""
    latencies, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        status = http_get(base_url + "/healthz", timeout=5)[0]
        latencies.append(time.monotonic() - started if status == 200 else 99.0)
        time.sleep(interval)
    return latencies
