"""service/gunicorn_worker.py: a worker with every thread busy leaves new connections to the others."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from service.config import PROJECT_ROOT

GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(databases, tmp_path, workers: int):
    """The service under gunicorn.conf.py with WORKERS workers of 1 thread each; yields its port."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": databases.new("sqlite"), "PORT": str(port), "HOST": "127.0.0.1",
           "WEB_CONCURRENCY": str(workers), "THREADS": "1", "LOG_LEVEL": "WARNING", "RATELIMIT_ENABLED": "0",
           "RESPONSE_CACHE": "0"}
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


def test_new_connection_is_served_while_another_worker_waits_on_a_silent_client(databases, tmp_path):
    """A client that connects and sends nothing holds one worker's only thread (gthread waits 5 s for its
    request). A plain gthread worker kept accepting and queued the next clients behind it, more than half
    the time; here the other worker serves them at once, every time."""
    with gunicorn(databases, tmp_path, workers=2) as port:
        for _ in range(4):
            with socket.create_connection(("127.0.0.1", port)):
                time.sleep(0.2)  # accepted, and its worker's thread now waits for the request
                started = time.monotonic()
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read()
                assert time.monotonic() - started < 2.0
                assert b"ok" in body
            time.sleep(0.2)


def test_new_connection_is_served_while_keep_alive_clients_keep_every_thread_busy(databases, tmp_path):
    """Three keep-alive clients sending request after request keep the only thread busy: always one of
    their requests is queued. The worker still takes a new client once it has waited PATIENCE (without
    that, the new client waited as long as the others kept sending: over 30 s)."""
    with gunicorn(databases, tmp_path, workers=1) as port:
        stop = threading.Event()

        def keep_sending() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while not stop.is_set():
                connection.request("GET", "/openapi.json")  # a few ms of work each
                connection.getresponse().read()

        clients = [threading.Thread(target=keep_sending) for _ in range(3)]
        for client in clients:
            client.start()
        try:
            time.sleep(0.5)
            for _ in range(5):
                started = time.monotonic()
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read()
                assert time.monotonic() - started < 2.0
        finally:
            stop.set()
            for client in clients:
                client.join()
