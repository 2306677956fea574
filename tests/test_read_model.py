"""The read model: each listed record's stored body is what its list serves, kept current by every write, so a
rebuild (`flask bodies rebuild`) after any sequence of API writes changes nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select, update

from service.extensions import db
from service.models import Record, RecordBody
from service.read_model import bodies
from tests.conftest import unique
from tests.helpers import BRIEFING, OUTLET, recorded_statements, said_by

LISTS = ("actors", "positions", "proposals", "events", "aid-packages", "aid-items", "relations")


def stored(app) -> dict[int, str | None]:
    """Every listed record's stored body, by id."""
    kinds = [model.__mapper__.polymorphic_identity for model in bodies()]
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.execute(select(Record.id, RecordBody.body).outerjoin(RecordBody, RecordBody.id == Record.id)
                            .where(Record.type.in_(kinds))).all()
    return dict(rows)


def rebuild(app, *args: str) -> str:
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["bodies", "rebuild", *args])
    assert result.exit_code == 0, result.output
    return result.output


def created(response) -> dict:
    assert response.status_code == 201, response.get_json()
    return response.get_json() | {"etag": response.headers["ETag"]}


def etag(writer, record: dict) -> str:
    """The record's ETag now (a record's representation may show others written since)."""
    return writer.get(record["url"]).headers["ETag"]


def patched(writer, record: dict, changes: dict) -> dict:
    response = writer.patch(record["url"], json=changes, headers={"If-Match": etag(writer, record)})
    assert response.status_code == 200, response.get_json()
    return response.get_json() | {"etag": response.headers["ETag"]}


def deleted(writer, record: dict) -> None:
    response = writer.delete(record["url"], headers={"If-Match": etag(writer, record)})
    assert response.status_code == 204, response.get_data(as_text=True)


def write_everything(writer) -> dict[str, dict]:
    """Create, patch, rename and delete records of every listed kind, with records that show each other."""
    made: dict[str, dict] = {}
    made["actor"] = created(writer.post("/api/v1/actors", json={
        "briefing": BRIEFING, "slug": unique("actor"), "name": "Keir Starmer", "kind": "person",
        "parent": "united-kingdom", "aliases": ["the British prime minister"],
        "citations": [{"quote": "led by the British"}]}))
    actor = made["actor"]["slug"]
    made["child"] = created(writer.post("/api/v1/actors", json={
        "briefing": BRIEFING, "slug": unique("child"), "name": "Aide", "kind": "person", "parent": actor,
        "citations": [{"quote": "led by the British"}]}))
    made["proposal"] = created(writer.post("/api/v1/proposals", json={
        "briefing": BRIEFING, "slug": unique("prop"), "name": "Backstop", "kind": "security_guarantee",
        "description": "A US backstop.", "status": "floated", "proposers": [actor], **OUTLET,
        "attributes": [{"key": "obstacle", "value": "The US refuses.", **said_by(actor, "refuses"),
                        "citations": [{"quote": "the US refuses to provide the slightest"}]}],
        "citations": [{"quote": "the slightest security backstop"}]}))
    made["event"] = created(writer.post("/api/v1/events", json={
        "briefing": BRIEFING, "slug": unique("event"), "date": "2025-03-27", "name": "Summit",
        "status": "scheduled", "date_precision": "day", "date_provenance": "stated", **OUTLET,
        "date_evidence": [{"quote": "on Thursday, March 27"}],
        "participants": [actor, "emmanuel-macron"], "citations": [{"quote": "on Thursday, March 27"}]}))
    made["position"] = created(writer.post("/api/v1/positions", json={
        "briefing": BRIEFING, "slug": unique("pos"), "holder": actor, "topic": "reassurance_force",
        "stance": "demands", "summary": "Europeans demand a US backstop.", "proposal": made["proposal"]["slug"],
        **said_by(actor, "urgent demands from Europeans"),
        "conditions": [{"slug": unique("cond"), "description": "In the event of a direct confrontation.",
                        "proposal": made["proposal"]["slug"], "event": made["event"]["slug"],
                        **said_by(actor, "urgent demands from Europeans"),
                        "citations": [{"quote": "in the event of a direct confrontation"}]}],
        "citations": [{"quote": "urgent demands from Europeans, led by the British"}]}))
    made["package"] = created(writer.post("/api/v1/aid-packages", json={
        "briefing": BRIEFING, "slug": unique("pkg"), "donor": actor, "recipient": "ukraine",
        "amount": "2000000000", "currency": "EUR", **said_by(actor, "President Macron announced"),
        "citations": [{"quote": "worth €2 billion"}]}))
    made["item"] = created(writer.post("/api/v1/aid-items", json={
        "package": made["package"]["slug"], "slug": unique("item"), "category": "drone",
        "description": "Drones", "status": "announced", **said_by(actor, "detailed Macron"),
        "citations": [{"quote": "and drones"}]}))
    made["other_item"] = created(writer.post("/api/v1/aid-items", json={
        "package": made["package"]["slug"], "slug": unique("item"), "category": "missile",
        "description": "Missiles", "status": "announced", **OUTLET, "citations": [{"quote": "and drones"}]}))
    made["relation"] = created(writer.post("/api/v1/relations", json={
        "briefing": BRIEFING, "slug": unique("rel"), "subject": actor, "predicate": "leads",
        "object": "coalition-of-the-willing", **OUTLET, "citations": [{"quote": "led by the British"}]}))

    # Renames: every record showing one by its Link shows the new slug.
    made["actor"] = patched(writer, made["actor"], {"slug": unique("renamed"), "role": "Prime minister"})
    made["proposal"] = patched(writer, made["proposal"], {"slug": unique("renamed-prop")})
    made["event"] = patched(writer, made["event"], {"slug": unique("renamed-event"), "place": "Paris"})
    made["package"] = patched(writer, made["package"], {"slug": unique("renamed-pkg"), "donor": "france"})
    made["item"] = patched(writer, made["item"], {"slug": unique("renamed-item"), "quantity": 3})
    made["position"] = patched(writer, made["position"], {"slug": unique("renamed-pos"), "stance": "urges"})
    made["relation"] = patched(writer, made["relation"], {"predicate": "hosts"})
    deleted(writer, made.pop("other_item"))
    deleted(writer, made.pop("child"))
    return made


