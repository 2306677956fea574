"""Writes under real concurrency: eight clients at once against a live server, on both databases."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import requests

from tests.helpers import BRIEFING, all_items, serving

CLIENTS = 8


def race(send: Callable[[], requests.Response]) -> list[requests.Response]:
    """CLIENTS calls of SEND released together (a barrier), each on a thread and a connection of its own."""
    barrier, responses = threading.Barrier(CLIENTS), []

    def run() -> None:
        barrier.wait()
        responses.append(send())

    threads = [threading.Thread(target=run) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def auth(tokens) -> dict:
    return {"Authorization": f"Bearer {tokens['write']}"}


def test_concurrent_patches_of_a_briefing_with_same_etag_exactly_one_wins(writable_app, tokens, writer):
    slug = f"briefing-{uuid.uuid4().hex[:8]}"
    created = writer.post("/api/v1/briefings", json={"slug": slug, "name": "Before", "summary": "S."})
    assert created.status_code == 201, created.get_json()
    with serving(writable_app) as base:
        responses = race(lambda: requests.patch(
            f"{base}/api/v1/briefings/{slug}", json={"name": f"Editor {uuid.uuid4().hex[:6]}"},
            headers={"If-Match": created.headers["ETag"], **auth(tokens)}, timeout=60))
    assert sorted(r.status_code for r in responses) == [200] + [412] * (CLIENTS - 1)
    winner = next(r.json()["name"] for r in responses if r.status_code == 200)
    assert writer.get(f"/api/v1/briefings/{slug}").get_json()["name"] == winner
    updates = [c for c in all_items(writer, "/api/v1/changes?resource=briefings")
               if c["record"]["slug"] == slug and c["action"] == "update"]
    assert [u["after"]["name"] for u in updates] == [winner]


def test_concurrent_retries_with_one_idempotency_key_create_once_and_replay(writable_app, tokens, writer):
    slug, key = f"retry-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    body = {"briefing": BRIEFING, "slug": slug, "name": "Retry", "kind": "person",
            "citations": [{"quote": "led by the British"}]}
    with serving(writable_app) as base:
        responses = race(lambda: requests.post(f"{base}/api/v1/actors", json=body,
                                               headers={"Idempotency-Key": key, **auth(tokens)}, timeout=60))
    assert sorted(r.status_code for r in responses) == [201] * CLIENTS, [r.text for r in responses]
    replayed = [r for r in responses if r.headers.get("Idempotent-Replayed") == "true"]
    assert len(replayed) == CLIENTS - 1
    assert all(r.json() == responses[0].json() and r.headers["Location"] == responses[0].headers["Location"]
               for r in responses)
    created = [c for c in all_items(writer, "/api/v1/changes?resource=actors") if c["record"]["slug"] == slug]
    assert [c["action"] for c in created] == ["create"]
