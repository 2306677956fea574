"""A response cache for public GETs, keyed by the request and a data version that every write bumps.

The data version is one row in the database, bumped by a session hook in the same transaction as any
write (API, seed loader, CLI), so every gunicorn worker and replica sees it change at commit. Bodies live
in a per-process LRU bounded by bytes and, when CACHE_URL (or REDIS_URL) is set, in Redis too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import psycopg
from flask import Flask, Response, current_app, g, request
from sqlalchemy import BigInteger, Column, Engine, Integer, Table, event, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from service.http import compression, negotiation
from service.http.log_throttle import Throttle
from service.models import Base

log = logging.getLogger(__name__)

data_version = Table(
    "data_version",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False),
)
CURRENT = "SELECT version FROM data_version WHERE id = 1"
BUMP = update(data_version).where(data_version.c.id == 1).values(version=data_version.c.version + 1)
# Headers that belong to one exchange, not to the representation.
TRANSIENT = {"x-request-id", "date", "server", "content-length", "set-cookie", "connection"}
# A client asking for a fresh answer (RFC 9111 request directives) gets one computed for it.
BYPASS = {"no-cache", "no-store"}
DATABASE_DOWN = "service.database_down"  # the error that kept lookup() from reading the data version
ANONYMOUS = "anonymous"  # the principal of a request no token authenticated
REDIS_TTL = 3600  # entries of an old data version are never read again; let Redis forget them


@event.listens_for(Session, "after_flush")
def _bump_on_flush(session: Session, _context) -> None:
    """Any flush that inserts, updates or deletes a row moves the data version, in its transaction."""
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        session.connection().execute(BUMP)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk(state) -> None:
    # ORM bulk UPDATE/DELETE/INSERT statements bypass the flush.
    if state.is_update or state.is_delete or state.is_insert:
        state.session.connection().execute(BUMP)


@dataclass(frozen=True)
class Entry:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64

    def dumps(self) -> bytes:
        head = json.dumps({"status": self.status, "headers": self.headers}).encode()
        return len(head).to_bytes(4, "big") + head + self.body

    @classmethod
    def loads(cls, raw: bytes) -> Entry:
        length = int.from_bytes(raw[:4], "big")
        head = json.loads(raw[4:4 + length])
        return cls(head["status"], [tuple(h) for h in head["headers"]], raw[4 + length:])


class LRU:
    """Thread-safe LRU bounded by the bytes of its entries (gthread workers share one per process)."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.used = max_bytes, 0
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.lock = threading.Lock()
        self.version_seen = 0

    def get(self, key: str) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        size = entry.size()
        if size > self.max_bytes // 4:  # one huge page must not flush everything else
            return
        with self.lock:
            old = self.entries.pop(key, None)
            self.used += size - (old.size() if old else 0)
            self.entries[key] = entry
            while self.used > self.max_bytes:
                _, evicted = self.entries.popitem(last=False)
                self.used -= evicted.size()

    def saw_version(self, version: int) -> None:
        """Entries of older versions can never be hit again: drop them at once."""
        if version > self.version_seen:
            with self.lock:
                if version > self.version_seen:
                    self.version_seen = version
                    self.entries.clear()
                    self.used = 0


class ResponseCache:
    """The LRU, and Redis when configured. Redis gets TIMEOUT seconds to connect and to answer each command;
    after a failure it is left alone for RETRY_SECONDS (the LRU serves meanwhile), so a frozen Redis costs one
    request a timeout now and then, not every request two."""

    RETRY_SECONDS = 5.0

    def __init__(self, max_bytes: int, url: str | None, throttle: Throttle, timeout: float = 0.5):
        self.local = LRU(max_bytes)
        self.throttle = throttle
        self.redis = None
        self.down_until = 0.0
        if url:
            import redis  # optional: only when CACHE_URL/REDIS_URL is set (the `bench`/`redis` extras)

            self.redis = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)

    def _redis(self):
        return self.redis if self.redis is not None and time.monotonic() >= self.down_until else None

    def _redis_down(self) -> None:
        self.down_until = time.monotonic() + self.RETRY_SECONDS
        self.throttle.warning(log, "response cache redis", "response cache: redis unavailable, using memory only "
                              "for %.0f s", self.RETRY_SECONDS, exc_info=True)

    def get(self, key: str) -> Entry | None:
        entry = self.local.get(key)
        shared = self._redis()
        if entry is None and shared is not None:
            try:
                raw = shared.get("rc:" + key)
            except Exception:  # a cache outage must cost speed, never answers
                self._redis_down()
                return None
            if isinstance(raw, bytes):
                entry = Entry.loads(raw)
                self.local.put(key, entry)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        self.local.put(key, entry)
        shared = self._redis()
        if shared is not None:
            try:
                shared.set("rc:" + key, entry.dumps(), ex=REDIS_TTL)
            except Exception:
                self._redis_down()


