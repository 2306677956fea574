"""Request ids: kept when well-formed, else generated; returned in X-Request-ID and logged as JSON."""

from __future__ import annotations

import io
import json
import logging
import re
import sys

from service.logging import JsonFormatter, RequestIdFilter


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
