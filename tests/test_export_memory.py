"""A full CSV export of a large table streams in bounded memory (the process's RSS barely moves).

50,000 positions (each with a citation) export as ~30 MB of CSV. The bound on RSS growth while the whole
export is read, 24 MB, is below the size of the body: a view that built the body, or loaded every row,
before sending would exceed it. Streaming holds one keyset batch (1,000 rows) at a time.
"""

from __future__ import annotations

import gc
import os

import pytest

from bench.generate import generate
from tests.conftest import make_app

POSITIONS = 50_000
BOUND = 24 * 1024 * 1024


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.fixture(scope="module")
def large_app(backend, databases):
    url = databases.new(backend)
    generate(url, briefings=2, actors=200, proposals=20, positions=POSITIONS, packages=2, aid_items=2,
             citations=1, seed=7, chunk=10_000, with_seed=False)
    return make_app(url)


def test_export_positions_csv_streams_in_bounded_memory(large_app):
    client = large_app.test_client()
    client.get("/api/v1/positions/export?format=csv&stance=supports").get_data()  # warm imports and pools
    gc.collect()
    before = peak = rss()
    rows = size = 0
    response = client.get("/api/v1/positions/export?format=csv", buffered=False)
    for chunk in response.response:
        rows += chunk.count(b"\n")
        size += len(chunk)
        peak = max(peak, rss())
    response.close()
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert rows >= POSITIONS + 1  # the header and every row (quotes hold no newlines)
    assert size > BOUND, "the export must outweigh the bound, or the test proves nothing"
    grew = (peak - before) / 2**20
    assert peak - before < BOUND, f"RSS grew {grew:.1f} MB while streaming {size / 2**20:.1f} MB"
