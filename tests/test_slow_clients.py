"""Eight clients sending bodies a byte a second, against gunicorn alone (`make run`) and behind the
compose proxy's nginx: /healthz keeps answering within a second, and a body past BODY_TIMEOUT is a 408."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.serving import BIN, Nginx, SlowBodies, healthz_latencies, nginx_binary, parse_response, start_gunicorn

BODY_TIMEOUT = 3  # seconds; shortened from the default so the test sees the bound fire
PROBE_SECONDS = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn.conf.py's defaults (workers, threads) on a migrated SQLite file, with a write token."""
    root = tmp_path_factory.mktemp("slow")
    env = {"DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}", "BODY_TIMEOUT": str(BODY_TIMEOUT),
           "RATELIMIT_ENABLED": "0", "PATH": f"{BIN}:/usr/bin:/bin"}
    flask = [str(BIN / "flask"), "--app", "service"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    made = subprocess.run([*flask, "tokens", "create", "slow", "--scope", "write"], env=env, check=True,
                          capture_output=True, text=True, timeout=60)
    server = start_gunicorn(env, root)
    server.token = made.stdout.strip().splitlines()[-1]
    yield server
    server.stop()


def test_healthz_with_eight_slow_bodies_on_gunicorn_answers_within_a_second(server):
    auth = {"Authorization": f"Bearer {server.token}"}  # so the app reads the bodies, as it would a write
    with SlowBodies(server.port, headers=auth) as clients:
        latencies = healthz_latencies(server.base_url, PROBE_SECONDS)
    assert max(latencies) < 1.0, latencies
    assert len(clients.answers) >= clients.count, clients.answers  # each was cut off at least once


def test_post_body_slower_than_body_timeout_is_408_problem(server):
    with SlowBodies(server.port, count=1, headers={"Authorization": f"Bearer {server.token}"}) as clients:
        healthz_latencies(server.base_url, BODY_TIMEOUT + 2)
    elapsed, answer = clients.answers[0]
    status, headers, body = parse_response(answer)
    assert (status, headers["content-type"]) == (408, "application/problem+json"), answer
    assert json.loads(body)["detail"] == f"The request body did not arrive within {BODY_TIMEOUT} s (BODY_TIMEOUT)."
    # checked as bytes arrive: at the first byte after the deadline (one a second), plus scheduling slack
    assert BODY_TIMEOUT <= elapsed < BODY_TIMEOUT + 1 + 1.5


@pytest.mark.skipif(nginx_binary() is None, reason="Debian's nginx is not installed (apt-get install nginx-light)")
def test_healthz_with_eight_slow_bodies_through_the_proxy_answers_within_a_second(server):
    with Nginx(f"127.0.0.1:{server.port}") as proxy:
        auth = {"Authorization": f"Bearer {server.token}"}
        with SlowBodies(proxy.port, headers=auth):
            latencies = healthz_latencies(proxy.base_url, PROBE_SECONDS)
    assert max(latencies) < 1.0, latencies
