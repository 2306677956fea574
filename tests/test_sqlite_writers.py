"""SQLite writers queue for the database file (service/http/sqlite_writers.py): a writer waits for the one before it
to end its transaction, in this process and across processes, never for itself, and never past the busy timeout."""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from service.extensions import make_engine
from service.http import sqlite_writers


@pytest.fixture()
def database(tmp_path):
    path = tmp_path / "writers.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1, 0)"))
    yield engine, path
    engine.dispose()


def flock_is_free(path) -> bool:
    fd = os.open(f"{path}.writers", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_a_write_holds_the_queue_until_its_transaction_ends_and_a_read_takes_nothing(database):
    engine, path = database
    with engine.connect() as conn:
        conn.execute(text("SELECT n FROM t"))
        assert sqlite_writers.HELD not in conn.info and flock_is_free(path)
        conn.execute(text("UPDATE t SET n = n + 1"))
        assert sqlite_writers.HELD in conn.info and not flock_is_free(path)
        conn.commit()
    assert flock_is_free(path)  # given back with the connection, after the commit
    with engine.connect() as conn:
        conn.execute(text("UPDATE t SET n = n + 1"))
        conn.rollback()
    assert flock_is_free(path)


def test_a_writer_waits_in_the_queue_for_the_one_before_it_then_both_writes_count(database):
    engine, path = database
    queue = sqlite_writers.queue_of(str(path))
    second_done = threading.Event()

    def second():
        with engine.begin() as conn:
            conn.execute(text("UPDATE t SET n = n + 10"))
        second_done.set()

    with engine.connect() as conn:
        conn.execute(text("UPDATE t SET n = n + 1"))
        waiter = threading.Thread(target=second)
        waiter.start()
        assert not second_done.wait(0.3)  # waiting, not failed
        assert set(queue.holders) == {threading.get_ident()}  # in the queue (not in SQLite's busy loop)
        conn.commit()
    waiter.join(5)
    assert second_done.is_set()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM t")).scalar_one() == 11


def test_a_writer_of_another_process_is_waited_for(database):
    """Another process's writer holds the flock of the file beside the database (here, a descriptor of its own)."""
    engine, path = database
    other = os.open(f"{path}.writers", os.O_RDWR | os.O_CREAT)
    fcntl.flock(other, fcntl.LOCK_EX)
    done = threading.Event()

    def write():
        with engine.begin() as conn:
            conn.execute(text("UPDATE t SET n = 5"))
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert not done.wait(0.3)
    os.close(other)  # that process commits and lets go
    writer.join(5)
    assert done.is_set()


def queued_engine(path, queue_seconds: float, busy_seconds: float):
    """An engine on PATH whose writers wait at most QUEUE_SECONDS in the queue, BUSY_SECONDS in SQLite's busy
    handler."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": busy_seconds})
    event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA journal_mode=WAL"))
    sqlite_writers.init_engine(engine, str(path), queue_seconds)
    return engine


def test_a_thread_writing_on_two_connections_never_waits_for_itself(database):
    _, path = database
    engine = queued_engine(path, queue_seconds=2, busy_seconds=0.1)
    with engine.connect() as first, engine.connect() as second:
        first.execute(text("UPDATE t SET n = 1"))
        started = time.monotonic()
        with pytest.raises(OperationalError, match="locked"):  # SQLite's own answer, after its busy timeout
            second.execute(text("UPDATE t SET n = 2"))
        assert time.monotonic() - started < 1  # not the queue's 2 s: it did not wait for its own turn
        first.rollback()
    engine.dispose()


def test_waiting_in_the_queue_is_bounded_by_the_busy_timeout(database):
    _, path = database
    engine = queued_engine(path, queue_seconds=0.2, busy_seconds=0.2)
    holding, release = threading.Event(), threading.Event()

    def hold():
        with engine.connect() as conn:
            conn.execute(text("UPDATE t SET n = 1"))
            holding.set()
            release.wait(10)
            conn.rollback()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError, match="locked"), engine.begin() as conn:
            conn.execute(text("UPDATE t SET n = 2"))
        assert time.monotonic() - started < 2  # the queue's 0.2 s, then SQLite's 0.2 s: an error, not a hang
    finally:
        release.set()
        holder.join(5)
    with engine.begin() as conn:  # the queue is free again once the holder is done
        conn.execute(text("UPDATE t SET n = 3"))
    engine.dispose()


def test_two_engines_on_one_file_share_its_queue(database):
    """A second engine (another app of the process, the CLI's) queues with the first, and one thread writing
    through both does not wait for itself."""
    engine, path = database
    other = queued_engine(path, queue_seconds=2, busy_seconds=0.1)
    assert sqlite_writers.queue_of(str(path)) is sqlite_writers.queue_of(f"{path.parent}/./{path.name}")
    with engine.connect() as first, other.connect() as second:
        first.execute(text("UPDATE t SET n = 1"))
        started = time.monotonic()
        with pytest.raises(OperationalError, match="locked"):
            second.execute(text("UPDATE t SET n = 2"))
        assert time.monotonic() - started < 1
        first.rollback()
    other.dispose()


def test_a_lock_file_that_cannot_be_opened_leaves_writers_to_sqlite(database):
    engine, path = database
    os.remove(f"{path}.writers")  # made by the fixture's first write
    os.mkdir(f"{path}.writers")  # not a file: it cannot be opened for writing
    try:
        for n in (1, 2):  # the second write is not kept waiting by the first's failed turn
            started = time.monotonic()
            with engine.begin() as conn:
                conn.execute(text("UPDATE t SET n = :n"), {"n": n})
            assert time.monotonic() - started < 1
        with engine.connect() as conn:
            assert conn.execute(text("SELECT n FROM t")).scalar_one() == 2
    finally:
        os.rmdir(f"{path}.writers")


@pytest.mark.parametrize(("statement", "writes"), [
    ("SELECT n FROM t", False), ("  select 1", False), ("PRAGMA journal_mode", False),
    ("WITH x AS (SELECT 1) SELECT * FROM x", False), ("BEGIN", False), ("BEGIN DEFERRED", False),
    ("BEGIN IMMEDIATE", True), ("begin exclusive transaction", True), ("INSERT INTO t VALUES (2, 0)", True),
    ("REPLACE INTO t VALUES (1, 0)", True), ("UPDATE t SET n = 0", True), ("DELETE FROM t", True),
    ("CREATE TABLE u (id INTEGER)", True), ("DROP TABLE u", True), ("", False),
])
def test_which_statements_queue(statement, writes):
    assert sqlite_writers.writes(statement, None) is writes


def test_a_core_insert_led_by_a_cte_queues(database):
    from sqlalchemy import column, insert, literal, select, table

    engine, path = database
    t = table("t", column("id"), column("n"))
    source = select(literal(9).label("id"), literal(0).label("n")).cte("source")
    with engine.connect() as conn:
        conn.execute(insert(t).from_select(["id", "n"], select(source)))
        assert sqlite_writers.HELD in conn.info
        conn.rollback()
