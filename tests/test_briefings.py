"""/api/v1/briefings and /api/v1/documents: what a briefing draws on, the verbatim source."""



import hashlib

from tests.conftest import (
    BRIEFING,
    SOURCE_FILE,
    briefing_body,
    document_body,
    make_actor,
    make_briefing,
    make_document,
)
from tests.helpers import all_items, assert_problem, slugs


def test_list_briefings_returns_the_seeded_briefing(client):
    assert slugs(all_items(client, "/api/v1/briefings")) == [BRIEFING]


def test_get_briefing_names_its_documents(client):
    body = client.get(f"/api/v1/briefings/{BRIEFING}").get_json()
    assert [d["slug"] for d in body["documents"]] == ["lemonde-2025-03-26-coalition-of-the-willing"]
    assert "coalition of the willing" in body["summary"]


def test_get_unknown_briefing_is_404(client):
    assert_problem(client.get("/api/v1/briefings/nope"), 404)


def test_list_documents_omits_text(client):
    [document] = all_items(client, "/api/v1/documents")
    assert "text" not in document
    assert document["publisher"] == "Le Monde"
    assert document["original_language"] == "fr"


def test_get_document_text_is_byte_identical_to_the_seed(client):
    body = client.get("/api/v1/documents/lemonde-2025-03-26-coalition-of-the-willing").get_json()
    raw = SOURCE_FILE.read_bytes()
    assert body["text"] == raw.decode("utf-8")
    assert body["sha256"] == hashlib.sha256(raw).hexdigest()
    assert body["length"] == len(body["text"])


def test_get_unknown_document_is_404(client):
    assert_problem(client.get("/api/v1/documents/nope"), 404)


# Writing

def test_post_document_then_cite_it(writer):
    text = "On Friday, the ministers met in London. They agreed on nothing."
    document = make_document(writer, text=text)
    slug = document["slug"]
    assert document["text"] == text and document["length"] == len(text)
    briefing = make_briefing(writer, documents=[slug])["slug"]
    actor = make_actor(writer, briefing=briefing, citations=[{"document": slug, "quote": "the ministers"}])
    document = {"slug": slug, "url": f"/api/v1/documents/{slug}"}
    assert actor["citations"][0] | {"document": document, "start": 11} == actor["citations"][0]
    assert_problem(writer.delete(f"/api/v1/documents/{slug}", headers={"If-Match": "*"}), 409)


def test_document_text_is_immutable(writer):
    assert_problem(writer.patch("/api/v1/documents/lemonde-2025-03-26-coalition-of-the-willing",
                                json={"text": "rewritten"}, headers={"If-Match": "*"}), 405)


def test_post_document_with_taken_slug_is_409(writer):
    body = document_body(slug="lemonde-2025-03-26-coalition-of-the-willing")
    assert_problem(writer.post("/api/v1/documents", json=body), 409)


def test_briefing_create_patch_delete(writer):
    body = briefing_body()
    created = writer.post("/api/v1/briefings", json=body)
    assert created.status_code == 201, created.get_json()
    url = f"/api/v1/briefings/{body['slug']}"
    assert created.headers["ETag"] == writer.get(url).headers["ETag"]
    patched = writer.patch(url, json={"name": "Renamed"}, headers={"If-Match": created.headers["ETag"]})
    assert patched.status_code == 200 and patched.get_json()["name"] == "Renamed"
    assert writer.delete(url, headers={"If-Match": patched.headers["ETag"]}).status_code == 204


def test_delete_briefing_with_records_is_409(writer):
    body = assert_problem(writer.delete(f"/api/v1/briefings/{BRIEFING}", headers={"If-Match": "*"}), 409)
    assert "records" in body["detail"]
