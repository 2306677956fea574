"""A response cache for public GETs, keyed by the request, each entry valid while the versions it read stand.

Versions live in the database, moved by session hooks in the same transaction as any write (API, seed loader,
CLI), so every gunicorn worker and replica sees them change at commit: the data version (`data_version`, the
scope `*`) moves with every write; a scope's version (`scope_versions`: a mapped class's name, or `epoch`) moves
with every write of that class's rows or stored bodies (`epoch`: with what can change every representation at
once: a rebuild of the bodies, a statement run through the session that names no scope; a migration that
rewrites data must move it too). A response depends on `*` unless its view named the scopes it read
(scoped(), depends_on()): a page of stored position bodies names `Position` (and the classes its filters and its
parent's lookup read), so a write of an actor or a proposal leaves it cached. Entries are not cleared when a
version moves: one no longer valid is dropped when next looked up, or evicted as the least recently used.
Bodies live in a per-process LRU bounded by bytes and, when CACHE_URL (or REDIS_URL) is set, in Redis too.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import cast

import psycopg
from flask import Flask, Response, current_app, g, request
from sqlalchemy import BigInteger, Column, Connection, Engine, Integer, String, Table, event, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.selectable import Alias, FromClause, Join, Select

from service.http import compression, db_deadlines, negotiation
from service.http.log_throttle import Throttle
from service.models import Base

log = logging.getLogger(__name__)

data_version = Table(
    "data_version",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False),
)
scope_versions = Table(
    "scope_versions",
    Base.metadata,
    Column("scope", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
)
EVERY_WRITE = "*"  # the data version's scope: what a response that names no scopes depends on
EPOCH = "epoch"  # moved by what can change every representation at once; every scoped response depends on it
CURRENT = ("SELECT '*', version FROM data_version WHERE id = 1 "
           "UNION ALL SELECT scope, version FROM scope_versions")
BUMP = update(data_version).where(data_version.c.id == 1).values(version=data_version.c.version + 1)
LOCK = select(data_version.c.version).where(data_version.c.id == 1).with_for_update()
# Headers that belong to one exchange, not to the representation.
TRANSIENT = {"x-request-id", "date", "server", "content-length", "set-cookie", "connection"}
# A client asking for a fresh answer (RFC 9111 request directives) gets one computed for it.
BYPASS = {"no-cache", "no-store"}
DATABASE_DOWN = "service.database_down"  # the error that kept lookup() from reading the data version
VERSIONS = "service.cache_versions"  # the versions lookup() read, which a response stored on a miss holds at
KEY = "service.cache_key"  # the request's key in the cache, set by lookup() for a cacheable request
READS, NARROW = "service.cache_reads", "service.cache_narrow"  # the statements the view read; whether all of them
ANONYMOUS = "anonymous"  # the principal of a request no token authenticated
REDIS_TTL = 3600  # entries whose versions moved are never served again; let Redis forget them
Versions = dict[str, int]  # scope -> its version, as read before a request's view ran


def bump(conn: Connection, scopes: set[str] | frozenset[str] = frozenset(), *, data: bool = True,
         locked: bool = False) -> None:
    """Move the data version (unless not DATA: the caller's transaction moves it otherwise) and the version of
    each of SCOPES (created at 1 the first time), in CONN's transaction. On PostgreSQL every bump locks the data
    version's row first, moved or not, and the scopes' rows in name order: writers wait for each other there, in
    one order, and never deadlock over these rows (a rebuild's bodies lock scopes before the data version).
    LOCKED: this transaction holds that row already."""
    if data:
        conn.execute(BUMP)
    elif not locked and conn.dialect.name == "postgresql":
        conn.execute(LOCK)
    if scopes:
        conn.execute(_upsert(conn.dialect.name), [{"scope": scope} for scope in sorted(scopes)])


@functools.cache  # built once: a statement built per write cost more than running it
def _upsert(dialect_name: str):
    """Move one scope's version, creating its row at 1 the first time (executed once per scope, in order)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    stmt = dialect.insert(scope_versions).values(version=1)
    return stmt.on_conflict_do_update(index_elements=[scope_versions.c.scope],
                                      set_={"version": scope_versions.c.version + 1})


def bump_everything(conn: Connection) -> None:
    """What every cached response depends on: after a change no scope tracks (a rebuild, a bulk load)."""
    bump(conn, {EPOCH})


BUMPED = "response_cache.bumped"  # session.info: what this transaction has moved already ("*": the data version)
HELD = " held"  # ... and, in the same set, that it holds the data version's row (no scope has this name)


def bump_session(session: Session, scopes: set[str], *, data: bool = True) -> None:
    """bump() in SESSION's transaction what it has not moved yet: readers see a transaction's changes at its
    commit only, so one move of each version per transaction is enough (a PATCH flushes three times)."""
    done: set[str] = session.info.setdefault(BUMPED, set())
    todo, move_data = scopes - done, data and EVERY_WRITE not in done
    if todo or move_data:
        bump(session.connection(), todo, data=move_data, locked=HELD in done)
        done |= todo | {HELD} | ({EVERY_WRITE} if move_data else set())


@event.listens_for(Session, "after_transaction_end")
def _forget_bumped(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # a flush's or a savepoint's, released, keeps its moves in the one around it
        session.info.pop(BUMPED, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _previous: SessionTransaction) -> None:
    session.info.pop(BUMPED, None)  # a savepoint rolled back took its moves with it (and maybe earlier ones)


@event.listens_for(Session, "after_flush")
def _bump_on_flush(session: Session, _context) -> None:
    """Any flush that inserts, updates or deletes a row moves the data version and the scope of each class
    it wrote, in its transaction."""
    written = [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]
    if written:
        bump_session(session, {_scope(inspect(obj).mapper) for obj in written})


def scope_of(model: type) -> str:
    """The scope of MODEL, a mapped class: what a write of its rows (or of their stored bodies) moves."""
    return _scope(inspect(model))


def _scope(mapper) -> str:
    """A mapped class's scope: its name, or its table's class's for a subclass sharing that table."""
    while mapper.single:
        mapper = mapper.inherits
    return mapper.class_.__name__


SCOPE_OPTION = "cache_scope"  # an execution option: the scope a statement on the shared `records` table writes


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk(state) -> None:
    """UPDATE/DELETE/INSERT statements run through the session bypass the flush: each moves the scope of the
    table it writes, or the one its SCOPE_OPTION execution option names (a statement on `records` may write a
    record of any type); one that names neither moves every scope."""
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        scope = state.execution_options.get(SCOPE_OPTION) or (
            _table_classes().get(table.name) if isinstance(table, Table) else None)
        bump_session(state.session, {EPOCH if scope is None or scope == "Record" else scope})


def scopes_of(stmt) -> set[str]:
    """The scopes a response built from STMT's rows depends on: the mapped class of each table STMT reads (its
    filters' subqueries included), `*` for a table of no class of its own (an association table, the full-text
    index), which every write moves. `records` and `record_bodies` count for nothing beside a record type's own
    table: their rows are written with a record of that type, and a stored body with a write of its scope
    (service/read_model.py)."""
    owners, scopes = _table_classes(), set()
    for visited in visitors.iterate(stmt):
        element: object = visited
        if isinstance(element, ColumnClause):  # a column names its table even where no FROM of it is visited
            element = element.table
            while isinstance(element, Alias):
                element = element.element
        if isinstance(element, Table):
            scopes.add(owners.get(element.name, EVERY_WRITE))
        elif isinstance(element, FromClause) and not isinstance(element, Join | Select | Alias):
            scopes.add(EVERY_WRITE)  # a FROM we cannot name the rows of: a SQL function (plainto_tsquery), text
    scopes.discard("RecordBody")
    if scopes - {"Record"}:
        scopes.discard("Record")
    return scopes if "Record" not in scopes else {EVERY_WRITE}


@functools.cache
def _table_classes() -> dict[str, str]:
    """Each mapped table's name -> its class's scope (by name: the ORM's statements hold annotated copies)."""
    return {cast(Table, mapper.local_table).name: _scope(mapper) for mapper in Base.registry.mappers}


def scoped(stmt) -> None:
    """Called by a view that serves stored bodies: its response depends on what STMT reads (its scopes_of), on
    what it read before (depends_on()) and on the epoch only, not on every write."""
    depends_on(stmt)
    request.environ[NARROW] = True


def depends_on(stmt) -> None:
    """Called for each statement whose rows decide a response (a parent's lookup for its 404): a response that
    scoped() narrows depends on STMT's scopes too. Their scopes are found by store(), for a response it keeps."""
    if KEY in request.environ:
        request.environ.setdefault(READS, []).append(stmt)


def _depends(environ: dict) -> set[str]:
    """The scopes the response to ENVIRON's request depends on: those of the statements its view read when the
    view narrowed it (scoped()) and none of them reads what every write moves, else every write's."""
    if environ.get(NARROW):
        scopes = set().union(*(scopes_of(stmt) for stmt in environ.get(READS, ())))
        if scopes and EVERY_WRITE not in scopes:
            return scopes | {EPOCH}
    return {EVERY_WRITE}


@dataclass(frozen=True)
class Entry:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    at: tuple[tuple[str, int | None], ...] = ()  # (scope, version) the response was computed at

    def valid(self, versions: Versions) -> bool:
        """Whether the versions it was computed at stand (an entry that names none never does)."""
        return bool(self.at) and all(versions.get(scope) == version for scope, version in self.at)

    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64

    def dumps(self) -> bytes:
        head = json.dumps({"status": self.status, "headers": self.headers, "at": self.at}).encode()
        return len(head).to_bytes(4, "big") + head + self.body

    @classmethod
    def loads(cls, raw: bytes) -> Entry:
        length = int.from_bytes(raw[:4], "big")
        head = json.loads(raw[4:4 + length])
        return cls(head["status"], [tuple(h) for h in head["headers"]], raw[4 + length:],
                   tuple((scope, version) for scope, version in head.get("at", ())))


class LRU:
    """Thread-safe LRU bounded by the bytes of its entries (gthread workers share one per process)."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.used = max_bytes, 0
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.lock = threading.Lock()

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

    def drop(self, key: str, entry: Entry) -> None:
        """Forget ENTRY (no longer valid), unless another thread has filed a new one under KEY meanwhile."""
        with self.lock:
            if self.entries.get(key) is entry:
                del self.entries[key]
                self.used -= entry.size()


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

    def get(self, key: str, versions: Versions) -> Entry | None:
        """The entry filed under KEY, if the versions it was computed at are VERSIONS' still."""
        entry = self.local.get(key)
        if entry is not None and not entry.valid(versions):
            self.local.drop(key, entry)
            entry = None
        shared = self._redis()
        if entry is None and shared is not None:
            try:
                raw = shared.get("rc:" + key)
            except Exception:  # a cache outage must cost speed, never answers
                self._redis_down()
                return None
            if isinstance(raw, bytes):
                entry = Entry.loads(raw)
                if not entry.valid(versions):
                    return None
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


def request_key(environ: dict, principal: str, media_types: tuple[str, ...]) -> str:
    """Method, host, path, query (parameters in name order), what Accept can change of the answer, the content
    coding Accept-Encoding gets (compression.coding, the one choice flask-compress follows too) and who asks
    (the entry filed under it says at which versions it holds). Never the raw Accept or Authorization bytes:
    each junk value would be an entry of its own (and a full render). Accept counts only as its preference among
    the media types the API serves (negotiation.preference), the client only as its authenticated principal (a
    token's name when reads need one, else "anonymous": public reads answer everyone alike). Read from the WSGI
    environ: werkzeug's parsed views cost more than the hit."""
    query = environ.get("QUERY_STRING", "")
    if "&" in query:  # a stable sort by name keeps the order of repeated parameters
        query = "&".join(sorted(query.split("&"), key=lambda part: part.partition("=")[0]))
    parts = ("GET", environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
             environ.get("PATH_INFO", ""), query, negotiation.preference(environ.get("HTTP_ACCEPT", ""), media_types),
             compression.coding(environ.get("HTTP_ACCEPT_ENCODING", "")), principal)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class VersionReader:
    """Reads the committed versions (the data version and every scope's), once per cacheable request, as cheaply
    as the driver allows.

    Each thread keeps one autocommit DBAPI connection of its own, detached from the pool (with the
    engine's connect settings applied), so a hit pays neither a pool checkout nor SQLAlchemy's result
    machinery. Any driver error drops that connection and the request is served without the cache; the next
    one reconnects. A PostgreSQL connection whose socket has something to read (the server's last words: it
    restarted, or ended the session, since the last read) is replaced before it is used. In-memory SQLite (one
    connection shared through the pool) reads through the pool instead. A thread that has ended leaves its connection
    behind: the next thread to connect closes it, so a server that starts a thread per request (Werkzeug's)
    holds at most one connection per live thread, not one per request ever served."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.local = threading.local()
        self.opened: list[tuple[threading.Thread, object]] = []  # (owner, connection)
        self.lock = threading.Lock()
        self.reads = 0  # how many times the version was read (the tests count a hit's cost with it)
        database = engine.url.database or ""
        self.postgres = engine.dialect.name == "postgresql"
        self.pooled = engine.dialect.name == "sqlite" and (database in ("", ":memory:") or "mode=memory" in database)
        event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def read(self) -> Versions | None:
        """The versions; None when it cannot be read now (served without the cache). Raises OperationalError
        when the database is unavailable (refused, timed out, the connection shut): the view could not answer
        either, and trying it would cost the wait again."""
        self.reads += 1
        if self.pooled:
            try:
                with self.engine.connect() as conn:
                    versions: Versions = dict(conn.exec_driver_sql(CURRENT).tuples().all())
                return versions if EVERY_WRITE in versions else None
            except SQLAlchemyError:  # the database is down: answer (with a problem) without the cache
                return None
        connection = getattr(self.local, "connection", None)
        if (connection is not None and self.local.pid == os.getpid() and self.postgres
                and db_deadlines.has_input(connection)):  # the server closed it: a new one, rather than a 503
            self._drop(connection)
            connection = None
        try:
            if connection is None or self.local.pid != os.getpid():
                connection = self._connect()
            cursor = connection.cursor()
            try:
                cursor.execute(CURRENT)
                rows = cursor.fetchall()
            finally:
                cursor.close()
            versions = dict(rows)
            return versions if EVERY_WRITE in versions else None
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


def current_versions(app: Flask) -> Versions | None:
    """The committed versions, read before the view runs: the view's reads come later, so they see these
    versions or newer ones, never older."""
    engine = app.extensions["database"].engine
    reader: VersionReader | None = app.extensions.get("data_version_reader")
    if reader is None or reader.engine is not engine:
        reader = app.extensions["data_version_reader"] = VersionReader(engine)
    return reader.read()


def current_version(app: Flask) -> int | None:
    """The committed data version (moved by every write), read as current_versions() reads it."""
    versions = current_versions(app)
    return None if versions is None else versions[EVERY_WRITE]


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
    """before_request (after the rate limit and auth): the stored response for this request, if the versions it
    was computed at still stand. The key and the versions are kept in the environ either way, for store() to
    file the response on a miss. A database that cannot be read is raised by held_outage(), once the request's
    other checks passed."""
    app, environ = current_app._get_current_object(), request.environ  # type: ignore[attr-defined]
    if not cacheable(app, environ):
        return None
    try:
        versions = current_versions(app)
    except OperationalError as exc:  # held for held_outage(): a request the later checks refuse gets their answer
        environ[DATABASE_DOWN] = exc
        return None
    if versions is None:
        return None
    cache: ResponseCache = app.extensions["response_cache"]
    media_types = app.extensions[negotiation.EXTENSION].media_types
    principal = g.get("principal") or ANONYMOUS  # set by auth when reads need a token (it runs first)
    key = environ[KEY] = request_key(environ, principal, media_types)
    environ[VERSIONS] = versions
    entry = cache.get(key, versions)
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
    key = request.environ.get(KEY)
    if key is None or "X-Cache" in response.headers:
        return
    response.headers["X-Cache"] = "miss"
    cache_control = response.headers.get("Cache-Control", "")
    if (response.status_code != 200 or response.is_streamed or "Set-Cookie" in response.headers
            or "no-store" in cache_control or "private" in cache_control):
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in TRANSIENT and k != "X-Cache"]
    versions: Versions = request.environ[VERSIONS]
    at = tuple((scope, versions.get(scope)) for scope in sorted(_depends(request.environ)))
    current_app.extensions["response_cache"].put(key, Entry(200, headers, response.get_data(), at))


def init_app(app: Flask) -> None:
    config = app.config
    app.extensions["response_cache"] = ResponseCache(config["RESPONSE_CACHE_BYTES"], config["CACHE_URL"],
                                                     app.extensions["log_throttle"], config.get("REDIS_TIMEOUT", 0.5))
    app.before_request(lookup)
