"""Request limits: a body-size cap (413) and per-client rate limits (429) counted by the `limits` library."""

from __future__ import annotations

import io
import logging
import math
import threading
import time

from apispec import APISpec, BasePlugin
from flask import Flask, Response, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import RequestEntityTooLarge

from service.http import auth
from service.http.errors import PROBLEM_MEDIA_TYPE, ProblemSchema, problem
from service.http.log_throttle import Throttle

log = logging.getLogger(__name__)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The limit, counter and keys that refused a request.
Refusal = tuple[RateLimitItem, FixedWindowRateLimiter, tuple[str, ...]]
# Probes and the documentation UI must answer however busy a client is.
EXEMPT_PATHS = ("/healthz", "/readyz")
EXEMPT_PREFIXES = ("/docs",)


def client_key() -> str:
    """Who a limit counts against: a known, unrevoked bearer token (by its hash), else the address.

    An unknown token counts against the address, so inventing tokens does not buy fresh budgets."""
    token = auth.bearer_token()
    if token is not None:
        row = auth.token_row(token)
        if row is not None and row.revoked_at is None:
            return "token:" + row.token_hash
    return address_key(request.environ)


def address_key(environ: dict) -> str:
    return "addr:" + (environ.get("REMOTE_ADDR") or "unknown")


def is_exempt() -> bool:
    path = request.path
    return (request.method == "OPTIONS" or path in EXEMPT_PATHS
            or any(path == p or path.startswith(p + "/") for p in EXEMPT_PREFIXES))


class LocalCounts(Storage):
    """Fixed-window counts of this process (`memory://`, and the fallback while Redis is down): a dict under one
    lock, a window's count dropped once the window is over (when its key is counted again, or by a sweep of every
    key at most once a second, while counting). A `limits` storage backend of our own, through the library's
    documented extension point (a subclass of `limits.storage.Storage` implementing its abstract methods): its
    stock MemoryStorage expires keys from a `threading.Timer` that it starts again 10 ms after the last one, so
    under load every worker started about a hundred threads a second (49 per 1,000 requests in process, and a
    page of one position cost 0.719 ms of CPU against 0.650 with these counts: README, Performance)."""

    STORAGE_SCHEME = None  # not registered under a scheme: RateLimiter makes it for `memory://`
    SWEEP_SECONDS = 1.0

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, list[float]] = {}  # key -> [count, end of its window (time.time())]
        self.lock = threading.Lock()
        self.next_sweep = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return ValueError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self.lock:
            if now >= self.next_sweep:
                self.counts = {k: entry for k, entry in self.counts.items() if entry[1] > now}
                self.next_sweep = now + self.SWEEP_SECONDS
            entry = self.counts.get(key)
            if entry is None or entry[1] <= now:
                entry = self.counts[key] = [0, now + expiry]
            entry[0] += amount
            return int(entry[0])

    def get(self, key: str) -> int:
        entry = self.counts.get(key)
        return int(entry[0]) if entry is not None and entry[1] > time.time() else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        entry = self.counts.get(key)
        return entry[1] if entry is not None and entry[1] > now else now

    def check(self) -> bool:
        return True

    def reset(self) -> int:
        with self.lock:
            count, self.counts = len(self.counts), {}
        return count

    def clear(self, key: str) -> None:
        with self.lock:
            self.counts.pop(key, None)


class RateLimiter:
    """Fixed-window counters per client: RATELIMIT_DEFAULT on each route, RATELIMIT_WRITE shared by all
    write routes. Counters live in RATELIMIT_STORAGE_URI (Redis: shared by every worker and replica);
    while Redis is unreachable they fall back to this process's memory, and Redis is retried after
    RETRY_SECONDS.

    The `limits` library (flask-limiter's own engine) does the counting; this class is the glue
    flask-limiter would be. flask-limiter re-resolved and re-parsed every limit on every request,
    which was 45% of the cost of a response-cache hit (bench/, pyinstrument); here they are parsed once.
    """

    RETRY_SECONDS = 5.0

    def __init__(self, config: dict, throttle: Throttle):
        self.prefix, self.throttle = config["RATELIMIT_KEY_PREFIX"], throttle
        self.per_route = parse_many(config["RATELIMIT_DEFAULT"])
        self.writes = parse_many(config["RATELIMIT_WRITE"])
        uri = config["RATELIMIT_STORAGE_URI"]
        timeout = config.get("REDIS_TIMEOUT", 0.5)  # a frozen Redis costs a request this, then memory counts
        storage = LocalCounts() if uri.startswith("memory://") else \
            storage_from_string(uri, **{"socket_timeout": timeout, "socket_connect_timeout": timeout,
                                        **config.get("RATELIMIT_STORAGE_OPTIONS", {})})
        self.shared = FixedWindowRateLimiter(storage)
        self.local = FixedWindowRateLimiter(LocalCounts())
        self.is_memory = isinstance(storage, LocalCounts)
        self.down_until = 0.0
        self.lock = threading.Lock()

    def check(self) -> Response | None:
        """before_request: the 429 problem once any of the client's limits is used up."""
        if is_exempt():
            return None
        refused = self.count(request.endpoint, client_key(), request.method)
        return rate_limited(*refused) if refused else None

    def count(self, endpoint: str | None, client: str, method: str) -> Refusal | None:
        """Count one request of CLIENT to ENDPOINT; what refuses it, if a limit is used up."""
        checks: list[tuple[RateLimitItem, tuple[str, ...]]] = [
            (item, (self.prefix, "route", endpoint or "-", client)) for item in self.per_route]
        if method in WRITE_METHODS:
            checks += [(item, (self.prefix, "writes", client)) for item in self.writes]
        strategy = self._strategy()
        for item, ids in checks:
            try:
                allowed = strategy.hit(item, *ids)
            except Exception:  # the shared store is down: count here rather than fail every request
                self._storage_down()
                strategy = self.local
                allowed = strategy.hit(item, *ids)
            if not allowed:
                return item, strategy, ids
        return None

    def _strategy(self) -> FixedWindowRateLimiter:
        return self.local if not self.is_memory and time.monotonic() < self.down_until else self.shared

    def _storage_down(self) -> None:
        with self.lock:
            if time.monotonic() >= self.down_until:
                self.throttle.warning(log, "rate limit storage", "rate limits: storage unreachable, counting in "
                                      "memory for %.0f s", self.RETRY_SECONDS, exc_info=True)
            self.down_until = time.monotonic() + self.RETRY_SECONDS


def rate_limited(item: RateLimitItem, strategy: FixedWindowRateLimiter, ids: tuple) -> Response:
    """The 429 problem, with Retry-After in whole seconds until the window resets."""
    try:
        reset_at = strategy.get_window_stats(item, *ids).reset_time
    except Exception:  # the store went away between the hit and this read: one window at most
        reset_at = time.time() + item.get_expiry()
    retry_after = max(1, math.ceil(reset_at - time.time()))
    return problem(429, f"Rate limit of {item} exceeded; retry in {retry_after} s.",
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
    limiter = RateLimiter(app.config, app.extensions["log_throttle"])
    app.extensions["rate_limiter"] = limiter
    app.before_request(limiter.check)


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
