"""SQLite's writers wait their turn in a queue, not in SQLite's busy loop.

SQLite lets one connection write at a time; the others wait in its busy handler, which sleeps and retries
(1, 2, 5 ... then 100 ms between tries), so a writer that keeps losing the race to newcomers waits on: with
eight concurrent PATCHes each holding the lock for about 11 ms, p99 was 440-660 ms and the slowest 840 ms (2
workers x 4 threads). So a connection about to write first takes its process's writer lock for that database
file (a `threading.Lock`, whose waiters are woken as it is released) and then an exclusive `flock` on a file
beside the database (`<database>.writers`, shared by every process on the host that writes that file), and
keeps both until it is returned to the pool, that is after its commit or rollback. Only the lock's holder per
process tries the `flock`, in short non-blocking tries. The whole wait is bounded by the busy timeout: what is
left of it after the queue is the connection's SQLite busy timeout for that statement, and once it is spent
the writer goes on without the queue and SQLite's own locking decides, as before. Reading takes nothing (WAL
lets readers read while one writes). A thread that already holds the queue of the file, on any connection of
any engine, does not wait for itself; a lock file that cannot be opened (a read-only folder ...) leaves
writers to SQLite alone. The standard library's `fcntl` and `threading` only: no library offers this.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, event

HELD = "service.sqlite_writer"  # a pool connection's info: the Turn it holds
READS = ("SELECT", "PRAGMA", "WITH", "EXPLAIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "END")
FIRST_TRY, LAST_TRY = 0.0005, 0.004  # seconds between tries of the flock, doubling up to LAST_TRY


@dataclass
class Queue:
    """One database file's writers in this process."""

    path: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    holders: dict[int, Turn] = field(default_factory=dict)  # thread id -> the Turn that thread holds


@dataclass
class Turn:
    queue: Queue
    thread: int
    fd: int | None  # the flock's file, None when the wait ran out and the writer went on without it
    locked: bool    # whether this Turn holds the process's lock
    shortened: bool = False  # whether the connection's busy timeout was lowered for this turn


_QUEUES: dict[str, Queue] = {}
_QUEUES_LOCK = threading.Lock()


def queue_of(database: str) -> Queue:
    """This process's queue of writers to the SQLite file DATABASE (one per file, whatever the engine)."""
    path = os.path.realpath(database) + ".writers"
    with _QUEUES_LOCK:
        return _QUEUES.setdefault(path, Queue(path))


def writes(statement: str, context) -> bool:
    """Whether STATEMENT (run with the execution CONTEXT, if any) may take SQLite's write lock."""
    if context is not None and (context.isinsert or context.isupdate):  # a Core INSERT or UPDATE, a CTE first too
        return True
    words = statement.lstrip().upper().split(None, 1)
    if not words:
        return False
    if words[0] == "BEGIN":  # a deferred BEGIN takes no lock; IMMEDIATE and EXCLUSIVE take the write lock
        return len(words) > 1 and words[1].startswith(("IMMEDIATE", "EXCLUSIVE"))
    return not words[0].startswith(READS)


def init_engine(engine: Engine, database: str, timeout: float) -> None:
    """Queue ENGINE's writers to the SQLite file DATABASE, each waiting at most TIMEOUT seconds in all."""
    queue = queue_of(database)

    @event.listens_for(engine, "before_cursor_execute")
    def take(conn, cursor, statement, _parameters, context, _executemany) -> None:
        if HELD in conn.info or not writes(statement, context):
            return
        thread = threading.get_ident()
        if thread in queue.holders:
            return  # this thread writes on another connection already: never wait for oneself
        started = time.monotonic()
        turn = conn.info[HELD] = queue.holders[thread] = _wait(queue, thread, timeout)
        left = timeout - (time.monotonic() - started)
        if left < timeout - 0.001:  # the queue took some of the time: SQLite gets what is left of it
            cursor.connection.execute(f"PRAGMA busy_timeout={max(int(left * 1000), 0)}")
            turn.shortened = True

    def give_back(dbapi_connection, record, *_args) -> None:
        turn = record.info.pop(HELD, None)
        if turn is not None and turn.shortened and dbapi_connection is not None:
            try:
                dbapi_connection.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            except Exception:  # noqa: BLE001 - a closed or broken connection: the pool discards it anyway
                pass
        _release(turn)

    event.listen(engine, "checkin", give_back)
    event.listen(engine, "invalidate", give_back)
    event.listen(engine, "detach", give_back)


def _wait(queue: Queue, thread: int, timeout: float) -> Turn:
    deadline = time.monotonic() + timeout
    locked = queue.lock.acquire(timeout=timeout)
    try:
        fd = os.open(queue.path, os.O_RDWR | os.O_CREAT, 0o660)
    except OSError:  # no lock file here (a read-only folder ...): SQLite's own locking alone
        if locked:
            queue.lock.release()
        return Turn(queue, thread, None, False)
    try:
        pause = FIRST_TRY
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return Turn(queue, thread, fd, locked)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return Turn(queue, thread, None, locked)
                time.sleep(pause)
                pause = min(pause * 2, LAST_TRY)
    except BaseException:
        os.close(fd)
        if locked:
            queue.lock.release()
        raise


def _release(turn: Turn | None) -> None:
    if turn is None:
        return
    if turn.fd is not None:
        os.close(turn.fd)  # closing the file drops its flock
    if turn.queue.holders.get(turn.thread) is turn:
        del turn.queue.holders[turn.thread]
    if turn.locked:
        turn.queue.lock.release()
