"""A frozen dependency costs a request a bounded wait: a PostgreSQL and a Redis of the test's own, stopped with
SIGSTOP (the process is there, its kernel acknowledges every packet, nothing answers), then resumed."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from service import create_app, extensions, migrate
from service.extensions import IDLE_PING_SECONDS, db
from service.http.db_deadlines import WATCHDOG
from tests.deploy_support import PrivatePostgres, free_port, postgres_bin, wait_for
from tests.helpers import assert_problem

STATEMENT_TIMEOUT, CONNECT_TIMEOUT, REDIS_TIMEOUT = 1.0, 2, 0.3
# statement timeout + the watchdog's grace (1 s) and poll (0.5 s), a reconnect's connect timeout, and slack
DATABASE_BOUND = STATEMENT_TIMEOUT + 1.5 + CONNECT_TIMEOUT + 1.5


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):  # gone meanwhile
            pass
    return found


@contextmanager
def frozen(pids: list[int]):
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)


@pytest.fixture(scope="module")
def postgres():
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.fail("PostgreSQL server binaries not found (set PG_BIN)")
    server = PrivatePostgres(bin_dir, "briefing", secrets.token_urlsafe(12))
    try:
        server.init()
        server.start()
        url = server.url("postgres")
        migrate.upgrade(url)
        server.database_url = url
        yield server
    finally:
        server.cleanup()


def postmaster_and_backends(server: PrivatePostgres) -> list[int]:
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    return [postmaster, *children(postmaster)]


def timed(client, url: str):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_get_with_the_database_frozen_is_a_503_within_the_bound_and_recovers(postgres):
    app = create_app({"DATABASE_URL": postgres.database_url, "RATELIMIT_ENABLED": False,
                      "DATABASE_STATEMENT_TIMEOUT": STATEMENT_TIMEOUT, "DATABASE_CONNECT_TIMEOUT": CONNECT_TIMEOUT})
    client = app.test_client()
    assert [client.get(url).status_code for url in ("/api/v1/actors", "/readyz")] == [200, 200]
    shut = WATCHDOG.shut
    with frozen(postmaster_and_backends(postgres)):
        # A cached URL and new ones, the probe, and eight at once: every one ends in time, as a 503 problem.
        for url in ("/api/v1/actors", "/api/v1/events", "/readyz"):
            response, took = timed(client, url)
            assert_problem(response, 503)
            assert response.headers["Retry-After"] and took < DATABASE_BOUND, (url, took)
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda n: timed(app.test_client(), f"/api/v1/proposals?limit={n + 1}"), range(8)))
        assert {r.status_code for r, _ in answers} == {503}
        assert max(took for _, took in answers) < 2 * DATABASE_BOUND, [took for _, took in answers]
    assert WATCHDOG.shut > shut  # it was the watchdog, not the server, that ended the waits
    wait_for(lambda: client.get("/api/v1/actors").status_code == 200, 20, "the service to recover")
    assert client.get("/readyz").status_code == 200


def counted_pings(app, monkeypatch) -> list:
    """The pings the pool of APP's engine sends, from now on."""
    with app.app_context():
        engine = db.engine
    pings: list = []
    ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(connection) or ping(connection))
    return pings


def test_a_restart_of_the_database_costs_no_request_and_a_connection_in_steady_use_is_not_pinged(postgres,
                                                                                               monkeypatch):
    """A pooled connection is pinged before its use only when its server may have closed it: used again at once
    it runs its request's statements alone; right after the server restarts, the pooled connections it closed
    (their sockets readable: the server's last words) are pinged, found dead and replaced before they serve, and
    the version reader's connection is replaced too, so the first requests after are answered. (The idle bound
    is a minute here, so that only the sockets tell.)"""
    monkeypatch.setattr(extensions, "IDLE_PING_SECONDS", 60.0)
    app = create_app({"DATABASE_URL": postgres.database_url, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    pings = counted_pings(app, monkeypatch)
    assert client.get("/api/v1/actors").status_code == 200
    assert client.get("/api/v1/events").status_code == 200 and pings == []
    postgres.stop()
    postgres.start()
    assert [client.get(url).status_code for url in ("/api/v1/actors", "/api/v1/events", "/readyz")] == [200] * 3
    assert pings  # the connections the restart closed, found dead
    pinged = len(pings)
    assert client.get("/api/v1/actors?limit=2").status_code == 200 and len(pings) == pinged  # new URLs: no hits


def test_a_pooled_connection_idle_for_the_idle_bound_is_pinged_before_its_use(postgres, monkeypatch):
    """Whatever its socket says (a peer gone without a word, such as a firewall that dropped it, says nothing)."""
    app = create_app({"DATABASE_URL": postgres.database_url, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    pings = counted_pings(app, monkeypatch)
    assert client.get("/api/v1/actors?limit=4").status_code == 200
    assert client.get("/api/v1/actors?limit=5").status_code == 200 and pings == []
    time.sleep(IDLE_PING_SECONDS)
    assert client.get("/api/v1/actors?limit=6").status_code == 200 and len(pings) == 1


class PrivateRedis:
    def __init__(self):
        self.root, self.port = Path(tempfile.mkdtemp(prefix="briefing-redis-")), free_port()
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.root)], stdout=subprocess.DEVNULL)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.client = redis.Redis.from_url(self.url, socket_timeout=2)
        wait_for(self._answers, 10, "the private redis-server")

    def _answers(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False

    def cleanup(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture()
def private_redis():
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    server = PrivateRedis()
    try:
        yield server
    finally:
        server.cleanup()


def test_get_with_redis_frozen_is_answered_within_the_bound_from_memory_and_recovers(seeded_app, private_redis):
    """The cache and the rate limiter fall back to this process's memory (as documented): the answer is the
    same 200, a Redis timeout later at most, never a hang; once Redis answers again it is used again."""
    app = create_app({"DATABASE_URL": seeded_app.config["DATABASE_URL"], "CACHE_URL": private_redis.url,
                      "RATELIMIT_STORAGE_URI": private_redis.url, "RATELIMIT_DEFAULT": "10000/minute",
                      "REDIS_TIMEOUT": REDIS_TIMEOUT})
    client = app.test_client()
    assert client.get("/api/v1/actors?limit=1").status_code == 200 and private_redis.client.dbsize() > 0
    with frozen([private_redis.process.pid]):
        for n in range(2, 12):
            response, took = timed(client, f"/api/v1/actors?limit={n}")
            assert response.status_code == 200 and took < 3 * REDIS_TIMEOUT + 1, (n, took)
    private_redis.client.flushdb()
    app.extensions["response_cache"].down_until = app.extensions["rate_limiter"].down_until = 0  # retry at once
    assert client.get("/api/v1/actors?limit=20").status_code == 200
    assert private_redis.client.dbsize() >= 2  # the new entry and the rate-limit counter


def test_get_with_a_statement_past_the_statement_timeout_is_cancelled_by_postgresql_as_a_503(databases):
    app = create_app({"DATABASE_URL": databases.new("postgresql"), "RATELIMIT_ENABLED": False,
                      "DATABASE_STATEMENT_TIMEOUT": 0.5})
    app.config["PROPAGATE_EXCEPTIONS"] = False
    shut = WATCHDOG.shut

    @app.get("/sleeps")
    def sleeps():
        db.session.execute(text("SELECT pg_sleep(5)"))
        return {}

    response, took = timed(app.test_client(), "/sleeps")
    assert_problem(response, 503)
    assert took < 1.5 and WATCHDOG.shut == shut  # the live server cancelled it, the watchdog had no part
