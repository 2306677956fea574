"""gunicorn's threaded worker, except that a worker whose threads are all busy leaves new connections to others.

Every worker polls the one listening socket, and the kernel wakes them in the same order each time, so
the first worker took every connection that arrived while it was idle: in half of our benchmark runs one
worker held all of wrk's 8 keep-alive connections while the other sat idle, which halved the throughput
of a two-worker service (bench/). A connection accepted by a worker with no free thread only waits in
its queue; left in the kernel's backlog, it goes to the next worker with a free thread. So a busy worker
stops accepting until one of its requests ends; and lest a connection wait long while every worker is
busy, it still takes one that has waited PATIENCE seconds. gunicorn.conf.py selects it;
tests/test_gunicorn_worker.py shows both effects.
"""

from __future__ import annotations

import select
import time

from gunicorn.workers.gthread import ThreadWorker


class BalancedThreadWorker(ThreadWorker):
    PATIENCE = 0.01  # seconds a busy worker leaves a new connection to the others

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = 0  # requests handed to the thread pool and not finished yet
        self.waiting_since: float | None = None  # when a busy worker first saw a connection waiting

    def busy(self) -> bool:
        return self.in_flight >= self.cfg.threads

    def enqueue_req(self, conn) -> None:
        self.in_flight += 1
        super().enqueue_req(conn)

    def finish_request(self, conn, fs) -> None:
        self.in_flight -= 1
        super().finish_request(conn, fs)  # the main loop then asks to accept again

    def accept(self, listener) -> None:
        super().accept(listener)
        if self.busy():
            self.set_accept_enabled(False)

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled and not self.busy())

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        if self.busy() and self.alive:
            timeout = min(timeout, self.PATIENCE)  # wake up to look at the backlog
        super().wait_for_and_dispatch_events(timeout)
        if self.busy() and self.alive:
            self.take_a_waiting_connection()

    def take_a_waiting_connection(self) -> None:
        """Accept a connection no other worker has taken for PATIENCE seconds, busy as this one is."""
        waiting = select.select(self.sockets, [], [], 0)[0]
        if not waiting:
            self.waiting_since = None
            return
        now = time.monotonic()
        if self.waiting_since is None:
            self.waiting_since = now
        elif now - self.waiting_since >= self.PATIENCE:
            self.waiting_since = None
            ThreadWorker.accept(self, waiting[0])
