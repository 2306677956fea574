"""Request limits: a body-size cap (413) and per-client rate limits (429) with flask-limiter."""

from __future__ import annotations

import hashlib
import io
import math
import time

from apispec import APISpec, BasePlugin
from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from service.errors import PROBLEM_MEDIA_TYPE, ProblemSchema, problem
from service.extensions import db
from service.models import ApiToken

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Probes and the documentation UI must answer however busy a client is.
EXEMPT_PATHS = ("/healthz", "/readyz")
EXEMPT_PREFIXES = ("/docs",)


def client_key() -> str:
    """Who a limit counts against: a known, unrevoked bearer token (by its hash), else the address.

    An unknown token counts against the address, so inventing tokens does not buy fresh budgets."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        digest = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
        known = db.session.scalar(select(ApiToken.id).where(
            ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None)))
        if known is not None:
            return "token:" + digest
    return "addr:" + (request.remote_addr or "unknown")


def is_exempt() -> bool:
    path = request.path
    return (request.method == "OPTIONS" or path in EXEMPT_PATHS
            or any(path == p or path.startswith(p + "/") for p in EXEMPT_PREFIXES))


def not_a_write() -> bool:
    return request.method not in WRITE_METHODS


def rate_limited(limit: RequestLimit):
    """on_breach: the 429 problem, with Retry-After in whole seconds until the window resets."""
    retry_after = max(1, math.ceil(limit.reset_at - time.time()))
    return problem(429, f"Rate limit of {limit.limit} exceeded; retry in {retry_after} s.",
                   headers={"Retry-After": str(retry_after)})


def check_body_size() -> None:
    """before_request: refuse an oversized body before any view (or routing error) sees it.

    A declared Content-Length over the cap fails as soon as the stream is opened. A chunked body
    (no Content-Length) is read here, up to one byte past the cap: werkzeug's own limited stream
    would hand a view the first MAX_CONTENT_LENGTH bytes, silently truncated, on its first read."""
    cap = current_app.config["MAX_CONTENT_LENGTH"]
    too_large = RequestEntityTooLarge(f"The request body exceeds the {cap}-byte limit (MAX_CONTENT_LENGTH).")
    if request.content_length is not None:
        if request.content_length > cap:
            raise too_large
        return
    environ = request.environ
    if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower() \
            or not environ.get("wsgi.input_terminated"):
        return  # without a terminated input werkzeug reads no body at all
    body = environ["wsgi.input"].read(cap + 1)
    if len(body) > cap:
        raise too_large
    environ["wsgi.input"] = io.BytesIO(body)


def init_app(app: Flask) -> None:
    """Register the body cap, then the rate limiter, before the response cache can answer a request."""
    app.before_request(check_body_size)
    if not app.config["RATELIMIT_ENABLED"]:
        return
    limiter = Limiter(
        key_func=client_key,
        default_limits=[app.config["RATELIMIT_DEFAULT"]],
        # One budget shared by every write route, on top of each route's default.
        application_limits=[app.config["RATELIMIT_WRITE"]],
        application_limits_exempt_when=not_a_write,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        key_prefix=app.config["RATELIMIT_KEY_PREFIX"],
        on_breach=rate_limited,
        headers_enabled=False,
        # If Redis goes away, count per process rather than fail every request.
        in_memory_fallback_enabled=True,
    )
    limiter.request_filter(is_exempt)
    limiter.init_app(app)
    app.extensions["rate_limiter"] = limiter

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error: RateLimitExceeded):
        return error.response or problem(429, "Rate limit exceeded.", headers={"Retry-After": "60"})


class LimitsPlugin(BasePlugin):
    """Documents the limits on every operation: 429 (except the exempt probes), 413 where a body is taken."""

    def init_spec(self, spec: APISpec) -> None:
        problem_content = {PROBLEM_MEDIA_TYPE: {"schema": ProblemSchema}}
        spec.components.response("RATE_LIMITED", {
            "description": "Too Many Requests: the client's rate limit is used up",
            "headers": {"Retry-After": {"description": "Seconds until the limit resets",
                                        "schema": {"type": "integer", "format": "int32", "minimum": 1}}},
            "content": problem_content,
        }, lazy=True)
        spec.components.response("BODY_TOO_LARGE", {
            "description": "Content Too Large: the body exceeds MAX_CONTENT_LENGTH",
            "content": problem_content,
        }, lazy=True)

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            codes = {str(code) for code in responses}
            if path not in EXEMPT_PATHS and "429" not in codes:
                responses["429"] = "RATE_LIMITED"
            if ("requestBody" in operation or method.upper() in WRITE_METHODS) and "413" not in codes:
                responses["413"] = "BODY_TOO_LARGE"
