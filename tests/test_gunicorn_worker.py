"""service/gunicorn_worker.py: a worker with every thread busy leaves new connections to the others."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from service.config import PROJECT_ROOT

GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def two_single_thread_workers(databases, tmp_path):
    """The service under gunicorn.conf.py with 2 workers of 1 thread each."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": databases.new("sqlite"), "PORT": str(port), "HOST": "127.0.0.1",
           "WEB_CONCURRENCY": "2", "THREADS": "1", "LOG_LEVEL": "WARNING", "RATELIMIT_ENABLED": "0"}
    with open(tmp_path / "gunicorn.log", "wb") as log:
        process = subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py", "service.wsgi:app"], cwd=PROJECT_ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail((tmp_path / "gunicorn.log").read_text())
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_new_connection_is_served_while_another_worker_waits_on_a_silent_client(two_single_thread_workers):
    """A client that connects and sends nothing holds one worker's only thread (gthread waits 5 s for its
    request). A plain gthread worker kept accepting and queued the next clients behind it, more than half
    the time; here the other worker serves them at once, every time."""
    port = two_single_thread_workers
    for _ in range(4):
        with socket.create_connection(("127.0.0.1", port)):
            time.sleep(0.2)  # accepted, and its worker's thread now waits for the request
            started = time.monotonic()
            body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read()
            assert time.monotonic() - started < 2.0
            assert b"ok" in body
        time.sleep(0.2)
