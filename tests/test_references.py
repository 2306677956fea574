"""Every reference is a Link (`{slug, url}`) whose url answers the record it names, and every span carries its
W3C Web Annotation selectors (issue 15 item 2)."""

from __future__ import annotations

import pytest

from service.models.citations import CONTEXT, context, selectors
from tests.helpers import BRIEFING, all_items

# collection -> {reference field: the collection of the record it names} (lists: every element is a Link)
REFERENCES = {
    "actors": {"parent": "actors"},
    "relations": {"subject": "actors", "object": "actors", "speaker": "actors", "reported_by": "actors"},
    "positions": {"holder": "actors", "about": "actors", "proposal": "proposals", "speaker": "actors",
                  "reported_by": "actors", "speaker_chain": "actors"},
    "aid-packages": {"donor": "actors", "recipient": "actors", "announced_by": "actors", "items": "aid-items",
                     "speaker": "actors"},
    "aid-items": {"package": "aid-packages", "donor": "actors", "recipient": "actors", "speaker": "actors"},
    "proposals": {"proposers": "actors", "speaker": "actors"},
    "events": {"participants": "actors", "speaker": "actors"},
    "briefings": {"documents": "documents"},
}
SPAN_FIELDS = ("citations", "quoted_words", "hedges", "quantities", "date_evidence")


def links(value) -> list[dict]:
    return [] if value is None else value if isinstance(value, list) else [value]


def spans_of(node):
    """Every span (an object with `start`, `end` and `quote`) anywhere in NODE."""
    if isinstance(node, dict):
        if {"start", "end", "quote"} <= set(node):
            yield node
        for value in node.values():
            yield from spans_of(value)
    elif isinstance(node, list):
        for value in node:
            yield from spans_of(value)


@pytest.fixture(scope="module")
def records(seeded_app) -> dict[str, list[dict]]:
    client = seeded_app.test_client()
    return {collection: all_items(client, f"/api/v1/{collection}?limit=500") for collection in REFERENCES}


@pytest.fixture(scope="module")
def texts(seeded_app) -> dict[str, str]:
    client = seeded_app.test_client()
    return {d["slug"]: client.get(d["url"]).get_json()["text"] for d in all_items(client, "/api/v1/documents")}


@pytest.mark.parametrize("collection", REFERENCES)
def test_list_references_are_links_whose_url_answers_the_record(client, records, collection):
    seen = {field: 0 for field in REFERENCES[collection]}
    answered: dict[str, dict] = {}
    for record in records[collection]:
        for field, target in REFERENCES[collection].items():
            for link in links(record[field]):
                assert set(link) == {"slug", "url"}, (record["slug"], field, link)
                assert link["url"] == f"/api/v1/{target}/{link['slug']}", (record["slug"], field)
                if link["url"] not in answered:
                    response = client.get(link["url"])
                    assert response.status_code == 200, link["url"]
                    answered[link["url"]] = response.get_json()
                assert answered[link["url"]]["slug"] == link["slug"]
                seen[field] += 1
    assert all(seen.values()), seen  # the seed has a reference of each kind


def test_get_position_conditions_link_their_proposal_and_event(client, records):
    conditions = [c for p in records["positions"] for c in p["conditions"]]
    assert any(c["proposal"] for c in conditions)
    for condition in conditions:
        for field, target in (("proposal", "proposals"), ("event", "events")):
            if condition[field] is not None:
                assert condition[field]["url"] == f"/api/v1/{target}/{condition[field]['slug']}"
                assert client.get(condition[field]["url"]).status_code == 200


def test_nullable_references_stay_null(records):
    assert any(p["about"] is None for p in records["positions"])
    assert any(i["package"] is None for i in records["aid-items"])
    assert any(a["parent"] is None for a in records["actors"])


@pytest.mark.parametrize("collection", ["actors", "relations", "positions", "aid-packages", "aid-items", "events"])
def test_list_fast_path_output_equals_the_item_view(client, records, collection):
    for record in records[collection]:
        assert client.get(record["url"]).get_json() == record


