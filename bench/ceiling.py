"""The ceiling: a bare Flask app returning a precomputed body of a given size (gunicorn bench.ceiling:app)."""

from __future__ import annotations

import functools

from flask import Flask, Response

app = Flask(__name__)


@functools.cache
def body(size: int) -> bytes:
    return b'{"x":"' + b"a" * max(size - 8, 0) + b'"}'


@app.get("/bytes/<int:size>")
def sized(size: int) -> Response:
    return Response(body(size), mimetype="application/json")


@app.get("/not-modified")
def not_modified() -> Response:
    return Response(status=304, headers={"ETag": '"ceiling"'})
