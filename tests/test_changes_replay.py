"""The changes feed from the start: replaying GET /api/v1/changes from since=0 (each record's last body, a
deletion removing it) rebuilds what every collection serves, after the seed load and after API writes."""

from __future__ import annotations

import uuid

import pytest
import yaml

from service.resources import feed
from service.seeding.reader import SEED_FILE_NAME
from tests.conftest import make_app
from tests.helpers import OUTLET, all_items

BRIEFING = "coalition-of-the-willing-paris-2025"
DOCUMENT = "lemonde-2025-03-26-coalition-of-the-willing"


@pytest.fixture()
def fresh(backend, databases):
    app = make_app(databases.new(backend))
    result = app.test_cli_runner().invoke(args=["seed", "load"])
    assert result.exit_code == 0, result.output
    return app


def replayed(client) -> dict[tuple[str, str], dict]:
    state: dict[tuple[str, str], dict | None] = {}
    for change in all_items(client, "/api/v1/changes?since=0"):
        state[(change["resource"], change["record"]["slug"])] = change["after"]
        assert (change["after"] is None) == (change["action"] == "delete"), change
    return {key: body for key, body in state.items() if body is not None}


def served(app, client, resources: list[str]) -> dict[tuple[str, str], dict]:
    """Every item of every collection, as a GET of its URL returns it."""
    by_name = {spec.resource: spec for spec in feed.specs()}
    found = {}
    for resource in resources:
        spec = by_name[resource]
        for item in all_items(client, f"/api/v1/{resource}"):
            key = str(item[spec.key])
            response = client.get(spec.url.format(**{spec.key: key}))
            assert response.status_code == 200, (resource, key)
            found[(resource, key)] = response.get_json()
    return found


def changes_count(client) -> int:
    return len(all_items(client, "/api/v1/changes?since=0"))


def test_seed_load_writes_its_creations_and_replay_rebuilds_every_collection(fresh):
    client = fresh.test_client()
    resources = [spec.resource for spec in feed.specs()]
    assert set(resources) >= {"documents", "briefings", "actors", "positions", "aid-packages", "aid-items",
                              "proposals", "events"}
    state = replayed(client)
    assert state == served(fresh, client, resources)
    changes = all_items(client, "/api/v1/changes?since=0")
    assert {c["principal"] for c in changes} == {"seed"} and {c["action"] for c in changes} == {"create"}
    # A document comes before the briefing that holds it, an actor before the position that names it.
    order = [c["resource"] for c in changes]
    assert order.index("documents") < order.index("briefings") and order.index("actors") < order.index("positions")

    # Re-loading the unchanged seed writes nothing new.
    before = changes_count(client)
    result = fresh.test_cli_runner().invoke(args=["seed", "load"])
    assert result.exit_code == 0, result.output
    assert changes_count(client) == before


def test_changed_seed_writes_its_updates_and_deletions(backend, databases, seed_copy):
    app = make_app(databases.new(backend))
    runner, client = app.test_cli_runner(), app.test_client()
    assert runner.invoke(args=["seed", "load", str(seed_copy)]).exit_code == 0
    count = changes_count(client)
    seed_file = seed_copy / SEED_FILE_NAME
    data = yaml.safe_load(seed_file.read_text())
    text = seed_file.read_text()
    free = [e for e in data["events"] if text.count(e["slug"]) == 1]  # an event nothing refers to
    data["events"].remove(free[-1])
    gone = free[-1]["slug"]
    data["actors"][0]["role"] = "A changed role"  # (the loader reads the seed with its defaults)
    changed_actor = data["actors"][0]["slug"]
    seed_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    result = runner.invoke(args=["seed", "load", str(seed_copy)])
    assert result.exit_code == 0, result.output
    new = all_items(client, f"/api/v1/changes?since={count}")
    assert ("update", "actors", changed_actor) in {(c["action"], c["resource"], c["record"]["slug"]) for c in new}
    deleted = [c for c in new if c["action"] == "delete"]
    assert [c["resource"] for c in deleted] == ["events"] and deleted[0]["before"]["slug"] == gone
    resources = [spec.resource for spec in feed.specs()]
    assert replayed(client) == served(app, client, resources)


