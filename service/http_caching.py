"""Strong ETags on every successful GET, with If-None-Match answered by 304 (also from the response cache)."""

from __future__ import annotations

from flask import Flask, Response, request

from service import response_cache


def init_app(app: Flask) -> None:
    @app.after_request
    def conditional_get(response: Response) -> Response:
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed:
            if "ETag" not in response.headers:
                response.add_etag()
            response.headers.setdefault("Cache-Control", "no-cache")
            response_cache.store(response)  # the full 200, before it may become a 304
            response.make_conditional(request)
        return response
