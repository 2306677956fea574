"""List pages and exports are dumped by compiled schemas: byte for byte what marshmallow's Schema.dump gives."""

import pytest

from service.resources import listing
from service.resources.dumping import compile_schema
from service.resources.positions import PositionSchema

# Computed afresh, never replayed from the response cache.
COMPUTE = {"Cache-Control": "no-cache"}
URLS = [
    "/api/v1/actors?limit=500",
    "/api/v1/actors?limit=500&fields=slug,aliases,citations",
    "/api/v1/actors/emmanuel-macron/positions?include=proposal,reported_by",
    "/api/v1/actors/emmanuel-macron/relations",
    "/api/v1/positions?limit=500",
    "/api/v1/positions?limit=500&include=holder,reported_by,proposal&sort=-date",
    "/api/v1/positions?limit=500&fields=id,conditions,citations",
    "/api/v1/aid-items?limit=500",
    "/api/v1/aid-items?limit=500&include=package,donor",
    "/api/v1/aid-items?limit=500&include=donor&sort=-quantity",
    "/api/v1/aid-packages?limit=500",
    "/api/v1/events?limit=500",
    "/api/v1/events?limit=500&include=participants",
    "/api/v1/proposals?limit=500",
    "/api/v1/search?q=Ukraine&limit=500",
    "/api/v1/positions/export?format=csv",
    "/api/v1/aid-packages/export?format=ndjson",
]


def marshmallow_dumper(schema_class, only=None):
    schema = schema_class(only=only)
    return schema.dump


def both_ways(client, monkeypatch, url):
    compiled = client.get(url, headers=COMPUTE)
    compiled.get_data()  # a streamed export is read to the end before the next request
    monkeypatch.setattr(listing, "dumper", marshmallow_dumper)
    reference = client.get(url, headers=COMPUTE)
    reference.get_data()
    monkeypatch.undo()
    return compiled, reference


@pytest.mark.parametrize("url", URLS)
def test_list_page_equals_marshmallow_dump(client, monkeypatch, url):
    compiled, reference = both_ways(client, monkeypatch, url)
    assert compiled.status_code == reference.status_code == 200
    assert len(compiled.data) > 200, compiled.data  # real records, not an empty page
    assert compiled.data == reference.data


def test_list_changes_equals_marshmallow_dump(writer, monkeypatch):
    created = writer.post("/api/v1/actors", json={
        "briefing": "coalition-of-the-willing-paris-2025", "slug": "dumping-test-starmer", "name": "Keir Starmer",
        "kind": "person", "citations": [{"quote": "led by the British"}]})
    assert created.status_code in (201, 409), created.get_json()  # 409: the backend's second run
    compiled, reference = both_ways(writer, monkeypatch, "/api/v1/changes?limit=500")
    assert compiled.status_code == 200 and compiled.get_json()["items"]
    assert compiled.data == reference.data


def test_compiled_dump_omits_missing_attributes_like_marshmallow():
    class Partial:
        id, slug = 7, "partial"

    assert compile_schema(PositionSchema(only=("id", "slug", "topic")))(Partial()) == {"id": 7, "slug": "partial"}
    assert PositionSchema(only=("id", "slug", "topic")).dump(Partial()) == {"id": 7, "slug": "partial"}
