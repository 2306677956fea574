"""CORS for browser clients on other origins: off unless CORS_ORIGINS names them."""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

# What a browser client may read from responses and send in requests.
EXPOSE_HEADERS = ["ETag", "Link", "Location", "Retry-After", "X-Request-ID", "Idempotent-Replayed"]
ALLOW_HEADERS = ["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key",
                 "X-Request-ID"]
PATHS = (r"/api/*", r"/openapi.json")


def init_app(app: Flask) -> None:
    """Registered before the response cache, so CORS headers are added per request, never replayed."""
    origins = app.config["CORS_ORIGINS"]
    if not origins:
        return
    options = {"origins": origins, "expose_headers": EXPOSE_HEADERS, "allow_headers": ALLOW_HEADERS,
               "methods": ["GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"], "max_age": 600,
               # Tokens travel in a header, never a cookie: '*' can be sent as such.
               "send_wildcard": "*" in origins, "supports_credentials": False}
    CORS(app, resources={path: options for path in PATHS})
