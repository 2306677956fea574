"""Writing: every resource's POST/PATCH/DELETE, verified citations, references, and conflicts."""

import json
import uuid

import pytest

from tests.helpers import OUTLET, assert_problem, said_by

BRIEFING = "coalition-of-the-willing-paris-2025"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def new_actor(writer, **extra) -> dict:
    body = {"briefing": BRIEFING, "slug": unique("actor"), "name": "Keir Starmer", "kind": "person",
            "citations": [{"quote": "led by the British"}], **extra}
    response = writer.post("/api/v1/actors", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_create_actor_returns_201_location_etag_and_verified_citation(writer):
    response = writer.post("/api/v1/actors", json={
        "briefing": BRIEFING, "slug": unique("starmer"), "name": "Keir Starmer", "kind": "person",
        "parent": "united-kingdom", "aliases": ["the British prime minister"],
        "citations": [{"quote": "led by the British", "start": 4023}]})
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == body["url"]
    assert writer.get(body["url"]).headers["ETag"] == response.headers["ETag"]
    assert body["citations"][0] | {"start": 4023, "end": 4041} == body["citations"][0]
    assert body["parent"]["slug"] == "united-kingdom"


def test_create_with_json_declared_utf8_is_201(writer):
    body = {"briefing": BRIEFING, "slug": unique("starmer"), "name": "Keir Starmer", "kind": "person",
            "role": "Premier ministre, élu en 2024", "citations": [{"quote": "led by the British"}]}
    response = writer.post("/api/v1/actors", data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                           content_type="application/json; charset=utf-8")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["role"] == "Premier ministre, élu en 2024"


def test_create_position_with_condition(writer):
    actor = new_actor(writer)
    response = writer.post("/api/v1/positions", json={
        "briefing": BRIEFING, "slug": unique("pos"), "holder": actor["slug"], "topic": "reassurance_force",
        "stance": "demands", "summary": "Europeans, led by the British, demand a US backstop.",
        "proposal": "us-security-backstop", **said_by(actor["slug"], "urgent demands from Europeans"),
        "conditions": [{"slug": unique("cond"), "description": "In the event of a direct confrontation.",
                        **said_by(actor["slug"], "urgent demands from Europeans"),
                        "citations": [{"quote": "in the event of a direct confrontation"}]}],
        "citations": [{"quote": "urgent demands from Europeans, led by the British"}]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["holder"]["slug"] == actor["slug"] and body["proposal"]["slug"] == "us-security-backstop"
    assert [s["slug"] for s in body["speaker_chain"]] == [actor["slug"], "le-monde"]
    assert body["conditions"][0]["citations"][0]["quote"].startswith("in the event")


def test_create_aid_package_then_item(writer):
    package = writer.post("/api/v1/aid-packages", json={
        "briefing": BRIEFING, "slug": unique("pkg"), "donor": "france", "recipient": "ukraine",
        "amount": "2000000000", "currency": "EUR", **said_by("emmanuel-macron", "President Macron announced"),
        "citations": [{"quote": "worth €2 billion"}]})
    assert package.status_code == 201, package.get_json()
    item = writer.post("/api/v1/aid-items", json={
        "package": package.get_json()["slug"], "slug": unique("item"), "system": "Mistral",
        "category": "surface-to-air missile", "description": "Mistral missiles", "status": "announced",
        **said_by("emmanuel-macron", "detailed Macron"),
        "citations": [{"quote": "Mistral ground-to-air defense missiles"}]})
    assert item.status_code == 201, item.get_json()
    assert item.get_json()["donor"]["slug"] == "france"
    assert writer.get(package.get_json()["url"]).get_json()["items"] == [
        {"slug": item.get_json()["slug"], "url": item.get_json()["url"]}]


def test_create_proposal_with_attribute_and_event(writer):
    proposal = writer.post("/api/v1/proposals", json={
        "briefing": BRIEFING, "slug": unique("prop"), "name": "Backstop", "kind": "security_guarantee",
        "description": "A US backstop.", "status": "rejected", "proposers": ["europeans"], **OUTLET,
        "attributes": [{"key": "obstacle", "value": "The US refuses.", **said_by("united-states", "refuses"),
                        "citations": [{"quote": "the US refuses to provide the slightest"}]}],
        "citations": [{"quote": "the slightest security backstop"}]})
    assert proposal.status_code == 201, proposal.get_json()
    assert proposal.get_json()["attributes"][0]["key"] == "obstacle"
    event = writer.post("/api/v1/events", json={
        "briefing": BRIEFING, "slug": unique("event"), "date": "2025-03-27", "name": "Summit",
        "status": "scheduled", "date_precision": "day", "date_provenance": "stated", **OUTLET,
        "date_evidence": [{"quote": "on Thursday, March 27"}],
        "participants": ["emmanuel-macron"], "citations": [{"quote": "on Thursday, March 27"}]})
    assert event.status_code == 201, event.get_json()
    assert [a["slug"] for a in event.get_json()["participants"]] == ["emmanuel-macron"]


def test_create_with_non_verbatim_quote_is_422_naming_citation_and_writes_nothing(writer):
    slug = unique("liar")
    response = writer.post("/api/v1/actors", json={
        "briefing": BRIEFING, "slug": slug, "name": "X", "kind": "person",
        "citations": [{"quote": "led by the British", "start": 10}]})
    body = assert_problem(response, 422, "citations.0.quote")
    assert "not verbatim at 10" in body["errors"][0]["message"]
    assert writer.get(f"/api/v1/actors/{slug}").status_code == 404


def test_create_with_unknown_reference_is_422_naming_field(writer):
    response = writer.post("/api/v1/events", json={
        "briefing": BRIEFING, "slug": unique("e"), "date": None, "date_precision": "unknown",
        "date_provenance": "unstated", "name": "T", "status": "hypothetical", **OUTLET,
        "participants": ["emmanuel-macron", "nobody"], "citations": [{"quote": "on Thursday, March 27"}]})
    assert_problem(response, 422, "participants.1")


def test_create_with_missing_and_unknown_fields_is_422_naming_each(writer):
    body = assert_problem(writer.post("/api/v1/actors", json={"slug": "x", "colour": "red"}), 422)
    named = {e["field"] for e in body["errors"]}
    assert {"name", "kind", "citations", "briefing", "colour"} <= named


def test_create_with_duplicate_slug_is_409(writer):
    actor = new_actor(writer)
    response = writer.post("/api/v1/actors", json={
        "briefing": BRIEFING, "slug": actor["slug"], "name": "Again", "kind": "person",
        "citations": [{"quote": "led by the British"}]})
    assert_problem(response, 409)


def test_patch_actor_with_if_match_updates_and_returns_new_etag(writer):
    actor = new_actor(writer)
    etag = writer.get(actor["url"]).headers["ETag"]
    response = writer.patch(actor["url"], json={"role": "Prime Minister"}, headers={"If-Match": etag})
    assert response.status_code == 200 and response.get_json()["role"] == "Prime Minister"
    assert response.headers["ETag"] != etag
    assert writer.get(actor["url"]).headers["ETag"] == response.headers["ETag"]


def test_patch_without_if_match_is_428(writer):
    actor = new_actor(writer)
    assert_problem(writer.patch(actor["url"], json={"role": "x"}), 428)


def test_patch_with_stale_etag_is_412_and_changes_nothing(writer):
    actor = new_actor(writer)
    etag = writer.get(actor["url"]).headers["ETag"]
    assert writer.patch(actor["url"], json={"role": "first"}, headers={"If-Match": etag}).status_code == 200
    assert_problem(writer.patch(actor["url"], json={"role": "second"}, headers={"If-Match": etag}), 412)
    assert writer.get(actor["url"]).get_json()["role"] == "first"


def test_patch_with_bad_value_is_422_naming_field(writer):
    actor = new_actor(writer)
    etag = writer.get(actor["url"]).headers["ETag"]
    response = writer.patch(actor["url"], json={"kind": "wizard"}, headers={"If-Match": etag})
    assert_problem(response, 422, "kind")


def test_delete_actor_that_positions_refer_to_is_409(writer):
    body = assert_problem(writer.delete("/api/v1/actors/russia", headers={"If-Match": "*"}), 409)
    assert "positions" in body["detail"]
    assert writer.get("/api/v1/actors/russia").status_code == 200


def test_delete_actor_then_it_is_gone(writer):
    actor = new_actor(writer)
    etag = writer.get(actor["url"]).headers["ETag"]
    assert writer.delete(actor["url"], headers={"If-Match": etag}).status_code == 204
    assert_problem(writer.get(actor["url"]), 404)


def test_delete_aid_package_with_items_is_409(writer):
    package = writer.get("/api/v1/aid-packages?donor=france&limit=1").get_json()["items"][0]
    assert_problem(writer.delete(package["url"], headers={"If-Match": "*"}), 409)


@pytest.mark.parametrize("url", ["/api/v1/positions/999999", "/api/v1/actors/nobody"])
def test_patch_unknown_record_is_404(writer, url):
    assert_problem(writer.patch(url, json={}, headers={"If-Match": "*"}), 404)


def _create_each(writer) -> dict[str, dict]:
    """One fresh record of every writable resource, keyed by resource."""
    actor = new_actor(writer)
    made = {"actors": actor}
    made["proposals"] = writer.post("/api/v1/proposals", json={
        "briefing": BRIEFING, "slug": unique("prop"), "name": "P", "kind": "other", "description": "D",
        "status": "floated", **OUTLET, "citations": [{"quote": "the slightest security backstop"}]}).get_json()
    made["positions"] = writer.post("/api/v1/positions", json={
        "briefing": BRIEFING, "slug": unique("pos"), "holder": actor["slug"], "topic": "security_guarantees",
        "stance": "demands", "summary": "S", **said_by(actor["slug"], "urgent demands from Europeans"),
        "citations": [{"quote": "urgent demands from Europeans"}]}).get_json()
    made["aid-packages"] = writer.post("/api/v1/aid-packages", json={
        "briefing": BRIEFING, "slug": unique("pkg"), "donor": "france", "recipient": "ukraine", **OUTLET,
        "citations": [{"quote": "worth €2 billion"}]}).get_json()
    made["aid-items"] = writer.post("/api/v1/aid-items", json={
        "package": made["aid-packages"]["slug"], "slug": unique("item"), "category": "drone",
        "description": "Drones", "status": "announced", **said_by("emmanuel-macron", "detailed Macron"),
        "citations": [{"quote": "and drones"}]}).get_json()
    made["events"] = writer.post("/api/v1/events", json={
        "briefing": BRIEFING, "slug": unique("ev"), "date": "2025-02-28", "name": "Call", "status": "happened",
        "date_precision": "day", "date_provenance": "inferred", "date_reasoning": "February 28 before March.",
        **OUTLET, "citations": [{"quote": "on February 28"}]}).get_json()
    return made


PATCHES = {"actors": {"role": "Envoy"}, "proposals": {"status": "rejected"}, "positions": {"stance": "urges"},
           "aid-packages": {"currency": "EUR"}, "aid-items": {"quantity": 3}, "events": {"place": "Paris"}}
DELETE_ORDER = ["aid-items", "aid-packages", "positions", "proposals", "events", "actors"]


def test_every_resource_round_trips_create_patch_delete(writer):
    made = _create_each(writer)
    for resource, record in made.items():
        assert "url" in record, (resource, record)
        etag = writer.get(record["url"]).headers["ETag"]
        response = writer.patch(record["url"], json=PATCHES[resource], headers={"If-Match": etag})
        assert response.status_code == 200, (resource, response.get_json())
        field, value = next(iter(PATCHES[resource].items()))
        assert response.get_json()[field] == value
    for resource in DELETE_ORDER:
        url = made[resource]["url"]
        etag = writer.get(url).headers["ETag"]
        assert writer.delete(url, headers={"If-Match": etag}).status_code == 204, resource
        assert writer.get(url).status_code == 404


def test_patch_citations_replaces_them_verified(writer):
    actor = new_actor(writer)
    etag = writer.get(actor["url"]).headers["ETag"]
    response = writer.patch(actor["url"], json={"citations": [{"quote": "Russian forces"}]},
                            headers={"If-Match": etag})
    body = assert_problem(response, 422, "citations.0.quote")
    assert "more than once" in body["errors"][0]["message"]
    response = writer.patch(actor["url"], json={"citations": [{"quote": "Russian forces", "start": 4507}]},
                            headers={"If-Match": etag})
    assert response.status_code == 200, response.get_json()
    assert [c["start"] for c in response.get_json()["citations"]] == [4507]


def test_delete_proposal_with_positions_is_409(writer):
    assert_problem(writer.delete("/api/v1/proposals/reassurance-force", headers={"If-Match": "*"}), 409)


def test_post_document_then_cite_it(writer):
    slug = unique("doc")
    text = "On Friday, the ministers met in London. They agreed on nothing."
    response = writer.post("/api/v1/documents", json={
        "slug": slug, "name": "A note", "publisher": "Desk", "language": "en", "text": text})
    assert response.status_code == 201, response.get_json()
    document = response.get_json()
    assert document["text"] == text and document["length"] == len(text)
    briefing = unique("briefing")
    assert writer.post("/api/v1/briefings", json={"slug": briefing, "name": "Notes", "summary": "S.",
                                                  "documents": [slug]}).status_code == 201
    actor = new_actor(writer, briefing=briefing, citations=[{"document": slug, "quote": "the ministers"}])
    document = {"slug": slug, "url": f"/api/v1/documents/{slug}"}
    assert actor["citations"][0] | {"document": document, "start": 11} == actor["citations"][0]
    assert_problem(writer.delete(f"/api/v1/documents/{slug}", headers={"If-Match": "*"}), 409)


def test_document_text_is_immutable(writer):
    assert_problem(writer.patch("/api/v1/documents/lemonde-2025-03-26-coalition-of-the-willing",
                                json={"text": "rewritten"}, headers={"If-Match": "*"}), 405)


def test_post_document_with_taken_slug_is_409(writer):
    response = writer.post("/api/v1/documents", json={
        "slug": "lemonde-2025-03-26-coalition-of-the-willing", "name": "T", "language": "en", "text": "x"})
    assert_problem(response, 409)


def test_briefing_create_patch_delete(writer):
    slug = unique("briefing")
    created = writer.post("/api/v1/briefings", json={
        "slug": slug, "name": "Second briefing", "summary": "A test briefing.",
        "documents": ["lemonde-2025-03-26-coalition-of-the-willing"]})
    assert created.status_code == 201, created.get_json()
    url = f"/api/v1/briefings/{slug}"
    assert created.headers["ETag"] == writer.get(url).headers["ETag"]
    patched = writer.patch(url, json={"name": "Renamed"}, headers={"If-Match": created.headers["ETag"]})
    assert patched.status_code == 200 and patched.get_json()["name"] == "Renamed"
    assert writer.delete(url, headers={"If-Match": patched.headers["ETag"]}).status_code == 204


def test_delete_briefing_with_records_is_409(writer):
    body = assert_problem(writer.delete(f"/api/v1/briefings/{BRIEFING}", headers={"If-Match": "*"}), 409)
    assert "records" in body["detail"]
