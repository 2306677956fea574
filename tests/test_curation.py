"""Curation guarantees: idempotent POST, no lost updates under concurrency, and the changes feed."""

import datetime as dt
import threading
import uuid
from urllib.parse import quote

from tests.conftest import BRIEFING, make_actor
from tests.helpers import all_items, assert_problem


def actor_body(slug: str) -> dict:
    return {"briefing": BRIEFING, "slug": slug, "name": "Retry", "kind": "person",
            "citations": [{"quote": "led by the British"}]}


def test_post_retried_with_same_idempotency_key_replays_without_duplicate(writer):
    key, slug = str(uuid.uuid4()), f"idem-{uuid.uuid4().hex[:8]}"
    first = writer.post("/api/v1/actors", json=actor_body(slug), headers={"Idempotency-Key": key})
    second = writer.post("/api/v1/actors", json=actor_body(slug), headers={"Idempotency-Key": key})
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    changes = all_items(writer, "/api/v1/changes?resource=actors")
    assert [c["record"]["slug"] for c in changes].count(slug) == 1


def test_post_reusing_idempotency_key_for_another_body_is_422(writer):
    key = str(uuid.uuid4())
    assert writer.post("/api/v1/actors", json=actor_body(f"a-{key[:8]}"),
                       headers={"Idempotency-Key": key}).status_code == 201
    response = writer.post("/api/v1/actors", json=actor_body(f"b-{key[:8]}"),
                           headers={"Idempotency-Key": key})
    assert_problem(response, 422, "Idempotency-Key")


def test_concurrent_patches_with_same_etag_exactly_one_wins(writable_app, tokens):
    setup = writable_app.test_client()
    setup.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['write']}"
    actor = make_actor(setup)
    etag = setup.get(actor["url"]).headers["ETag"]
    results: list[tuple[int, str]] = []
    barrier = threading.Barrier(8)

    def edit(n: int) -> None:
        client = writable_app.test_client()
        barrier.wait()
        response = client.patch(actor["url"], json={"role": f"editor {n}"},
                                headers={"If-Match": etag, "Authorization": f"Bearer {tokens['write']}"})
        results.append((response.status_code, f"editor {n}"))

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [412] * 7, statuses
    winner = next(role for status, role in results if status == 200)
    assert setup.get(actor["url"]).get_json()["role"] == winner
    updates = [c for c in all_items(setup, "/api/v1/changes?resource=actors") if c["record"]["slug"] == actor["slug"]
               and c["action"] == "update"]
    assert [u["after"]["role"] for u in updates] == [winner]


def test_changes_feed_records_who_what_before_after_and_tombstones(writer):
    since = all_items(writer, "/api/v1/changes")
    last = since[-1]["id"] if since else 0
    actor = make_actor(writer)
    etag = writer.get(actor["url"]).headers["ETag"]
    etag = writer.patch(actor["url"], json={"role": "Envoy"}, headers={"If-Match": etag}).headers["ETag"]
    assert writer.delete(actor["url"], headers={"If-Match": etag}).status_code == 204
    feed = [c for c in all_items(writer, f"/api/v1/changes?since={last}") if c["record"]["slug"] == actor["slug"]]
    assert [c["action"] for c in feed] == ["create", "update", "delete"]
    assert all(c["principal"] == "test-write" for c in feed)
    assert feed[0]["before"] is None and feed[0]["after"]["slug"] == actor["slug"]
    assert feed[1]["before"]["role"] is None and feed[1]["after"]["role"] == "Envoy"
    assert feed[2]["after"] is None and feed[2]["before"]["role"] == "Envoy"


def test_changes_at_is_utc_with_offset_and_since_another_offset_compares_in_utc(writer):
    make_actor(writer)
    last = all_items(writer, "/api/v1/changes")[-1]
    at = dt.datetime.fromisoformat(last["at"])
    assert at.utcoffset() == dt.timedelta(0), last["at"]  # RFC 3339 with its offset on both backends
    # The same moment written at UTC+02:00: the change made at that moment is after one second before it.
    paris = (at - dt.timedelta(seconds=1)).astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    assert last["id"] in [c["id"] for c in all_items(writer, f"/api/v1/changes?since={quote(paris)}")]
    later = (at + dt.timedelta(seconds=1)).astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    assert last["id"] not in [c["id"] for c in all_items(writer, f"/api/v1/changes?since={quote(later)}")]


def test_changes_since_timestamp_and_bad_since(writer):
    assert all_items(writer, "/api/v1/changes?since=2999-01-01T00:00:00Z") == []
    assert_problem(writer.get("/api/v1/changes?since=yesterday"), 400, "since")


def test_failed_write_leaves_no_audit_entry(writer):
    before = len(all_items(writer, "/api/v1/changes"))
    response = writer.post("/api/v1/actors", json={**actor_body("never"), "citations": [{"quote": "nope"}]})
    assert_problem(response, 422)
    assert len(all_items(writer, "/api/v1/changes")) == before
