"""One addressing scheme: every record lives at its slug URL; a numeric id URL is a 308 to it; errors name `body`."""

import pytest

from tests.helpers import BRIEFING, all_items, assert_problem

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


def test_redirect_keeps_the_query_string(client):
    item = client.get("/api/v1/positions?limit=1").get_json()["items"][0]
    response = client.get(f"/api/v1/positions/{item['id']}?fields=slug")
    assert response.status_code == 308
    assert response.headers["Location"] == f"{item['url']}?fields=slug"


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
