"""Strong ETags on every successful GET, compression (compression.py), and If-None-Match answered by 304 (also from
the response cache)."""

from __future__ import annotations

from flask import Flask, Response, request

from service.http import compression, response_cache

# The request headers that can turn a 200 into a 304 (werkzeug's make_conditional reads these).
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
               "HTTP_IF_RANGE")


def init_app(app: Flask) -> None:
    @app.after_request
    def conditional_get(response: Response) -> Response:
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed:
            if not response_cache.is_hit(response):  # a stored entry already has both headers
                if "ETag" not in response.headers:
                    response.add_etag()
                response.headers.setdefault("Cache-Control", "no-cache")
                response = compression.compress(response)  # after the ETag: it is the identity bytes' one
                response_cache.store(response)  # the full 200, before it may become a 304
            environ = request.environ
            if any(name in environ for name in CONDITIONAL):
                response.make_conditional(request)
        return response