def test_rebuild_after_api_writes_changes_no_body(writable_app, writer):
    made = write_everything(writer)
    before = stored(writable_app)
    assert None not in before.values()
    assert "rendered" in rebuild(writable_app)
    assert stored(writable_app) == before
    actor = made["actor"]["slug"]
    for name in ("position", "package", "item", "relation", "event", "proposal"):
        assert writer.get(made[name]["url"]).status_code == 200
    assert writer.get(f"/api/v1/positions?holder={actor}").get_json()["items"][0]["holder"]["slug"] == actor


def test_list_items_are_the_stored_bodies(writable_app, writer):
    write_everything(writer)

    bodies_by_id = stored(writable_app)
    for collection in LISTS:
        url = f"/api/v1/{collection}?limit=500"
        while url:
            page = writer.get(url, headers={"Cache-Control": "no-cache"}).get_json()
            for item in page["items"]:
                assert json.loads(bodies_by_id[item["id"]]) == item, collection
            url = page["next"]


def test_rebuild_repairs_a_body_changed_in_raw_sql(writable_app, writer):
    made = write_everything(writer)
    before = stored(writable_app)
    with writable_app.app_context():
        db.session.execute(update(RecordBody).where(RecordBody.id == made["position"]["id"]).values(body="{}"))
        db.session.commit()
    assert stored(writable_app)[made["position"]["id"]] == "{}"
    rebuild(writable_app)
    assert stored(writable_app) == before


def test_rebuild_missing_renders_only_the_missing_bodies(writable_app, writer):
    made = write_everything(writer)
    before = stored(writable_app)
    with writable_app.app_context():
        db.session.execute(delete(RecordBody).where(RecordBody.id == made["item"]["id"]))
        db.session.commit()
    assert rebuild(writable_app, "--missing").strip().endswith("bodies: 1 rendered")
    assert stored(writable_app) == before


def test_an_included_record_without_a_body_is_included_all_the_same(writable_app, writer):
    """include= of a record written by raw SQL (no body until a rebuild) renders it, and serves the same page."""
    position = write_everything(writer)["position"]
    url = f"/api/v1/positions?holder={position['holder']['slug']}&include=holder,proposal"
    served = writer.get(url, headers={"Cache-Control": "no-cache"}).get_json()
    with writable_app.app_context():
        holder = db.session.scalar(select(Record.id).join(RecordBody, RecordBody.id == Record.id)
                                   .where(Record.id == served["items"][0]["included"]["holder"]["id"]))
        db.session.execute(delete(RecordBody).where(RecordBody.id == holder))
        db.session.commit()
    again = writer.get(url, headers={"Cache-Control": "no-cache"})
    assert again.status_code == 200 and again.get_json() == served


