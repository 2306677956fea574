"""References stay inside their briefing: a record refers only to the actors, packages, proposals, events and
documents of its own briefing (a 422 naming the field otherwise), so no write can break a composed briefing."""

from __future__ import annotations

import pytest

from tests.conftest import unique
from tests.helpers import BRIEFING, assert_problem

DOCUMENT = "lemonde-2025-03-26-coalition-of-the-willing"
QUOTE = {"quote": "led by the British"}


@pytest.fixture()
def other(writer) -> dict:
    """A second briefing on the seed's document, with its own outlet actor (slugs `briefing`, `outlet`)."""
    briefing = unique("second-briefing")
    created = writer.post("/api/v1/briefings", json={"slug": briefing, "name": "Second", "summary": "S.",
                                                     "documents": [DOCUMENT]})
    assert created.status_code == 201, created.get_json()
    outlet = unique("outlet")
    actor = writer.post("/api/v1/actors", json={"briefing": briefing, "slug": outlet, "name": "Le Monde",
                                                "kind": "outlet", "citations": [QUOTE]})
    assert actor.status_code == 201, actor.get_json()
    return {"briefing": briefing, "outlet": outlet}


def seed_slug(writer, resource: str) -> str:
    return writer.get(f"/api/v1/{resource}?limit=1&sort=slug").get_json()["items"][0]["slug"]


def local_claim(other: dict) -> dict:
    """A claim of the second briefing in its outlet's own voice: every reference local."""
    return {"briefing": other["briefing"], "speaker": other["outlet"], "speech": "outlet", "citations": [QUOTE]}


def cross_writes(writer, other: dict) -> list[tuple[str, dict, str]]:
    """(collection, body, field) of records of the second briefing, each with one reference to the seed's."""
    claim, outlet = local_claim(other), other["outlet"]
    event, package = seed_slug(writer, "events"), seed_slug(writer, "aid-packages")
    position = {**claim, "slug": unique("pos"), "holder": outlet, "topic": "aid", "stance": "supports",
                "summary": "S.", "cue": QUOTE}
    condition = {**claim, "slug": unique("cond"), "description": "If.", "proposal": None, "event": None}
    del condition["briefing"]
    package_body = {**claim, "slug": unique("pkg"), "donor": outlet, "recipient": outlet}
    item = {**claim, "slug": unique("item"), "category": "drone", "description": "D.", "status": "announced",
            "donor": outlet, "recipient": outlet}
    return [
        ("actors", {"briefing": other["briefing"], "slug": unique("a"), "name": "A", "kind": "person",
                    "parent": "united-kingdom", "citations": [QUOTE]}, "parent"),
        ("positions", {**position, "holder": "france"}, "holder"),
        ("positions", {**position, "about": "russia"}, "about"),
        ("positions", {**position, "proposal": "reassurance-force"}, "proposal"),
        ("positions", {**position, "speaker": "le-monde"}, "speaker"),
        ("positions", {**position, "speech": "reported", "reported_by": "le-monde"}, "reported_by"),
        ("positions", {**position, "conditions": [{**condition, "proposal": "reassurance-force"}]},
         "conditions.0.proposal"),
        ("positions", {**position, "conditions": [{**condition, "event": event}]}, "conditions.0.event"),
        ("aid-packages", {**package_body, "donor": "france"}, "donor"),
        ("aid-packages", {**package_body, "announced_by": "emmanuel-macron"}, "announced_by"),
        ("aid-items", {**item, "recipient": "ukraine"}, "recipient"),
        ("aid-items", {key: value for key, value in {**item, "package": package}.items()
                       if key not in ("donor", "recipient")}, "package"),
        ("proposals", {**claim, "slug": unique("prop"), "name": "P", "kind": "other", "description": "D.",
                       "status": "floated", "proposers": [outlet, "france"]}, "proposers.1"),
        ("events", {**claim, "slug": unique("ev"), "date": None, "name": "T", "status": "hypothetical",
                    "date_precision": "unknown", "date_provenance": "unstated",
                    "participants": ["emmanuel-macron"]}, "participants.0"),
    ]


def test_create_record_referring_to_another_briefing_is_422_naming_field_and_writes_nothing(writer, other):
    before = writer.get("/api/v1/changes?limit=500").get_json()["items"]
    for collection, body, field in cross_writes(writer, other):
        response = writer.post(f"/api/v1/{collection}", json=body)
        problem = assert_problem(response, 422, field)
        assert "another briefing" in str(problem["errors"]), (collection, field, problem)
    assert writer.get("/api/v1/changes?limit=500").get_json()["items"] == before


def test_create_record_referring_from_the_seed_to_another_briefing_is_422(writer, other):
    response = writer.post("/api/v1/actors", json={"briefing": BRIEFING, "slug": unique("a"), "name": "A",
                                                   "kind": "person", "parent": other["outlet"],
                                                   "citations": [QUOTE]})
    assert_problem(response, 422, "parent")


def test_patch_record_to_refer_to_another_briefing_is_422(writer, other):
    url = f"/api/v1/actors/{other['outlet']}"
    response = writer.patch(url, json={"parent": "france"}, headers={"If-Match": writer.get(url).headers["ETag"]})
    assert_problem(response, 422, "parent")
    assert writer.get(url).get_json()["parent"] is None


def test_cite_document_the_briefing_does_not_hold_is_422_and_attaches_nothing(writer, other):
    slug = unique("doc")
    assert writer.post("/api/v1/documents", json={"slug": slug, "name": "A note", "language": "en",
                                                  "text": "The ministers met."}).status_code == 201
    response = writer.post("/api/v1/actors", json={
        "briefing": other["briefing"], "slug": unique("a"), "name": "A", "kind": "person",
        "citations": [QUOTE, {"document": slug, "quote": "The ministers"}]})
    body = assert_problem(response, 422, "citations.1.document")
    assert "PATCH of the briefing" in str(body["errors"])
    assert writer.get(f"/api/v1/briefings/{other['briefing']}").get_json()["documents"] == [
        {"slug": DOCUMENT, "url": f"/api/v1/documents/{DOCUMENT}"}]


def test_patch_briefing_documents_dropping_a_cited_one_is_422(writer, other):
    url = f"/api/v1/briefings/{other['briefing']}"
    response = writer.patch(url, json={"documents": []}, headers={"If-Match": writer.get(url).headers["ETag"]})
    assert_problem(response, 422, "documents")


@pytest.mark.parametrize("accept", ["application/json", "text/html", "text/markdown"])
def test_get_briefings_after_refused_cross_references_is_200(writer, other, accept):
    for collection, body, _ in cross_writes(writer, other):
        writer.post(f"/api/v1/{collection}", json=body)
    for slug in (BRIEFING, other["briefing"]):
        assert writer.get(f"/api/v1/briefings/{slug}", headers={"Accept": accept}).status_code == 200