def request_key(environ: dict, version: int, principal: str, media_types: tuple[str, ...]) -> str:
    """Method, host, path, query (parameters in name order), what Accept can change of the answer, the content
    coding Accept-Encoding gets (compression.coding, the one choice flask-compress follows too) and who asks, at
    one data version. Never the raw Accept or Authorization bytes: each junk value would be an entry
    of its own (and a full render). Accept counts only as its preference among the media types the API serves
    (negotiation.preference), the client only as its authenticated principal (a token's name when reads need
    one, else "anonymous": public reads answer everyone alike). Read from the WSGI environ: werkzeug's parsed
    views cost more than the hit."""
    query = environ.get("QUERY_STRING", "")
    if "&" in query:  # a stable sort by name keeps the order of repeated parameters
        query = "&".join(sorted(query.split("&"), key=lambda part: part.partition("=")[0]))
    parts = ("GET", environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
             environ.get("PATH_INFO", ""), query, negotiation.preference(environ.get("HTTP_ACCEPT", ""), media_types),
             compression.coding(environ.get("HTTP_ACCEPT_ENCODING", "")), principal, str(version))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class VersionReader:
    """Reads the committed data version, once per cacheable request, as cheaply as the driver allows.

    Each thread keeps one autocommit DBAPI connection of its own, detached from the pool (with the
    engine's connect settings applied), so a hit pays neither a pool checkout (nor PostgreSQL's
    pre-ping) nor SQLAlchemy's result machinery. Any driver error drops that connection and the
    request is served without the cache; the next one reconnects. In-memory SQLite (one connection
    shared through the pool) reads through the pool instead. A thread that has ended leaves its connection
    behind: the next thread to connect closes it, so a server that starts a thread per request (Werkzeug's)
    holds at most one connection per live thread, not one per request ever served."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.local = threading.local()
        self.opened: list[tuple[threading.Thread, object]] = []  # (owner, connection)
        self.lock = threading.Lock()
        self.reads = 0  # how many times the version was read (the tests count a hit's cost with it)
        database = engine.url.database or ""
        self.pooled = engine.dialect.name == "sqlite" and (database in ("", ":memory:") or "mode=memory" in database)
        event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def read(self) -> int | None:
        """The version; None when it cannot be read now (served without the cache). Raises OperationalError
        when the database is unavailable (refused, timed out, the connection shut): the view could not answer
        either, and trying it would cost the wait again."""
        self.reads += 1
        if self.pooled:
            try:
                with self.engine.connect() as conn:
                    return conn.exec_driver_sql(CURRENT).scalar()
            except SQLAlchemyError:  # the database is down: answer (with a problem) without the cache
                return None
        connection = getattr(self.local, "connection", None)
        try:
            if connection is None or self.local.pid != os.getpid():
                connection = self._connect()
            cursor = connection.cursor()
            try:
                cursor.execute(CURRENT)
                row = cursor.fetchone()
            finally:
                cursor.close()
            return row[0] if row else None
        except OperationalError:  # from connecting, through the pool
            self._drop(connection)
            raise
        except psycopg.OperationalError as exc:
            self._drop(connection)
            raise OperationalError(CURRENT, None, exc) from exc
        except Exception:  # each driver has its own error classes; any of them means "no cache now"
            self._drop(connection)
            return None

    def _connect(self):
        fairy = self.engine.raw_connection()
        fairy.detach()  # ours now: the pool forgets it and opens another for the sessions when needed
        connection = fairy.dbapi_connection
        if self.engine.dialect.name == "sqlite":
            connection.isolation_level = None  # autocommit: every read sees the last commit
        else:
            connection.autocommit = True
        self.local.connection, self.local.pid = connection, os.getpid()
        with self.lock:
            ended = [held for owner, held in self.opened if not owner.is_alive()]
            self.opened = [(owner, held) for owner, held in self.opened if owner.is_alive()]
            self.opened.append((threading.current_thread(), connection))
        for held in ended:
            self._close(held)
        return connection

    def _drop(self, connection) -> None:
        self.local.connection = None
        if connection is not None:
            with self.lock:
                self.opened = [(owner, held) for owner, held in self.opened if held is not connection]
            self._close(connection)

    def close(self) -> None:
        """Close every thread's connection (engine.dispose(), e.g. at the end of a test)."""
        with self.lock:
            opened, self.opened = self.opened, []
        for _owner, connection in opened:
            self._close(connection)

    @staticmethod
    def _close(connection) -> None:
        try:
            connection.close()
        except Exception:  # already broken, or refused from another thread: the GC closes it then
            pass