def test_a_record_without_a_body_is_listed_all_the_same(writable_app, writer):
    """A record written by raw SQL has no body until a rebuild: its list renders it, and serves the same item."""
    item = write_everything(writer)["item"]
    url = f"/api/v1/aid-items?package={item['package']['slug']}"
    served = writer.get(url, headers={"Cache-Control": "no-cache"}).get_json()
    with writable_app.app_context():
        db.session.execute(delete(RecordBody).where(RecordBody.id == item["id"]))
        db.session.commit()
    assert item["id"] not in stored(writable_app) or stored(writable_app)[item["id"]] is None
    again = writer.get(url, headers={"Cache-Control": "no-cache"})
    assert again.status_code == 200 and again.get_json() == served
    assert any(each["id"] == item["id"] for each in served["items"])
def urls(limit: int) -> list[str]:
    return [*(f"/api/v1/{collection}?limit={limit}" for collection in LISTS),
            f"/api/v1/positions?limit={limit}&include=holder,proposal",
            f"/api/v1/aid-items?limit={limit}&include=package,donor",
            f"/api/v1/events?limit={limit}&include=participants",
            f"/api/v1/positions?limit={limit}&fields=slug,holder"]


def test_list_statements_do_not_grow_with_the_page_size(app, client):
    counts = {}
    for limit in (1, 100):
        with recorded_statements(app) as seen:
            for url in urls(limit):
                assert client.get(url, headers={"Cache-Control": "no-cache"}).status_code == 200, url
        counts[limit] = len(seen)
    assert counts[1] == counts[100]


def _showing(writer, kind: str, slug: str) -> None:
    """One more record whose body shows the KIND record SLUG by its Link."""
    if kind == "aid-packages":
        created(writer.post("/api/v1/aid-items", json={
            "package": slug, "slug": unique("item"), "category": "drone", "description": "Drones",
            "status": "announced", **OUTLET, "citations": [{"quote": "and drones"}]}))
        return
    holder = slug if kind == "actors" else "france"
    position = {"briefing": BRIEFING, "slug": unique("pos"), "holder": holder, "topic": "reassurance_force",
                "stance": "demands", "summary": "A position.", **said_by(holder, "urgent demands from Europeans"),
                "citations": [{"quote": "urgent demands from Europeans, led by the British"}]}
    if kind == "proposals":
        position["proposal"] = slug
    elif kind == "events":  # shown by a condition, inside its position's body
        position["conditions"] = [{"slug": unique("cond"), "description": "If it happens.", "event": slug,
                                   **OUTLET, "citations": [{"quote": "in the event of a direct confrontation"}]}]
    created(writer.post("/api/v1/positions", json=position))


RENAMED = {
    "actors": {"briefing": BRIEFING, "name": "Keir Starmer", "kind": "person",
               "citations": [{"quote": "led by the British"}]},
    "proposals": {"briefing": BRIEFING, "name": "Backstop", "kind": "security_guarantee",
                  "description": "A US backstop.", "status": "floated", **OUTLET,
                  "citations": [{"quote": "the slightest security backstop"}]},
    "events": {"briefing": BRIEFING, "date": "2025-03-27", "name": "Summit", "status": "scheduled",
               "date_precision": "day", "date_provenance": "stated", **OUTLET,
               "date_evidence": [{"quote": "on Thursday, March 27"}],
               "citations": [{"quote": "on Thursday, March 27"}]},
    "aid-packages": {"briefing": BRIEFING, "donor": "france", "recipient": "ukraine", "amount": "2000000000",
                     "currency": "EUR", **OUTLET, "citations": [{"quote": "worth €2 billion"}]},
}


@pytest.mark.parametrize("kind", sorted(RENAMED))
def test_rename_with_dependents_stores_fresh_bodies_in_statements_not_growing_with_them(writable_app, writer, kind):
    """A rename replaces the record's Link in the bodies that show it in as many statements for 1 of those as
    for 4, and leaves every body as a fresh render would."""
    rebuild(writable_app, "--missing")  # other tests leave records written by raw SQL without a body
    counts = {}
    for dependents in (1, 4):
        record = created(writer.post(f"/api/v1/{kind}", json={"slug": unique("renamed"), **RENAMED[kind]}))
        for _ in range(dependents):
            _showing(writer, kind, record["slug"])
        tag = etag(writer, record)
        new = unique("renamed")
        with recorded_statements(writable_app) as seen:
            response = writer.patch(record["url"], json={"slug": new}, headers={"If-Match": tag})
        assert response.status_code == 200, response.get_json()
        counts[dependents] = len(seen)
        before = stored(writable_app)
        assert sum(f'"slug":"{new}"' in body for body in before.values() if body) == dependents + 1
        assert sum(f'"slug":"{record["slug"]}"' in body for body in before.values() if body) == 0
        rebuild(writable_app)
        assert stored(writable_app) == before
    assert counts[1] == counts[4]
