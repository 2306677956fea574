"""Bounds on how a request arrives: a deadline for its body, and header limits answered as problem+json.

A WSGI middleware in front of the app, for `make run` (gunicorn alone, no proxy in front):

- **Body deadline** (BODY_TIMEOUT seconds from the end of the headers): the body is read through a
  stream that checks the deadline before every read from gunicorn's `wsgi.input` and raises werkzeug's
  RequestTimeout, which the app answers as a 408 problem. Reads start at one byte and grow while data
  keeps coming, so a client trickling a byte a second is checked at every byte instead of blocking a
  thread in one large read. Why this way: gunicorn documents no setting that bounds a body read, and
  the client socket it puts in the environ (`gunicorn.socket`) is not in its documentation (design,
  settings, FAQ, changelogs; only its source and a websocket example use it), so a socket timeout is
  not an option we may rely on. What it cannot do without the socket: interrupt a read that is waiting
  for a client that sends nothing at all (the thread waits until the client sends or leaves), nor stop
  gunicorn from draining an unread body for up to 5 s after the answer. Threads are what such clients
  hold; the compose stack's nginx holds them instead (README, "Deploy with docker compose").
- **Header limits** below gunicorn's (gunicorn.conf.py sets gunicorn's to twice these): a request
  target, a header field or a header count over them is a 414/431 problem, not gunicorn's HTML page.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from flask import Flask
from werkzeug.exceptions import HTTPException, RequestHeaderFieldsTooLarge, RequestTimeout, RequestURITooLarge

from service.http.errors import problem

MAX_TARGET = 4094  # bytes of path and query (gunicorn's own default request-line limit)
MAX_FIELD = 8190  # bytes of one header line, name included (gunicorn's default field limit)
MAX_FIELDS = 100  # header fields (gunicorn's default)
FAST = 0.05  # a read answered within this many seconds lets the next one ask for twice as much
LARGEST_READ = 64 * 1024

WsgiApp = Callable[..., Iterable[bytes]]


class DeadlineInput:
    """wsgi.input with a deadline: read(size) has file semantics (up to SIZE bytes, fewer only at the
    end), made of small reads that each start before the deadline."""

    def __init__(self, stream, deadline: float, timeout: int):
        self.stream, self.deadline, self.timeout = stream, deadline, timeout
        self.window = 1

    def _next(self, size: int) -> bytes:
        if time.monotonic() > self.deadline:
            raise RequestTimeout(f"The request body did not arrive within {self.timeout} s (BODY_TIMEOUT).")
        started = time.monotonic()
        # readline(n), not read(n): gunicorn's read() waits for at least 1 KiB, its readline(n) for n bytes
        # (or a line feed), and either is wsgi.input's API (PEP 3333); stray line feeds only cut reads short.
        data = self.stream.readline(min(size, self.window))
        fast = time.monotonic() - started < FAST
        self.window = min(self.window * 2, LARGEST_READ) if fast else 1
        return data

    def read(self, size: int | None = -1) -> bytes:
        wanted = None if size is None or size < 0 else size
        parts: list[bytes] = []
        got = 0
        while wanted is None or got < wanted:
            data = self._next(LARGEST_READ if wanted is None else wanted - got)
            if not data:
                break
            parts.append(data)
            got += len(data)
        return b"".join(parts)

    def readline(self, size: int | None = -1) -> bytes:
        self._next(0)  # the deadline check; a line is read by the stream itself
        return self.stream.readline(size)

    def __iter__(self):
        return iter(self.readline, b"")


class RequestBounds:
    def __init__(self, app: Flask, wsgi_app: WsgiApp):
        self.app, self.wsgi_app = app, wsgi_app
        self.timeout = app.config["BODY_TIMEOUT"]

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        refused = over_limits(environ)
        if refused is not None:
            with self.app.request_context(environ):  # the app's one problem shape, outside a view
                return problem(refused.code or 400, refused.description)(environ, start_response)
        if has_body(environ):
            environ["wsgi.input"] = DeadlineInput(environ["wsgi.input"], time.monotonic() + self.timeout,
                                                  self.timeout)
        return self.wsgi_app(environ, start_response)


def over_limits(environ: dict) -> HTTPException | None:
    target = len(environ.get("SCRIPT_NAME", "")) + len(environ.get("PATH_INFO", "")) \
        + len(environ.get("QUERY_STRING", "")) + 1
    if target > MAX_TARGET:
        return RequestURITooLarge(f"The request target exceeds {MAX_TARGET} bytes.")
    fields = [(key, value) for key, value in environ.items()
              if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")]
    if len(fields) > MAX_FIELDS:
        return RequestHeaderFieldsTooLarge(f"The request has more than {MAX_FIELDS} header fields.")
    for key, value in fields:
        if len(key) + len(value) > MAX_FIELD:
            name = key.removeprefix("HTTP_").replace("_", "-").title()
            return RequestHeaderFieldsTooLarge(f"The {name} header exceeds {MAX_FIELD} bytes.")
    return None


def has_body(environ: dict) -> bool:
    return environ.get("CONTENT_LENGTH") not in (None, "", "0") \
        or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def init_app(app: Flask) -> None:
    app.wsgi_app = RequestBounds(app, app.wsgi_app)  # type: ignore[method-assign]
