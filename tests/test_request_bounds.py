"""service/http/request_bounds.py: header limits answered as problems, and the body deadline's stream."""

from __future__ import annotations

import io
import time

import pytest
from werkzeug.exceptions import RequestTimeout

from service.http.request_bounds import MAX_FIELD, MAX_FIELDS, MAX_TARGET, DeadlineInput
from tests.helpers import assert_problem


def test_get_with_request_target_over_limit_is_414_problem(client):
    response = client.get("/api/v1/actors/" + "a" * MAX_TARGET)
    assert assert_problem(response, 414)["detail"] == f"The request target exceeds {MAX_TARGET} bytes."


def test_get_with_request_target_at_limit_reaches_the_app(client):
    slug = "a" * (MAX_TARGET - len("/api/v1/actors/") - 1)
    assert_problem(client.get("/api/v1/actors/" + slug), 404)


def test_get_with_header_over_limit_is_431_problem(client):
    response = client.get("/healthz", headers={"X-Padding": "b" * MAX_FIELD})
    assert assert_problem(response, 431)["detail"] == f"The X-Padding header exceeds {MAX_FIELD} bytes."


def test_get_with_too_many_headers_is_431_problem(client):
    response = client.get("/healthz", headers={f"X-Extra-{n}": "1" for n in range(MAX_FIELDS)})
    assert "header fields" in assert_problem(response, 431)["detail"]


class Trickle:
    """wsgi.input that hands out one byte per DELAY seconds, as a slow client's socket would."""

    def __init__(self, data: bytes, delay: float):
        self.data, self.delay = io.BytesIO(data), delay

    def readline(self, size: int = -1) -> bytes:
        time.sleep(self.delay)
        return self.data.readline(min(size, 1))


def test_read_body_slower_than_deadline_raises_request_timeout():
    body = DeadlineInput(Trickle(b"x" * 100, delay=0.05), time.monotonic() + 0.3, timeout=1)
    with pytest.raises(RequestTimeout):
        body.read(100)


def test_read_body_within_deadline_returns_it_whole():
    data = b'{"name": "x"}\n' * 5000
    body = DeadlineInput(io.BytesIO(data), time.monotonic() + 5, timeout=5)
    assert body.read(len(data) + 1) == data and body.read() == b""
