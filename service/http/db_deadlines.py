"""A bound on how long a request waits for a PostgreSQL server that stopped answering.

`statement_timeout` (set on every connection) makes a live server cancel a slow statement, and `connect_timeout`
bounds a new connection; but a server that is frozen (stopped, swapped out, its host hung) cancels nothing, and
its kernel still acknowledges every packet, so neither TCP keepalives nor `tcp_user_timeout` notice: a statement
sent to it, or the pool's ping of an idle connection, waits for ever. So one watchdog thread per process looks at
every connection twice a second; one that has been busy with the same statement (libpq's transaction status
ACTIVE) for longer than the statement timeout plus a grace has its socket shut down. The waiting driver then
fails at once ("server closed the connection unexpectedly"), SQLAlchemy invalidates the connection, and the
request is a 503. A server that answers never gets there: it has cancelled the statement itself by then.
"""

from __future__ import annotations

import select
import socket
import threading
import time
import weakref
from dataclasses import dataclass

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, event

POLL_SECONDS = 0.5
GRACE_SECONDS = 1.0  # past statement_timeout: the time a live server takes to cancel and say so


@dataclass
class Watched:
    connection: weakref.ref
    sock: socket.socket  # a duplicate of the connection's descriptor: never another socket, whatever is reused
    seconds: float
    statements: int = 0  # bumped as each statement starts
    busy_since: tuple[int, float] | None = None  # (statement count, when first seen busy)


class Watchdog:
    def __init__(self) -> None:
        self.watched: dict[int, Watched] = {}
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.shut = 0  # connections shut down so far (the tests read it)

    def watch(self, connection, seconds: float) -> None:
        sock = socket.socket(fileno=socket.dup(connection.fileno()))
        with self.lock:
            self.watched[id(connection)] = Watched(weakref.ref(connection), sock, seconds)
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="db-deadlines", daemon=True)
                self.thread.start()

    def started(self, connection) -> None:
        watched = self.watched.get(id(connection))
        if watched is not None:
            watched.statements += 1

    def run(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            self.check(time.monotonic())

    def check(self, now: float) -> None:
        with self.lock:
            items = list(self.watched.items())
        for key, watched in items:
            connection = watched.connection()
            if connection is None or connection.closed:
                self._forget(key, watched)
            elif connection.info.transaction_status != TransactionStatus.ACTIVE:
                watched.busy_since = None
            elif watched.busy_since is None or watched.busy_since[0] != watched.statements:
                watched.busy_since = (watched.statements, now)
            elif now - watched.busy_since[1] >= watched.seconds:
                try:
                    watched.sock.shutdown(socket.SHUT_RDWR)
                    self.shut += 1
                except OSError:  # closed meanwhile
                    pass
                self._forget(key, watched)

    def _forget(self, key: int, watched: Watched) -> None:
        with self.lock:
            if self.watched.get(key) is watched:
                del self.watched[key]
        watched.sock.close()


WATCHDOG = Watchdog()


def has_input(connection) -> bool:
    """Whether an idle PostgreSQL CONNECTION's socket can be read without waiting (or it has no socket any more).
    An idle connection is sent nothing but the server's last words and its end of the connection, when the server
    shuts down, restarts or ends the session: such a connection is replaced before a statement fails on it."""
    try:
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError, psycopg.Error):  # closed
        return True


def init_engine(engine: Engine, statement_timeout: float) -> None:
    """Watch every connection ENGINE opens (the pool's and the data-version reader's): a statement may take
    STATEMENT_TIMEOUT + GRACE_SECONDS (+ one poll) before its connection is shut."""
    seconds = statement_timeout + GRACE_SECONDS

    @event.listens_for(engine, "connect")
    def watch(dbapi_connection, _record) -> None:
        WATCHDOG.watch(dbapi_connection, seconds)

    @event.listens_for(engine, "before_cursor_execute")
    def started(conn, _cursor, _statement, _parameters, _context, _executemany) -> None:
        WATCHDOG.started(conn.connection.dbapi_connection)
