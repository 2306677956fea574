"""gunicorn's threaded worker, except that a worker whose threads are all busy leaves new connections to others.

Every worker polls the one listening socket, and the kernel wakes them in the same order each time, so
the first worker took every connection that arrived while it was idle: in half of our benchmark runs one
worker held all of wrk's 8 keep-alive connections while the other sat idle, which halved the throughput
of a two-worker service (bench/). A connection accepted by a worker with no free thread only waits in
its queue; left in the kernel's backlog, it goes to the next worker with a free thread, or to this one
as soon as a request ends. gunicorn.conf.py selects it; tests/test_gunicorn_worker.py shows the effect.
"""

from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker


class BalancedThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = 0  # requests handed to the thread pool and not finished yet

    def enqueue_req(self, conn) -> None:
        self.in_flight += 1
        super().enqueue_req(conn)

    def finish_request(self, conn, fs) -> None:
        self.in_flight -= 1
        super().finish_request(conn, fs)  # the main loop then asks to accept again, if it stopped

    def accept(self, listener) -> None:
        super().accept(listener)
        if self.busy():
            self.set_accept_enabled(False)

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled and not self.busy())

    def busy(self) -> bool:
        return self.in_flight >= self.cfg.threads
