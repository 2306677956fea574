"""/api/v1/actors: listing, filtering, fetching, and an actor's positions."""

from tests.helpers import all_items, assert_problem, slugs


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
