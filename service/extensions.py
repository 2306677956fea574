"""Unbound singletons: the database handle and the API; create_app binds them."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from service.http import db_deadlines, sqlite_writers
from service.http.api import ProblemApi

SQLITE_BUSY_SECONDS = 30  # how long a SQLite writer waits for the lock (its queue, then SQLite's busy timeout)
# A PostgreSQL connection back in the pool this long is pinged before its next use (_ping_when_maybe_closed).
IDLE_PING_SECONDS = 1.0
IDLE_SINCE = "service.idle_since"  # a pooled connection's info key: when it went back to the pool


class Database:
    """Per-app engine (created in the app factory, so each gunicorn worker owns its pool) and a
    thread-scoped session removed at app-context teardown. `db.session` is the current app's."""

    def init_app(self, app: Flask) -> None:
        config = app.config
        engine = make_engine(config["DATABASE_URL"], config.get("DATABASE_CONNECT_TIMEOUT"),
                             config.get("DATABASE_STATEMENT_TIMEOUT"))
        session = scoped_session(sessionmaker(bind=engine, expire_on_commit=False))
        app.extensions["database"] = _Bound(engine, session, reader_of(engine))
        app.teardown_appcontext(lambda exc: session.remove())

    @property
    def session(self) -> scoped_session[Session]:
        return current_app.extensions["database"].session

    @property
    def engine(self) -> Engine:
        return current_app.extensions["database"].engine

    def reading(self) -> AbstractContextManager[Connection]:
        """A connection for a read of one statement outside the unit of work: `with db.reading() as conn`. The
        session's own when it is in a transaction already (a statement of this request began one, such as its
        bearer token's lookup: no second connection taken from the pool); else one of the reader engine's, which
        shares the engine's pool and on PostgreSQL is in autocommit, so that the read is its SELECT alone,
        without the BEGIN before it and the ROLLBACK when it goes back to the pool (two round trips of three).
        Each statement sees the last commit, as each of a READ COMMITTED transaction's statements does."""
        bound = current_app.extensions["database"]
        if bound.session.registry.has() and (session := bound.session()).in_transaction():
            return nullcontext(session.connection())
        return bound.reader.connect()


@dataclass(frozen=True)
class _Bound:
    engine: Engine
    session: scoped_session[Session]
    reader: Engine


def reader_of(engine: Engine) -> Engine:
    # pysqlite begins no transaction for a SELECT: on SQLite the engine itself reads alone
    return engine if engine.dialect.name == "sqlite" else engine.execution_options(isolation_level="AUTOCOMMIT")


def make_engine(url: str, connect_timeout: int | None = None, statement_timeout: float | None = None) -> Engine:
    """Create an engine with the per-backend settings the service relies on. `hide_parameters`: a
    statement's parameters are a request's values, and never go into an error's text or a log line.

    On PostgreSQL, CONNECT_TIMEOUT (seconds) bounds a new connection and the wait for a free one in the pool;
    STATEMENT_TIMEOUT (seconds, 0 for none) is each connection's `statement_timeout`, sent in the startup
    packet (no round trip), and with db_deadlines the bound on a server that no longer answers at all. The
    app passes its settings; migrations and the bench generator run without a statement timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        on_disk = database not in ("", ":memory:")
        if on_disk:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        if on_disk and not database.startswith("file:"):  # a URI names no plain path to queue beside
            sqlite_writers.init_engine(engine, database, SQLITE_BUSY_SECONDS)
        return engine
    connect_args: dict = {}
    if connect_timeout:
        connect_args["connect_timeout"] = connect_timeout
    if statement_timeout:
        options = " ".join(filter(None, (str(parsed.query.get("options") or ""),
                                         f"-c statement_timeout={round(statement_timeout * 1000)}")))
        connect_args["options"] = options
    # LIFO: the connection used last is used next, so a quiet pool keeps one connection warm (and unpinged)
    engine = create_engine(url, pool_size=5, max_overflow=5, pool_use_lifo=True, hide_parameters=True,
                           pool_timeout=connect_timeout or 30, connect_args=connect_args)
    _ping_when_maybe_closed(engine, IDLE_PING_SECONDS)
    if statement_timeout:
        db_deadlines.init_engine(engine, statement_timeout)
    return engine


def _ping_when_maybe_closed(engine: Engine, seconds: float) -> None:
    """Ping a pooled connection before its use when the server may have closed it: when its socket has something
    to read (an idle connection is sent nothing, but the server's last words and its end of the connection when
    it shuts down, restarts or terminates the backend), or when it has been back in the pool for SECONDS or more
    (a peer gone without a word, such as a firewall that dropped an idle connection). A dead one invalidates the
    pool, and the checkout goes on with a new connection (PoolEvents.checkout's documented protocol, through
    InvalidatePoolError). `pool_pre_ping` pings before every use: a round trip more for every request (0.2 ms of
    a 2.2 ms page in process), where a connection in steady use went back to the pool milliseconds ago and a look
    at its socket costs a system call. A connection that dies while in use fails its request instead (a 503
    problem), and that disconnect invalidates the pool."""
    @event.listens_for(engine, "checkin")
    def idle(_dbapi_connection, record) -> None:
        record.info[IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping(dbapi_connection, record, _proxy) -> None:
        since = record.info.get(IDLE_SINCE)  # none on a new connection: its info goes with the one it replaced
        if since is None or (time.monotonic() - since < seconds and not db_deadlines.has_input(dbapi_connection)):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.InvalidatePoolError(f"ping failed: {error}") from error


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Foreign keys are off by default in SQLite; WAL lets gunicorn workers read while one writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cursor.close()


db = Database()
api = ProblemApi()
