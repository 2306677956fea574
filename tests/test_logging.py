"""Request ids: kept when well-formed, else generated; returned in X-Request-ID and logged as JSON. A 500's
log line holds no request values; an outage's warnings are a few lines, not one a request."""

from __future__ import annotations

import io
import json
import logging
import re
import sys

import pytest
from flask import request
from sqlalchemy import JSON, bindparam, text

from service import create_app
from service.extensions import db
from service.http.logging import JsonFormatter, RequestIdFilter
from tests.conftest import make_app
from tests.helpers import assert_problem


def test_get_healthz_generates_request_id(client):
    response = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_get_healthz_generates_a_new_request_id_each_time(client):
    assert client.get("/healthz").headers["X-Request-ID"] != client.get("/healthz").headers["X-Request-ID"]


def test_get_healthz_echoes_well_formed_request_id(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a:42"})
    assert response.headers["X-Request-ID"] == "edge-7f3a:42"


def test_get_healthz_replaces_malformed_request_id(client):
    for bad in ("has space", "x" * 129, "quote\"d", "{json}"):
        returned = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", returned), bad


def test_get_missing_actor_problem_carries_request_id(client):
    response = client.get("/api/v1/actors/nobody", headers={"X-Request-ID": "trace-404"})
    assert (response.status_code, response.headers["X-Request-ID"]) == (404, "trace-404")


def test_log_inside_request_is_json_with_its_request_id(app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("tests.logging.inside")
    logger.addHandler(handler)
    try:
        with app.test_request_context("/healthz", headers={"X-Request-ID": "req-1"}):
            app.preprocess_request()
            logger.warning("answer is %d", 42)
    finally:
        logger.removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert entry["message"] == "answer is 42" and entry["request_id"] == "req-1"
    assert entry["level"] == "WARNING" and entry["logger"] == "tests.logging.inside"


def test_log_outside_request_is_json_without_request_id():
    record = logging.LogRecord("svc", logging.ERROR, __file__, 1, "boom", None, None)
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "boom" and "request_id" not in entry


def test_log_with_exception_keeps_traceback_on_one_line():
    try:
        raise ValueError("bad")
    except ValueError:
        record = logging.LogRecord("svc", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line and "ValueError: bad" in json.loads(line)["exception"]


@pytest.fixture()
def json_log():
    """Every record logged while the test runs, as the JSON lines the service writes (all loggers)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


SECRET = "secret-body-value-4711"


def app_running(url: str, statement, params):
    """An app with a POST route that runs STATEMENT with the parameters PARAMS(request body) makes."""
    app = make_app(url)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.post("/runs-a-statement")
    def runs():
        db.session.execute(statement, params(request.get_json()))
        return {}

    return app


def error_lines(json_log) -> list[dict]:
    return [entry for entry in json_log() if entry["level"] in ("ERROR", "CRITICAL")]


@pytest.mark.parametrize("statement", [
    "SELECT CAST(:secret AS INTEGER)",  # PostgreSQL quotes the value it rejects in its message
    "INSERT INTO data_version (id, version) VALUES (1, :secret)",  # a duplicate key
])
def test_post_whose_statement_fails_logs_its_shape_and_class_but_no_body_value(empty_app, json_log, statement):
    app = app_running(empty_app.config["DATABASE_URL"], text(statement), lambda body: {"secret": body["secret"]})
    response = app.test_client().post("/runs-a-statement", json={"secret": SECRET})
    if response.status_code == 200:  # SQLite casts anything: nothing failed, nothing to check
        assert "CAST" in statement
        return
    assert_problem(response, 500)
    lines = error_lines(json_log)
    assert lines and SECRET not in json.dumps(lines), lines
    [entry] = [e for e in lines if e["message"].startswith("database error")]
    assert entry["error_class"].rsplit(".", 1)[-1] in ("InvalidTextRepresentation", "IntegrityError", "UniqueViolation")
    assert entry["statement"].split()[0] == statement.split()[0] and entry["traceback"]


def test_post_whose_parameter_cannot_be_sent_logs_no_body_value(empty_app, json_log):
    statement = text("SELECT :document").bindparams(bindparam("document", type_=JSON))
    app = app_running(empty_app.config["DATABASE_URL"], statement,
                      lambda body: {"document": {"quote": body["secret"], "unserializable": object()}})
    assert_problem(app.test_client().post("/runs-a-statement", json={"secret": SECRET}), 500)
    lines = error_lines(json_log)
    assert lines and SECRET not in json.dumps(lines), lines


def unreachable_database_url(backend: str, tmp_path) -> str:
    """A URL that fails at connect on BACKEND: a closed port, or a directory where the SQLite file should be."""
    return "postgresql+psycopg://nobody@127.0.0.1:1/none" if backend == "postgresql" else f"sqlite:///{tmp_path}"


def test_get_during_a_database_outage_logs_one_warning_per_interval_with_the_count(backend, tmp_path, json_log):
    app = create_app({"DATABASE_URL": unreachable_database_url(backend, tmp_path), "RATELIMIT_ENABLED": False,
                      "LOG_REPEAT_SECONDS": 60})
    now = [1000.0]
    app.extensions["log_throttle"].clock = lambda: now[0]
    client = app.test_client()
    for _ in range(300):
        assert_problem(client.get("/api/v1/actors"), 503)
    now[0] += 61
    assert_problem(client.get("/api/v1/actors"), 503)
    warnings = [e for e in json_log() if e["level"] in ("WARNING", "ERROR")]
    assert [(e["message"].split(":")[0], e.get("suppressed")) for e in warnings] == \
        [("database unavailable", None), ("database unavailable", 299)], warnings


def test_get_during_a_redis_outage_logs_one_warning_per_cause(seeded_app, json_log):
    closed = "redis://127.0.0.1:1/0"
    app = create_app({"DATABASE_URL": seeded_app.config["DATABASE_URL"], "CACHE_URL": closed,
                      "RATELIMIT_STORAGE_URI": closed, "RATELIMIT_DEFAULT": "100000/minute"})
    app.extensions["rate_limiter"].RETRY_SECONDS = 0  # retry Redis on every request, as a long outage does
    client = app.test_client()
    for n in range(300):
        assert client.get(f"/api/v1/actors?limit={1 + n % 50}").status_code == 200
    warnings = [e for e in json_log() if e["level"] in ("WARNING", "ERROR")]
    assert sorted(e["cause"] for e in warnings) == ["rate limit storage", "response cache redis"], warnings
