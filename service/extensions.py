"""Unbound singletons: the database handle and the API; create_app binds them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from service.http import db_deadlines, sqlite_writers
from service.http.api import ProblemApi

SQLITE_BUSY_SECONDS = 30  # how long a SQLite writer waits for the lock (its queue, then SQLite's busy timeout)


class Database:
    """Per-app engine (created in the app factory, so each gunicorn worker owns its pool) and a
    thread-scoped session removed at app-context teardown. `db.session` is the current app's."""

    def init_app(self, app: Flask) -> None:
        config = app.config
        engine = make_engine(config["DATABASE_URL"], config.get("DATABASE_CONNECT_TIMEOUT"),
                             config.get("DATABASE_STATEMENT_TIMEOUT"))
        session = scoped_session(sessionmaker(bind=engine, expire_on_commit=False))
        app.extensions["database"] = _Bound(engine, session)
        app.teardown_appcontext(lambda exc: session.remove())

    @property
    def session(self) -> scoped_session[Session]:
        return current_app.extensions["database"].session

    @property
    def engine(self) -> Engine:
        return current_app.extensions["database"].engine


@dataclass(frozen=True)
class _Bound:
    engine: Engine
    session: scoped_session[Session]


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
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True,
                           pool_timeout=connect_timeout or 30, connect_args=connect_args)
    if statement_timeout:
        db_deadlines.init_engine(engine, statement_timeout)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Foreign keys are off by default in SQLite; WAL lets gunicorn workers read while one writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cursor.close()


db = Database()
api = ProblemApi()
