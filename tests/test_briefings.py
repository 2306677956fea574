"""/api/v1/briefings and /api/v1/documents: what a briefing draws on, the verbatim source."""

import hashlib

from tests.conftest import SOURCE_FILE
from tests.helpers import all_items, assert_problem, slugs

BRIEFING = "coalition-of-the-willing-paris-2025"


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
