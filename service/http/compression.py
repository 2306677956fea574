"""Brotli and gzip for GET answers above COMPRESS_MIN_SIZE bytes (flask-compress), stored compressed in the response
cache and replayed as stored.

One function, coding(), decides which coding a request gets from its Accept-Encoding (RFC 9110: the highest
quality, br on a tie, none refused with q=0), and a WSGI middleware in front of everything writes that decision
back into the request as its Accept-Encoding (`br`, `gzip` or `identity`). So flask-compress, which reads the header
itself, can only choose what coding() chose, and the response cache keys on coding() too
(response_cache.request_key): on three values, not on every spelling a client may send, and a hit and a miss for
the same request have the same bytes and headers.

http_caching calls compress() on a full 200 after its ETag is set (on the identity bytes, so it is the same
whatever the gzip timestamp; flask-compress appends `:br` or `:gzip`, which If-Match accepts, see etags_of) and
before the cache stores it. Streamed answers (the exports) are never compressed: compressing them would run the
stream's request context inside flask-compress's own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from flask import Flask, Response
from flask_compress import Compress
from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header

CODINGS = ("br", "gzip")  # in the order the server prefers them when the client ranks them alike
SETTINGS = {
    "COMPRESS_REGISTER": False,  # called by http_caching, in the order storing and 304s need
    "COMPRESS_ALGORITHM": list(CODINGS),
    "COMPRESS_STREAMS": False,
    "COMPRESS_EVALUATE_CONDITIONAL_REQUEST": False,  # http_caching answers If-None-Match, after storing the 200
    "COMPRESS_MIN_SIZE": 1024,  # below about a packet, compressing saves nothing worth the CPU
    "COMPRESS_MIMETYPES": ["application/json", "application/problem+json", "application/vnd.briefing.sparse+json",
                           "text/html", "text/markdown", "text/css", "application/javascript", "text/javascript"],
}
compressor = Compress()


@functools.lru_cache(maxsize=1024)
def coding(header: str) -> str:
    """The content coding an answer to Accept-Encoding HEADER gets: `br`, `gzip`, or '' (identity)."""
    return parse_accept_header(header, Accept).best_match(CODINGS) or ""


def etags_of(etag: str) -> tuple[str, ...]:
    """ETAG (unquoted) and the ETags its compressed forms are sent with: If-Match may name any of them."""
    return (etag, *(f"{etag}:{name}" for name in CODINGS))


def compress(response: Response) -> Response:
    """RESPONSE compressed in the request's coding when its type is compressible and it is large enough."""
    return compressor.after_request(response)


class Codings:
    """WSGI middleware: the request's Accept-Encoding becomes the one coding chosen for it."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]):
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        if "HTTP_ACCEPT_ENCODING" in environ:
            environ["HTTP_ACCEPT_ENCODING"] = coding(environ["HTTP_ACCEPT_ENCODING"]) or "identity"
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    for name, value in SETTINGS.items():
        app.config.setdefault(name, value)
    compressor.init_app(app)


def init_wsgi(app: Flask) -> None:
    """Around the Flask app: the Accept-Encoding flask-compress sees is the coding the response cache keys on
    (coding())."""
    app.wsgi_app = Codings(app.wsgi_app)  # type: ignore[method-assign]
