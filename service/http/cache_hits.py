"""Response-cache hits answered in front of Flask, for the anonymous GETs that make most of the traffic.

Replaying a stored body through Flask cost its request and app contexts, URL routing and every before-
and after-request hook, the part of a hit the bare-Flask ceiling also pays and then some (bench/). A
hit needs less: the data version (one primary-key read), the key, the entry, the client's rate-limit
count, a request id, and If-None-Match. This WSGI middleware does just that, with the functions the app's
own path uses (response_cache, limits, logging), so both answer alike.

It steps aside, leaving the request to the app unchanged, whenever the app could answer differently:
a bearer token (it must be looked up), a request body, CORS on (flask-cors adds headers per request),
READ_REQUIRES_TOKEN, a `no-cache` request, a miss, or a rate limit used up (the app answers the 429,
counted once). tests/test_cache_hits.py checks a hit here equals the app's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from flask import Flask

from service.http import http_caching, response_cache
from service.http.limits import REFUSED, RateLimiter, address_key
from service.http.logging import REQUEST_ID_HEADER, request_id_from

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse

WsgiApp = Callable[..., Iterable[bytes]]


class CacheHits:
    def __init__(self, app: Flask, wsgi_app: WsgiApp):
        self.app, self.wsgi_app = app, wsgi_app
        config = app.config
        self.enabled = bool(config.get("RESPONSE_CACHE", True)) and not config.get("CORS_ORIGINS") \
            and not config.get("READ_REQUIRES_TOKEN")
        self.limiter: RateLimiter | None = app.extensions.get("rate_limiter")

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if not self.enabled or not anonymous_without_body(environ):
            return self.wsgi_app(environ, start_response)
        entry = response_cache.find(self.app, environ)  # None unless a cacheable GET/HEAD under /api/ hits
        if entry is None or entry.endpoint is None:
            return self.wsgi_app(environ, start_response)
        if self.limiter is not None:
            refused = self.limiter.count(entry.endpoint, address_key(environ), environ["REQUEST_METHOD"])
            if refused:
                environ[REFUSED] = refused
                return self.wsgi_app(environ, start_response)
        response = response_cache.replay(entry)
        response.headers[REQUEST_ID_HEADER] = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        if any(name in environ for name in http_caching.CONDITIONAL):
            response.make_conditional(environ)
        return response(environ, start_response)


def anonymous_without_body(environ: dict) -> bool:
    """No token to look up, no body to check against MAX_CONTENT_LENGTH."""
    return ("HTTP_AUTHORIZATION" not in environ and environ.get("CONTENT_LENGTH") in (None, "", "0")
            and "HTTP_TRANSFER_ENCODING" not in environ)


def init_app(app: Flask) -> None:
    """Wrap the app (after the rate limiter and the response cache are set up; inside any ProxyFix)."""
    app.wsgi_app = CacheHits(app, app.wsgi_app)  # type: ignore[method-assign]