def test_spans_link_their_document_and_carry_both_selectors(records, texts):
    count = 0
    for items in records.values():
        for span in (s for record in items for s in spans_of(record)):
            document = span["document"]
            assert document == {"slug": document["slug"], "url": f"/api/v1/documents/{document['slug']}"}
            text = texts[document["slug"]]
            position, quote = span["selector"]
            assert position == {"type": "TextPositionSelector", "start": span["start"], "end": span["end"]}
            assert quote["type"] == "TextQuoteSelector"
            assert quote["exact"] == span["quote"] == text[span["start"]:span["end"]]
            assert quote["prefix"] == text[max(span["start"] - CONTEXT, 0):span["start"]]
            assert quote["suffix"] == text[span["end"]:span["end"] + CONTEXT]
            count += 1
    assert count > 300


def test_text_quote_selectors_anchor_each_span_in_the_document(records, texts):
    for items in records.values():
        for span in (s for record in items for s in spans_of(record)):
            quote = span["selector"][1]
            text = texts[span["document"]["slug"]]
            anchored = quote["prefix"] + quote["exact"] + quote["suffix"]
            found = text.find(anchored)
            assert found >= 0 and text.find(anchored, found + 1) == -1, span["url"]  # once, and only once
            assert found + len(quote["prefix"]) == span["start"]


def test_selectors_at_the_document_start_and_end_are_shorter():
    text = "Paris hosts the summit."
    assert context(text, 0, 5) == {"prefix": "", "suffix": " hosts the summit."}
    assert context(text, 16, 23) == {"prefix": "Paris hosts the ", "suffix": ""}
    long = "a" * 40 + "QUOTE" + "b" * 40
    assert context(long, 40, 45) == {"prefix": "a" * CONTEXT, "suffix": "b" * CONTEXT}
    assert selectors(0, 5, "Paris", "", " hosts") == [
        {"type": "TextPositionSelector", "start": 0, "end": 5},
        {"type": "TextQuoteSelector", "exact": "Paris", "prefix": "", "suffix": " hosts"}]


def test_written_citation_stores_its_context(writer, texts):
    from tests.conftest import unique

    text = texts["lemonde-2025-03-26-coalition-of-the-willing"]
    response = writer.post("/api/v1/actors", json={
        "briefing": BRIEFING, "slug": unique("actor"), "name": "Someone", "kind": "person",
        "citations": [{"quote": text[2:30], "start": 2}]})
    assert response.status_code == 201, response.get_json()
    [span] = response.get_json()["citations"]
    assert (span["start"], span["end"]) == (2, 30)
    assert span["selector"][1] == {"type": "TextQuoteSelector", "exact": text[2:30], "prefix": text[:2],
                                   "suffix": text[30:62]}
    assert writer.get(response.get_json()["url"]).get_json()["citations"] == [span]


def test_composed_briefing_references_are_links_and_spans_carry_selectors(client, texts):
    briefing = client.get(f"/api/v1/briefings/{BRIEFING}").get_json()
    assert [d["url"] for d in briefing["documents"]] == [f"/api/v1/documents/{d['slug']}" for d in
                                                         briefing["documents"]]
    entry = briefing["stance_matrix"]["rows"][0]["cells"][0]["positions"][0]
    assert entry["position"] == {"slug": entry["slug"], "url": f"/api/v1/positions/{entry['slug']}"}
    holder = entry["holder"]
    assert holder["url"] == f"/api/v1/actors/{holder['slug']}" and {"name", "kind"} <= set(holder)
    assert client.get(holder["url"]).get_json()["name"] == holder["name"]
    spans = list(spans_of(briefing))
    assert len(spans) > 100
    for span in spans:
        text = texts[span["document"]["slug"]]
        assert span["selector"][1]["exact"] == text[span["start"]:span["end"]]
        assert span["selector"][1]["prefix"] == text[max(span["start"] - CONTEXT, 0):span["start"]]


def test_changes_entries_link_the_record_written(client):
    entries = client.get("/api/v1/changes?limit=50").get_json()["items"]
    assert entries
    for entry in entries:
        record = entry["record"]
        assert record["url"] == f"/api/v1/{entry['resource']}/{record['slug']}"
        assert client.get(record["url"]).status_code == 200
