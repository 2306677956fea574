"""/api/v1/actors: listing, filtering, fetching, and an actor's positions."""

import json

from tests.conftest import (
    actor_body,
    make_actor,
)
from tests.helpers import all_items, assert_problem, first_write, recorded_statements, slugs


def test_list_actors_returns_every_kind_with_citations(client):
    actors = all_items(client, "/api/v1/actors")
    kinds = {a["kind"] for a in actors}
    assert {"person", "state", "coalition", "armed_force"} <= kinds
    assert all(a["citations"] for a in actors)


def test_get_actor_returns_aliases_parent_and_citations(client):
    body = client.get("/api/v1/actors/emmanuel-macron").get_json()
    assert body["name"] == "Emmanuel Macron"
    assert body["kind"] == "person"
    assert body["parent"] == {"slug": "france", "url": "/api/v1/actors/france"}
    assert "the French president" in body["aliases"]
    assert any(c["quote"] == "according to Emmanuel Macron" for c in body["citations"])


def test_get_actor_metonyms_are_aliases(client):
    assert "the Kremlin" in client.get("/api/v1/actors/kremlin").get_json()["aliases"]
    assert "Kyiv" in client.get("/api/v1/actors/ukraine").get_json()["aliases"]


def test_list_actors_filtered_by_kind(client):
    people = all_items(client, "/api/v1/actors?kind=person")
    assert set(slugs(people)) == {"emmanuel-macron", "volodymyr-zelensky", "vladimir-putin", "donald-trump"}


def test_list_actors_filtered_by_country(client):
    assert "emmanuel-macron" in slugs(all_items(client, "/api/v1/actors?country=FR"))
    assert "volodymyr-zelensky" not in slugs(all_items(client, "/api/v1/actors?country=FR"))


def test_list_actors_with_unknown_kind_is_400_naming_kind(client):
    assert_problem(client.get("/api/v1/actors?kind=wizard"), 400, "kind")


def test_get_unknown_actor_is_404_problem(client):
    body = assert_problem(client.get("/api/v1/actors/nobody"), 404)
    assert "nobody" in body["detail"]


def test_list_actor_positions_returns_only_that_actors(client):
    positions = all_items(client, "/api/v1/actors/volodymyr-zelensky/positions")
    assert positions and {p["holder"]["slug"] for p in positions} == {"volodymyr-zelensky"}


def test_list_actor_positions_filters_by_topic(client):
    positions = all_items(client, "/api/v1/actors/emmanuel-macron/positions?topic=sanctions")
    assert slugs(positions) == ["macron-sanctions-far-too-early"]


def test_list_positions_of_unknown_actor_is_404(client):
    assert_problem(client.get("/api/v1/actors/nobody/positions"), 404)


# Writing

def test_create_actor_returns_201_location_etag_and_verified_citation(writer):
    response = writer.post("/api/v1/actors", json=actor_body(
        parent="united-kingdom", aliases=["the British prime minister"],
        citations=[{"quote": "led by the British", "start": 4023}]))
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == body["url"]
    assert writer.get(body["url"]).headers["ETag"] == response.headers["ETag"]
    assert body["citations"][0] | {"start": 4023, "end": 4041} == body["citations"][0]
    assert body["parent"]["slug"] == "united-kingdom"


def test_create_with_json_declared_utf8_is_201(writer):
    body = actor_body(role="Premier ministre, élu en 2024")
    response = writer.post("/api/v1/actors", data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                           content_type="application/json; charset=utf-8")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["role"] == "Premier ministre, élu en 2024"


def test_create_with_non_verbatim_quote_is_422_naming_citation_and_writes_nothing(writer):
    actor = actor_body(citations=[{"quote": "led by the British", "start": 10}])
    response = writer.post("/api/v1/actors", json=actor)
    body = assert_problem(response, 422, "citations.0.quote")
    assert "not verbatim at 10" in body["errors"][0]["message"]
    assert writer.get(f"/api/v1/actors/{actor['slug']}").status_code == 404


def test_create_with_missing_and_unknown_fields_is_422_naming_each(writer):
    body = assert_problem(writer.post("/api/v1/actors", json={"slug": "x", "colour": "red"}), 422)
    named = {e["field"] for e in body["errors"]}
    assert {"name", "kind", "citations", "briefing", "colour"} <= named


def test_create_with_duplicate_slug_is_409(writer):
    actor = make_actor(writer)
    assert_problem(writer.post("/api/v1/actors", json=actor_body(slug=actor["slug"], name="Again")), 409)


def test_patch_actor_with_if_match_updates_and_returns_new_etag(writer):
    actor = make_actor(writer)
    etag = writer.get(actor["url"]).headers["ETag"]
    response = writer.patch(actor["url"], json={"role": "Prime Minister"}, headers={"If-Match": etag})
    assert response.status_code == 200 and response.get_json()["role"] == "Prime Minister"
    assert response.headers["ETag"] != etag
    assert writer.get(actor["url"]).headers["ETag"] == response.headers["ETag"]


def test_patch_with_bad_value_is_422_naming_field(writer):
    actor = make_actor(writer)
    etag = writer.get(actor["url"]).headers["ETag"]
    response = writer.patch(actor["url"], json={"kind": "wizard"}, headers={"If-Match": etag})
    assert_problem(response, 422, "kind")


def test_delete_actor_that_positions_refer_to_is_409(writer):
    body = assert_problem(writer.delete("/api/v1/actors/russia", headers={"If-Match": "*"}), 409)
    assert "positions" in body["detail"]
    assert writer.get("/api/v1/actors/russia").status_code == 200


def test_delete_actor_then_it_is_gone(writer):
    actor = make_actor(writer)
    etag = writer.get(actor["url"]).headers["ETag"]
    assert writer.delete(actor["url"], headers={"If-Match": etag}).status_code == 204
    assert_problem(writer.get(actor["url"]), 404)


def test_patch_citations_replaces_them_verified(writer):
    actor = make_actor(writer)
    etag = writer.get(actor["url"]).headers["ETag"]
    response = writer.patch(actor["url"], json={"citations": [{"quote": "Russian forces"}]},
                            headers={"If-Match": etag})
    body = assert_problem(response, 422, "citations.0.quote")
    assert "more than once" in body["errors"][0]["message"]
    response = writer.patch(actor["url"], json={"citations": [{"quote": "Russian forces", "start": 4507}]},
                            headers={"If-Match": etag})
    assert response.status_code == 200, response.get_json()
    assert [c["start"] for c in response.get_json()["citations"]] == [4507]


def test_a_delete_counts_what_refers_to_its_actor_after_taking_its_lock(writable_app, writer):
    # Counted before, a record added meanwhile that refers to the actor would be missed (or cascaded away).
    actor = make_actor(writer)
    with recorded_statements(writable_app) as statements:
        assert writer.delete(actor["url"], headers={"If-Match": "*"}).status_code == 204
    counts = [i for i, s in enumerate(statements) if s.lstrip().upper().startswith("SELECT COUNT(*)")]
    assert counts and min(counts) > first_write(statements), statements
