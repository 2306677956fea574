"""The time writes record (who reviewed a record, and when): one function, which the examples recorder
(tools/examples.py) freezes so the spec's recorded answers stay the same from run to run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen or dt.datetime.now(dt.UTC)


@contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    """now() answers AT inside the block (a CLI run; never a server's, whose requests share the process)."""
    global _frozen
    before, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = before
