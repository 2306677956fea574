"""/relations: list with filters, item by slug, and writes like every record (auth, If-Match, 422s, feed)."""

import uuid

from tests.conftest import relation_body
from tests.helpers import all_items, assert_problem

BRIEFING = "coalition-of-the-willing-paris-2025"


def changes_count(client) -> int:
    return len(all_items(client, "/api/v1/changes?since=0&limit=100"))


def test_list_filters_by_subject_object_and_predicate(client):
    items = all_items(client, "/api/v1/relations?object=coalition-of-the-willing")
    assert items and all(r["object"]["slug"] == "coalition-of-the-willing" for r in items)
    assert {r["slug"] for r in items} >= {"france-co-hosts-coalition-summit", "uk-co-hosts-coalition-summit"}
    assert all(r["subject"]["slug"] == "france" for r in all_items(client, "/api/v1/relations?subject=france"))
    hosts = all_items(client, "/api/v1/relations?predicate=co_hosts")
    assert hosts and {r["predicate"] for r in hosts} == {"co_hosts"}
    assert_problem(client.get("/api/v1/relations?predicate=likes"), 400, "predicate")
    item = client.get("/api/v1/relations/france-co-hosts-coalition-summit")
    assert item.status_code == 200 and item.get_json()["subject"]["slug"] == "france"
    assert item.get_json()["url"] == "/api/v1/relations/france-co-hosts-coalition-summit"
    assert_problem(client.get("/api/v1/relations/no-such-relation"), 404)


def test_create_patch_delete_relation_each_in_the_feed(writer):
    since = changes_count(writer)
    created = writer.post("/api/v1/relations", json=relation_body())
    assert created.status_code == 201, created.get_json()
    url = created.headers["Location"]
    assert writer.get(url).get_json() == created.get_json()
    patched = writer.patch(url, json={"predicate": "leads", "object": "coalition-of-the-willing"},
                           headers={"If-Match": created.headers["ETag"]})
    assert patched.status_code == 200, patched.get_json()
    assert (patched.get_json()["predicate"], patched.get_json()["object"]["slug"]) == (
        "leads", "coalition-of-the-willing")
    assert_problem(writer.patch(url, json={"predicate": "hosts"}, headers={"If-Match": created.headers["ETag"]}),
                   412)
    assert writer.get(url).get_json()["predicate"] == "leads"
    assert writer.delete(url, headers={"If-Match": patched.headers["ETag"]}).status_code == 204
    assert writer.get(url).status_code == 404
    feed = all_items(writer, "/api/v1/changes?since=0&resource=relations&limit=100")[-3:]
    assert [c["action"] for c in feed] == ["create", "update", "delete"]
    assert feed[0]["after"] == created.get_json() and feed[1]["after"] == patched.get_json()
    assert feed[2]["after"] is None and changes_count(writer) == since + 3


def test_bad_relations_are_422_naming_the_field_and_write_nothing(writer):
    since = changes_count(writer)
    assert_problem(writer.post("/api/v1/relations", json=relation_body(subject="boris-johnson")), 422, "subject")
    assert_problem(writer.post("/api/v1/relations", json=relation_body(predicate="likes")), 422, "predicate")
    assert_problem(writer.post("/api/v1/relations", json=relation_body(citations=[{"quote": "not in the text"}])),
                   422, "citations.0.quote")
    body = {k: v for k, v in relation_body().items() if k != "object"}
    assert_problem(writer.post("/api/v1/relations", json=body), 422, "object")
    other = f"b-{uuid.uuid4().hex[:8]}"
    assert writer.post("/api/v1/briefings", json={"slug": other, "name": "T", "summary": "S.", "documents": [
        "lemonde-2025-03-26-coalition-of-the-willing"]}).status_code == 201
    since += 1
    assert_problem(writer.post("/api/v1/relations", json=relation_body(briefing=other)), 422, "subject")
    assert_problem(writer.patch("/api/v1/relations/france-co-hosts-coalition-summit", json={"predicate": "x"},
                                headers={"If-Match": "*"}), 422, "predicate")
    assert changes_count(writer) == since


def test_relation_writes_need_the_write_token(writable_app, tokens):
    anonymous = writable_app.test_client()
    assert_problem(anonymous.post("/api/v1/relations", json=relation_body()), 401)
    assert_problem(anonymous.delete("/api/v1/relations/france-co-hosts-coalition-summit",
                                    headers={"If-Match": "*"}), 401)
    reader = writable_app.test_client()
    reader.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['read']}"
    assert_problem(reader.post("/api/v1/relations", json=relation_body()), 403)
    assert_problem(reader.patch("/api/v1/relations/france-co-hosts-coalition-summit", json={"predicate": "leads"},
                                headers={"If-Match": "*"}), 403)
    assert anonymous.get("/api/v1/relations/france-co-hosts-coalition-summit").get_json()["predicate"] == "co_hosts"


def test_relation_post_is_idempotent_with_a_key(writer):
    body, key = relation_body(), {"Idempotency-Key": uuid.uuid4().hex}
    first = writer.post("/api/v1/relations", json=body, headers=key)
    again = writer.post("/api/v1/relations", json=body, headers=key)
    assert first.status_code == again.status_code == 201 and first.get_json() == again.get_json()
    assert len([r for r in all_items(writer, "/api/v1/relations?subject=emmanuel-macron")
                if r["slug"] == body["slug"]]) == 1
