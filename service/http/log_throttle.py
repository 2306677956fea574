"""One line per cause and interval for warnings an outage repeats on every request (database, Redis down).

A minute without the database at a few hundred requests a second was as many identical warnings; what an
operator needs is when it started, that it goes on, and how often: the first line of a cause is logged,
the repeats within LOG_REPEAT_SECONDS are counted, and the next line logged for that cause carries the
count (`suppressed`). The counts are this process's own: each gunicorn worker logs its share.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable


class Throttle:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds, self.clock = seconds, clock
        self.lock = threading.Lock()
        self.causes: dict[str, tuple[float, int]] = {}  # cause -> (when its last line was logged, repeats since)

    def warning(self, logger: logging.Logger, cause: str, message: str, *args, fields: dict | None = None,
                exc_info: bool = False) -> bool:
        """Log MESSAGE (a %-format with ARGS) unless CAUSE was logged less than `seconds` ago; True if logged."""
        now = self.clock()
        with self.lock:
            logged_at, repeats = self.causes.get(cause, (None, 0))
            if logged_at is not None and now - logged_at < self.seconds:
                self.causes[cause] = (logged_at, repeats + 1)
                return False
            self.causes[cause] = (now, 0)
        extra = {"cause": cause, **(fields or {})}
        if repeats:
            extra["suppressed"] = repeats
            message += f" ({repeats} more since the previous such line)"
        logger.warning(message, *args, extra={"fields": extra}, exc_info=exc_info)
        return True
