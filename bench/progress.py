"""A plain progress line on stderr, used when tqdm (the `bench` extra) is not installed."""

from __future__ import annotations

import sys


class Plain:
    def __init__(self, total: int, desc: str, **_ignored):
        self.total, self.desc, self.done = total, desc, 0

    def __enter__(self) -> Plain:
        return self

    def __exit__(self, *exc) -> None:
        print(f"{self.desc}: {self.done}/{self.total}", file=sys.stderr)

    def update(self, n: int) -> None:
        self.done += n
        if self.total >= 100_000:
            print(f"{self.desc}: {self.done}/{self.total}", file=sys.stderr, end="\r")