def test_api_writes_and_a_document_attach_are_in_the_feed(fresh):
    result = fresh.test_cli_runner().invoke(args=["tokens", "create", "replayer", "--scope", "write"])
    assert result.exit_code == 0, result.output
    writer = fresh.test_client()
    writer.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {result.output.strip().splitlines()[-1]}"
    tag = uuid.uuid4().hex[:8]

    doc = writer.post("/api/v1/documents", json={"slug": f"doc-{tag}", "name": "A note", "publisher": "Desk",
                                                 "language": "en", "text": "The ministers met in London."})
    assert doc.status_code == 201, doc.get_json()
    briefing = writer.post("/api/v1/briefings", json={"slug": f"b-{tag}", "name": "T", "summary": "S.",
                                                      "documents": [DOCUMENT]})
    assert briefing.status_code == 201, briefing.get_json()
    url = f"/api/v1/briefings/b-{tag}"
    attached = writer.patch(url, json={"documents": [DOCUMENT, f"doc-{tag}"]},
                            headers={"If-Match": briefing.headers["ETag"]})
    assert attached.status_code == 200, attached.get_json()
    actor = writer.post("/api/v1/actors", json={"briefing": BRIEFING, "slug": f"a-{tag}", "name": "Keir Starmer",
                                                "kind": "person", "citations": [{"quote": "led by the British"}]})
    assert actor.status_code == 201, actor.get_json()
    actor_url = actor.headers["Location"]
    patched = writer.patch(actor_url, json={"role": "Envoy"}, headers={"If-Match": actor.headers["ETag"]})
    assert patched.status_code == 200, patched.get_json()
    event = writer.post("/api/v1/events", json={
        "briefing": BRIEFING, "slug": f"ev-{tag}", "date": "2025-02-28", "name": "Call", "status": "happened",
        "date_precision": "day", "date_provenance": "inferred", "date_reasoning": "February 28 before March.",
        **OUTLET, "citations": [{"quote": "on February 28"}]})
    assert event.status_code == 201, event.get_json()
    assert writer.delete(event.headers["Location"], headers={"If-Match": event.headers["ETag"]}).status_code == 204
    assert writer.delete(actor_url, headers={"If-Match": patched.headers["ETag"]}).status_code == 204

    changes = all_items(writer, "/api/v1/changes?since=0")
    attach = [c for c in changes if c["resource"] == "briefings" and c["record"]["slug"] == f"b-{tag}"
              and c["action"] == "update"]
    assert len(attach) == 1 and attach[0]["after"] == attached.get_json()
    assert attach[0]["principal"] == "replayer"

    # Every collection but the composed briefings (whose bodies embed their records) replays exactly ...
    resources = [spec.resource for spec in feed.specs() if spec.resource != "briefings"]
    state = {k: v for k, v in replayed(writer).items() if k[0] != "briefings"}
    assert state == served(fresh, writer, resources)
    assert ("actors", f"a-{tag}") not in state
    # ... and a backfill now finds only the composed briefings out of date: every other write was in the feed.
    count = len(changes)
    result = fresh.test_cli_runner().invoke(args=["changes", "backfill"])
    assert result.exit_code == 0, result.output
    backfilled = all_items(writer, f"/api/v1/changes?since={changes[-1]['id']}")
    assert len(backfilled) == changes_count(writer) - count
    assert {c["resource"] for c in backfilled} <= {"briefings"}
    assert replayed(writer) == served(fresh, writer, [spec.resource for spec in feed.specs()])


def test_backfill_fills_a_feed_that_lacks_the_records(fresh):
    from service.extensions import db
    from service.models import Change

    with fresh.app_context():
        db.session.query(Change).delete()
        db.session.commit()
    client = fresh.test_client()
    assert changes_count(client) == 0
    result = fresh.test_cli_runner().invoke(args=["changes", "backfill"])
    assert result.exit_code == 0, result.output
    assert replayed(client) == served(fresh, client, [spec.resource for spec in feed.specs()])
    again = fresh.test_cli_runner().invoke(args=["changes", "backfill"])
    assert "0 entries written" in again.output
