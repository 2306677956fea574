"""One addressing scheme: every record lives at its slug URL; a numeric id URL is a 308 to it; errors name `body`."""

import pytest

from tests.helpers import BRIEFING, all_items, assert_problem, slugs

# The collections whose records were addressed by numeric id before issue 15, and their model's name in messages.
BY_ID = ("positions", "aid-packages", "aid-items", "events")
COLLECTIONS = (*BY_ID, "actors")


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_every_record_answers_at_its_slug_url_with_the_list_body(client, collection):
    items = all_items(client, f"/api/v1/{collection}")
    assert items
    for item in items:
        assert item["url"] == f"/api/v1/{collection}/{item['slug']}"
        response = client.get(item["url"])
        assert response.status_code == 200, item["url"]
        assert response.get_json() == item


@pytest.mark.parametrize("collection", BY_ID)
def test_numeric_id_url_is_a_permanent_redirect_to_the_slug_url(client, collection):
    item = client.get(f"/api/v1/{collection}?limit=1").get_json()["items"][0]
    response = client.get(f"/api/v1/{collection}/{item['id']}")
    assert response.status_code == 308
    assert response.headers["Location"] == item["url"]
    assert response.get_data() == b""
    followed = client.get(f"/api/v1/{collection}/{item['id']}", follow_redirects=True)
    assert followed.status_code == 200 and followed.get_json() == item


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_writes_to_a_numeric_id_url_are_redirected_with_308(writer, method):
    item = writer.get("/api/v1/events?limit=1").get_json()["items"][0]
    response = getattr(writer, method)(f"/api/v1/events/{item['id']}", json={}, headers={"If-Match": "*"})
    assert response.status_code == 308
    assert response.headers["Location"] == item["url"]
    assert writer.get(item["url"]).get_json() == item  # the redirect itself changes nothing


@pytest.mark.parametrize("collection", BY_ID)
def test_unknown_numeric_id_and_unknown_slug_are_404_problems(client, collection):
    assert_problem(client.get(f"/api/v1/{collection}/2147483000"), 404)
    body = assert_problem(client.get(f"/api/v1/{collection}/no-such-record"), 404)
    assert "no-such-record" in body["detail"]


def test_an_all_digit_slug_is_refused(writer):
    response = writer.post("/api/v1/actors", json={
        "briefing": BRIEFING, "slug": "2025", "name": "Keir Starmer", "kind": "person",
        "citations": [{"quote": "led by the British"}]})
    body = assert_problem(response, 422, "slug")
    assert [e["message"] for e in body["errors"] if e["field"] == "slug"] == ["Not a lowercase kebab-case slug."]


@pytest.mark.parametrize("payload", ["[]", "[1, 2]", '"actor"', "42", "null", "true"])
def test_a_body_that_is_not_an_object_is_422_naming_body(writer, payload):
    response = writer.post("/api/v1/actors", data=payload, content_type="application/json")
    body = assert_problem(response, 422, "body")
    assert body["errors"] == [{"location": "json", "field": "body", "message": "The body must be a JSON object."}]


def test_a_body_that_is_not_json_is_400_naming_body(writer):
    response = writer.post("/api/v1/actors", data="{not json", content_type="application/json")
    assert_problem(response, 400, "body")


def test_a_nested_object_that_is_not_an_object_names_its_field(writer):
    response = writer.post("/api/v1/actors", json={
        "briefing": BRIEFING, "slug": "keir-starmer-x", "name": "Keir Starmer", "kind": "person",
        "citations": ["led by the British"]})
    body = assert_problem(response, 422, "citations.0")
    assert not [e for e in body["errors"] if "_" in e["field"].split(".") or "_schema" in e["field"]]


def _links(node, path=""):
    """Every (path, url) of an object in NODE carrying a `url` (the composed briefing's records and references)."""
    if isinstance(node, dict):
        if isinstance(node.get("url"), str) and node["url"].startswith("/api/v1/"):
            yield path, node["url"]
        for key, value in node.items():
            yield from _links(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _links(value, f"{path}.{i}")


def test_every_record_of_the_composed_briefing_carries_id_slug_and_a_url_that_answers(client):
    briefing = client.get(f"/api/v1/briefings/{BRIEFING}").get_json()
    assert briefing["id"] > 0 and briefing["url"] == f"/api/v1/briefings/{BRIEFING}"
    records = [*briefing["timeline"], *(a for g in briefing["whos_who"] for a in g["actors"]),
               *briefing["aid_packages"], *(i for p in briefing["aid_packages"] for i in p["items"]),
               *briefing["other_aid"], *briefing["proposals"], *briefing["sources"],
               *(p for row in briefing["stance_matrix"]["rows"] for cell in row["cells"] for p in cell["positions"])]
    for collection, named in (("events", briefing["timeline"]), ("aid-packages", briefing["aid_packages"]),
                              ("proposals", briefing["proposals"])):
        assert {r["slug"] for r in named} == set(slugs(all_items(client, f"/api/v1/{collection}"))), collection
    for record in records:
        assert isinstance(record["id"], int) and record["slug"], record
        assert record["url"].endswith(f"/{record['slug']}"), record["url"]
    links = dict(_links(briefing))
    assert len(links) > len(records)  # the actor references (speaker, holder, donor ...) are links too
    for url in set(links.values()):
        assert client.get(url).status_code == 200, url
    by_url = {record["url"]: record for record in records if "/documents/" not in record["url"]}
    for url, record in list(by_url.items())[:40]:  # the record served at its URL is the one the briefing names
        served = client.get(url).get_json()
        assert (served["id"], served["slug"]) == (record["id"], record["slug"])


def test_documents_and_briefings_carry_id_url_and_the_source_url(client):
    for collection in ("documents", "briefings"):
        for item in all_items(client, f"/api/v1/{collection}"):
            assert isinstance(item["id"], int)
            assert item["url"] == f"/api/v1/{collection}/{item['slug']}"
            assert client.get(item["url"]).status_code == 200
    document = client.get("/api/v1/documents?limit=1").get_json()["items"][0]
    assert "source_url" in document and not (document["source_url"] or "").startswith("/api/")
    assert {k: v for k, v in client.get(document["url"]).get_json().items() if k != "text"} == document


def _spans(node):
    """Every span object (a citation, cue, hedge, date evidence ...) in NODE: it has document, start, end, quote."""
    if isinstance(node, dict):
        if {"document", "start", "end", "quote"} <= set(node):
            yield node
        for value in node.values():
            yield from _spans(value)
    elif isinstance(node, list):
        for value in node:
            yield from _spans(value)


@pytest.mark.parametrize("url", [f"/api/v1/briefings/{BRIEFING}", "/api/v1/positions?limit=500",
                                 "/api/v1/events?limit=500", "/api/v1/aid-items?limit=500"])
def test_every_span_links_to_its_place_in_the_document_view(client, url):
    spans = list(_spans(client.get(url).get_json()))
    assert len(spans) > 20
    texts = {}
    for span in spans:
        assert span["url"] == f"/api/v1/documents/{span['document']['slug']}#span-{span['start']}-{span['end']}"
        path = span["url"].split("#")[0]
        texts.setdefault(path, client.get(path).get_json()["text"])
        assert texts[path][span["start"]:span["end"]] == span["quote"]
