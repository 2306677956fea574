"""SQLite's writers wait their turn in a queue, not in SQLite's busy loop.

SQLite lets one connection write at a time; the others wait in its busy handler, which sleeps and retries
(1, 2, 5 ... then 100 ms between tries), so a writer that keeps losing the race to newcomers waits on: with
eight concurrent PATCHes each holding the lock for about 11 ms, p99 was 440-660 ms and the slowest 840 ms
(/tmp measurements of this change, 2 workers x 4 threads). So a connection about to write first takes this
process's writer lock (a `threading.Lock`, whose waiters the kernel wakes as it is released) and then an
exclusive `flock` on a file beside the database (shared by every process on the host that writes that file),
and keeps both until it is returned to the pool, that is after its commit or rollback. Only the lock's holder
per process tries the `flock`, in short non-blocking tries. Waiting is bounded by the busy timeout: past it the
writer goes on without the queue, and SQLite's own locking decides as before. Reading takes nothing (WAL lets
readers read while one writes). A thread that already holds the queue on another connection does not wait for
itself: SQLite decides there too. The standard library's `fcntl` and `threading` only; no library offers this.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, event

HELD = "service.sqlite_writer"  # a pool connection's info: the Turn it holds
READS = ("SELECT", "PRAGMA", "WITH", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
FIRST_TRY, LAST_TRY = 0.0005, 0.004  # seconds between tries of the flock, doubling up to LAST_TRY


@dataclass
class Queue:
    """One database file's writers in this process."""

    path: str
    timeout: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    holders: dict[int, Turn] = field(default_factory=dict)  # thread id -> the Turn that thread took


@dataclass
class Turn:
    queue: Queue
    thread: int
    fd: int | None  # the flock's file, None when the wait ran out and the writer went on without it
    locked: bool    # whether this Turn holds the process's lock


def init_engine(engine: Engine, database: str, timeout: float) -> None:
    """Queue ENGINE's writers to the SQLite file DATABASE, waiting at most TIMEOUT seconds."""
    queue = Queue(os.path.abspath(database) + ".writers", timeout)

    @event.listens_for(engine, "before_cursor_execute")
    def take(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        if HELD in conn.info or statement.lstrip()[:9].upper().startswith(READS):
            return
        thread = threading.get_ident()
        if thread in queue.holders:
            return  # this thread writes on another connection already: never wait for oneself
        conn.info[HELD] = queue.holders[thread] = _wait(queue, thread)

    @event.listens_for(engine, "checkin")
    def give_back(_dbapi_connection, record) -> None:
        _release(record.info.pop(HELD, None))

    @event.listens_for(engine, "invalidate")
    def on_invalidate(_dbapi_connection, record, _exception) -> None:
        _release(record.info.pop(HELD, None))


def _wait(queue: Queue, thread: int) -> Turn:
    deadline = time.monotonic() + queue.timeout
    locked = queue.lock.acquire(timeout=queue.timeout)
    fd = os.open(queue.path, os.O_RDWR | os.O_CREAT, 0o600)
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