def current_version(app: Flask) -> int | None:
    """The committed data version, read before the view runs: the view's reads come later, so they see
    this version or a newer one, never an older."""
    engine = app.extensions["database"].engine
    reader: VersionReader | None = app.extensions.get("data_version_reader")
    if reader is None or reader.engine is not engine:
        reader = app.extensions["data_version_reader"] = VersionReader(engine)
    return reader.read()


def cacheable(app: Flask, environ: dict) -> bool:
    return (app.config.get("RESPONSE_CACHE", True) and environ["REQUEST_METHOD"] in ("GET", "HEAD")
            and environ.get("PATH_INFO", "").startswith("/api/")
            and not ("HTTP_CACHE_CONTROL" in environ and BYPASS & _directives(environ["HTTP_CACHE_CONTROL"])))


def replay(entry: Entry) -> Response:
    response = Response(entry.body, status=entry.status, headers=entry.headers)
    response.headers["X-Cache"] = "hit"
    return response


def _directives(header: str | None) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in (header or "").split(",")}


def lookup() -> Response | None:
    """before_request (after the rate limit and auth): the stored response for this request at the current data
    version, if any. The key is kept in the environ either way, for store() to file the response under it on a
    miss. A database that cannot be read is raised by held_outage(), once the request's other checks passed."""
    app, environ = current_app._get_current_object(), request.environ  # type: ignore[attr-defined]
    if not cacheable(app, environ):
        return None
    try:
        version = current_version(app)
    except OperationalError as exc:  # held for held_outage(): a request the later checks refuse gets their answer
        environ[DATABASE_DOWN] = exc
        return None
    if version is None:
        return None
    cache: ResponseCache = app.extensions["response_cache"]
    cache.local.saw_version(version)
    media_types = app.extensions[negotiation.EXTENSION].media_types
    principal = g.get("principal") or ANONYMOUS  # set by auth when reads need a token (it runs first)
    key = environ["service.cache_key"] = request_key(environ, version, principal, media_types)
    entry = cache.get(key)
    return replay(entry) if entry is not None else None


def held_outage() -> None:
    """before_request, the last one before the view: raise what kept lookup() from reading the data version
    (errors.py answers a 503 problem), rather than let the view wait for the database again."""
    if DATABASE_DOWN in request.environ:
        raise request.environ.pop(DATABASE_DOWN)


def is_hit(response: Response) -> bool:
    return response.headers.get("X-Cache") == "hit"


def store(response: Response) -> None:
    """Called by http_caching once the ETag is set, before the response is made conditional."""
    key = request.environ.get("service.cache_key")
    if key is None or "X-Cache" in response.headers:
        return
    response.headers["X-Cache"] = "miss"
    cache_control = response.headers.get("Cache-Control", "")
    if (response.status_code != 200 or response.is_streamed or "Set-Cookie" in response.headers
            or "no-store" in cache_control or "private" in cache_control):
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in TRANSIENT and k != "X-Cache"]
    current_app.extensions["response_cache"].put(key, Entry(200, headers, response.get_data()))


def init_app(app: Flask) -> None:
    config = app.config
    app.extensions["response_cache"] = ResponseCache(config["RESPONSE_CACHE_BYTES"], config["CACHE_URL"],
                                                     app.extensions["log_throttle"], config.get("REDIS_TIMEOUT", 0.5))
    app.before_request(lookup)
