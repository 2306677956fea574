"""Limits: the body-size cap (413) and rate limits (429) on memory and Redis storage, and their spec."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
import uuid

import pytest
import redis
from flask import Response, request
from werkzeug.test import EnvironBuilder

from service import create_app
from service.config import PROJECT_ROOT, ConfigError, finalize, load_config
from service.http.limits import LocalCounts, client_key
from tests.conftest import SEED_DIR
from tests.helpers import assert_problem

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
KIB = 1024


@pytest.fixture()
def make_app(seeded_app):
    """Apps over the seeded database with limits switched on, each with a key prefix of its own."""
    prefix = f"test-limits-{uuid.uuid4().hex[:12]}"

    def make(**config):
        return create_app({"TESTING": True, "DATABASE_URL": seeded_app.config["DATABASE_URL"],
                           "SEED_DIR": str(SEED_DIR), "RATELIMIT_ENABLED": True,
                           "RATELIMIT_KEY_PREFIX": prefix, **config})

    make.prefix = prefix
    return make


@pytest.fixture()
def redis_app(make_app):
    """make_app on Redis storage; deletes only the keys carrying this test's prefix afterwards."""
    connection = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        connection.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL): {exc}")

    def make(**config):
        return make_app(RATELIMIT_STORAGE_URI=REDIS_URL, **config)

    make.prefix = make_app.prefix
    yield make
    keys = list(connection.scan_iter(match=f"*{make_app.prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


def echo_app(app):
    """Add a route that reads its body, as a write view would."""
    app.add_url_rule("/echo", "echo", lambda: {"size": len(request.get_data())}, methods=["POST"])
    return app


# 413: body size

def test_post_actor_over_max_content_length_gets_413_problem(make_app):
    client = make_app(MAX_CONTENT_LENGTH=KIB).test_client()
    response = client.post("/api/v1/actors", data=b"x" * (KIB + 1), content_type="application/json")
    body = assert_problem(response, 413)
    assert "1024-byte limit" in body["detail"]


def test_post_healthz_over_max_content_length_gets_413_before_405(make_app):
    client = make_app(MAX_CONTENT_LENGTH=KIB).test_client()
    assert client.post("/healthz", data=b"x" * KIB).status_code == 405
    assert_problem(client.post("/healthz", data=b"x" * (KIB + 1)), 413)


def post_chunked(app, path: str, body: bytes) -> Response:
    """POST with no Content-Length, as gunicorn hands a chunked request over (wsgi.input_terminated)."""
    environ = EnvironBuilder(path=path, method="POST", input_stream=io.BytesIO(body),
                             headers={"Transfer-Encoding": "chunked"}).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    return Response.from_app(app, environ)


def test_post_chunked_body_over_max_content_length_gets_413(make_app):
    response = post_chunked(echo_app(make_app(MAX_CONTENT_LENGTH=KIB)), "/echo", b"x" * (KIB + 1))
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 413


def test_post_chunked_body_within_max_content_length_reaches_view_whole(make_app):
    response = post_chunked(echo_app(make_app(MAX_CONTENT_LENGTH=KIB)), "/echo", b"x" * KIB)
    assert response.status_code == 200
    assert response.get_json() == {"size": KIB}


def test_post_actor_within_max_content_length_is_not_413(make_app):
    client = make_app(MAX_CONTENT_LENGTH=KIB).test_client()
    response = client.post("/api/v1/actors", data=b"{" + b" " * (KIB - 2) + b"}",
                           content_type="application/json")
    assert_problem(response, 401)


# 429: rate limits, in memory

def test_get_actors_over_default_limit_gets_429_problem_with_retry_after(make_app):
    client = make_app(RATELIMIT_DEFAULT="2/minute").test_client()
    assert [client.get("/api/v1/actors").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/actors")
    body = assert_problem(response, 429)
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    assert "2 per 1 minute" in body["detail"]


def _token(app) -> str:
    name = f"limits-{uuid.uuid4().hex[:8]}"
    # Flask's CLI runs in the current app context if one is pushed: push APP's, lest a context another test
    # left pushed (a response not closed) make the token in that app's database.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["tokens", "create", name, "--scope", "read"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_get_actors_rate_limit_counts_each_token_apart_from_the_address(make_app):
    app = make_app(RATELIMIT_DEFAULT="1/minute")
    client = app.test_client()
    assert client.get("/api/v1/actors").status_code == 200
    assert client.get("/api/v1/actors").status_code == 429
    for token in (_token(app), _token(app)):
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/actors", headers=headers).status_code == 200
        assert client.get("/api/v1/actors", headers=headers).status_code == 429


def test_get_actors_with_made_up_tokens_counts_against_the_address(make_app):
    client = make_app(RATELIMIT_DEFAULT="1/minute").test_client()
    assert client.get("/api/v1/actors").status_code == 200
    for token in ("made-up-a", "made-up-b"):
        response = client.get("/api/v1/actors", headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 429)


def test_client_key_hashes_a_known_bearer_token(make_app):
    app = make_app()
    token = _token(app)
    with app.test_request_context(headers={"Authorization": f"Bearer {token}"}):
        key = client_key()
    assert key.startswith("token:") and token not in key
    with app.test_request_context(headers={"Authorization": "Bearer brf_unknown"},
                                  environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        assert client_key() == "addr:192.0.2.7"
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        assert client_key() == "addr:192.0.2.7"


def test_get_health_docs_and_preflight_exempt_from_rate_limit(make_app):
    client = make_app(RATELIMIT_DEFAULT="1/minute").test_client()
    for url in ("/healthz", "/readyz", "/docs", "/docs/assets/swagger-ui.css"):
        assert [client.get(url).status_code for _ in range(3)] == [200] * 3, url
    assert [client.options("/api/v1/actors").status_code for _ in range(3)] == [200] * 3


def test_write_limit_shared_across_write_routes(make_app):
    client = make_app(RATELIMIT_WRITE="2/minute").test_client()
    # No valid token: the limit is checked before authentication, so refused writes count too.
    assert client.post("/api/v1/actors", json={}).status_code == 401
    assert client.post("/api/v1/events", json={}).status_code == 401
    assert_problem(client.delete("/api/v1/proposals/reassurance-force"), 429)
    assert client.get("/api/v1/actors").status_code == 200


def test_rate_limit_behind_a_trusted_proxy_counts_each_forwarded_client(make_app):
    client = make_app(RATELIMIT_DEFAULT="1/minute", TRUSTED_PROXIES=1).test_client()
    for address in ("203.0.113.7", "198.51.100.4"):  # both arrive from the proxy at 127.0.0.1
        headers = {"X-Forwarded-For": address}
        assert [client.get("/api/v1/actors", headers=headers).status_code for _ in range(2)] == [200, 429]


def test_rate_limit_without_trusted_proxy_ignores_forwarded_for(make_app):
    client = make_app(RATELIMIT_DEFAULT="1/minute").test_client()
    assert client.get("/api/v1/actors", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 200
    # A client cannot buy a fresh budget by claiming to be someone else.
    assert_problem(client.get("/api/v1/actors", headers={"X-Forwarded-For": "198.51.100.4"}), 429)


def test_rate_limit_disabled_never_gives_429(make_app):
    client = make_app(RATELIMIT_ENABLED=False, RATELIMIT_DEFAULT="1/minute").test_client()
    assert [client.get("/api/v1/actors").status_code for _ in range(3)] == [200] * 3


def test_memory_rate_limits_are_per_app_instance(make_app):
    first, second = make_app(RATELIMIT_DEFAULT="1/minute"), make_app(RATELIMIT_DEFAULT="1/minute")
    assert first.test_client().get("/api/v1/actors").status_code == 200
    assert second.test_client().get("/api/v1/actors").status_code == 200


# 429: rate limits, on Redis

def test_get_actors_over_default_limit_on_redis_gets_429(redis_app):
    client = redis_app(RATELIMIT_DEFAULT="2/minute").test_client()
    assert [client.get("/api/v1/actors").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/actors")
    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) >= 1


def test_redis_rate_limit_shared_between_app_instances(redis_app):
    first, second = redis_app(RATELIMIT_DEFAULT="2/minute"), redis_app(RATELIMIT_DEFAULT="2/minute")
    assert first.test_client().get("/api/v1/actors").status_code == 200
    assert second.test_client().get("/api/v1/actors").status_code == 200
    assert_problem(first.test_client().get("/api/v1/actors"), 429)
    assert_problem(second.test_client().get("/api/v1/actors"), 429)


def test_redis_rate_limit_shared_between_processes(redis_app, seeded_app):
    script = (
        "from service import create_app\n"
        f"app = create_app({{'DATABASE_URL': {seeded_app.config['DATABASE_URL']!r}, "
        f"'RATELIMIT_DEFAULT': '2/minute', 'RATELIMIT_STORAGE_URI': {REDIS_URL!r}, "
        f"'RATELIMIT_KEY_PREFIX': {redis_app.prefix!r}}})\n"
        "print([app.test_client().get('/api/v1/actors').status_code for _ in range(2)])\n"
    )
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                           cwd=PROJECT_ROOT)
    assert other.stdout.strip().endswith("[200, 200]"), other.stderr
    assert_problem(redis_app(RATELIMIT_DEFAULT="2/minute").test_client().get("/api/v1/actors"), 429)


def test_get_actors_with_redis_down_falls_back_to_memory(make_app):
    client = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", RATELIMIT_DEFAULT="2/minute",
                      RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 0.2}).test_client()
    assert [client.get("/api/v1/actors").status_code for _ in range(3)] == [200, 200, 429]


# Configuration

@pytest.mark.parametrize(("name", "value"), [
    ("RATELIMIT_DEFAULT", "lots"), ("RATELIMIT_WRITE", "10/fortnight"),
    ("MAX_CONTENT_LENGTH", "1MB"), ("MAX_CONTENT_LENGTH", "0"),
    ("RATELIMIT_STORAGE_URI", "localhost:6379"), ("RATELIMIT_ENABLED", "maybe"),
    ("TRUSTED_PROXIES", "-1"), ("TRUSTED_PROXIES", "two"),
])
def test_load_config_with_malformed_limit_setting_raises_one_line_error(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        finalize(load_config())
    assert name in str(caught.value) and "\n" not in str(caught.value)


def test_load_config_reads_limit_settings(monkeypatch):
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "2048")
    monkeypatch.setenv("RATELIMIT_DEFAULT", "10/second;300/hour")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/1")
    config = finalize(load_config())
    assert config["MAX_CONTENT_LENGTH"] == 2048
    assert config["RATELIMIT_DEFAULT"] == "10/second;300/hour"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/1"


# OpenAPI

def test_spec_documents_429_on_every_limited_operation(client):
    spec = client.get("/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            ref = operation["responses"].get("429", {}).get("$ref")
            expected = None if path in ("/healthz", "/readyz") else "#/components/responses/RATE_LIMITED"
            assert ref == expected, (method, path)
    assert "Retry-After" in spec["components"]["responses"]["RATE_LIMITED"]["headers"]


def test_spec_documents_413_on_every_operation_with_a_body(client):
    spec = client.get("/openapi.json").get_json()
    bodies = [(m, p, op) for p, ops in spec["paths"].items() for m, op in ops.items()
              if m != "parameters" and "requestBody" in op]
    assert bodies
    for method, path, operation in bodies:
        ref = operation["responses"]["413"]
        assert ref == {"$ref": "#/components/responses/BODY_TOO_LARGE"}, (method, path)


def test_memory_rate_limits_count_per_process_and_expire_with_the_window(make_app):
    """`memory://` counts in this process (LocalCounts), each count forgotten when its window ends."""
    client = make_app(RATELIMIT_DEFAULT="2/second").test_client()
    assert [client.get("/api/v1/events").status_code for _ in range(3)] == [200, 200, 429]
    time.sleep(1.05)  # the window is over
    assert client.get("/api/v1/events").status_code == 200


def test_memory_counts_start_no_thread_while_requests_are_counted(make_app, monkeypatch):
    # limits' stock MemoryStorage started a timer thread 10 ms after its last one ended, under load about 100 a
    # second in every worker.
    client = make_app(RATELIMIT_DEFAULT="1000/second").test_client()
    assert client.get("/api/v1/events").status_code == 200
    started: list[threading.Thread] = []
    start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        started.append(thread)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    for _ in range(30):
        assert client.get("/api/v1/events").status_code == 200
        time.sleep(0.005)
    assert started == []


def test_local_counts_keep_one_count_per_window_and_sweep_the_ended_ones():
    counts = LocalCounts()
    assert [counts.incr("a", 0.2), counts.incr("a", 0.2), counts.get("a")] == [1, 2, 2]
    assert time.time() < counts.get_expiry("a") <= time.time() + 0.2
    counts.incr("b", 0.01)
    time.sleep(0.03)
    assert counts.get("b") == 0 and counts.get_expiry("b") <= time.time()
    assert counts.incr("b", 60) == 1  # a new window
    counts.incr("gone", 0.01)
    time.sleep(0.03)
    counts.next_sweep = 0.0  # the next count sweeps
    counts.incr("c", 60)
    assert {"b", "c"} <= set(counts.counts) and "gone" not in counts.counts
    counts.clear("b")
    assert counts.get("b") == 0 and counts.reset() >= 1 and counts.counts == {}
