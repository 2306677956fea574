"""Input the databases cannot hold is a 4xx naming it, alike on SQLite and PostgreSQL, and nothing is written:
strings past their column, NUL characters, tampered cursors, out-of-range ids, 5,000-digit integers, deep JSON,
cycles of parents, patterns with a trailing newline, lists past their bound, formulas in CSV cells."""

from __future__ import annotations

import base64
import csv
import io
import json
import uuid

import marshmallow as ma
import pytest

from service.seeding import schema as seed_schema
from service.validation import MAX_ITEMS, MAX_SPANS
from tests.helpers import BRIEFING, all_items, assert_problem

QUOTE = {"quote": "led by the British"}
HUGE = "1" * 5000


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def actor(**extra) -> dict:
    return {"briefing": BRIEFING, "slug": unique("actor"), "name": "A", "kind": "person", "citations": [QUOTE],
            **extra}


def changes(writer) -> list:
    return all_items(writer, "/api/v1/changes?limit=500")


def cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_create_actor_with_name_longer_than_its_column_is_422_naming_name(writer):
    assert_problem(writer.post("/api/v1/actors", json=actor(name="n" * 301)), 422, "name")


def test_create_actor_with_fields_at_their_column_length_is_201(writer):
    response = writer.post("/api/v1/actors", json=actor(name="n" * 300, role="r" * 300, aliases=["a" * 300]))
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "Ann\u0000"}, "name"),
    ({"aliases": ["ok", "b\u0000d"]}, "aliases.1"),
    ({"provenance": [{"field": "role", "basis": "inferred", "reasoning": "r\u0000"}]}, "provenance.0.reasoning"),
    ({"na\u0000me": "x"}, "na\\u0000me"),
])
def test_create_actor_with_nul_character_is_422_naming_field_and_writes_nothing(writer, body, field):
    before = changes(writer)
    assert_problem(writer.post("/api/v1/actors", json=actor(**body)), 422, field)
    assert changes(writer) == before


@pytest.mark.parametrize(("url", "location", "field"), [
    ("/api/v1/actors/franc%00e", "path", "slug"),
    ("/api/v1/positions?speaker=le-monde%00", "query", "speaker"),
    ("/api/v1/search?q=macron%00", "query", "q"),
])
def test_get_with_nul_in_url_is_400_naming_parameter(client, url, location, field):
    body = assert_problem(client.get(url), 400, field)
    assert body["errors"][0]["location"] == location


@pytest.mark.parametrize("payload", [
    {"s": "", "v": [], "id": 10**30},
    {"s": "", "v": [], "id": True},
    {"s": "slug", "v": [{"nested": [1, 2]}], "id": 1},
    {"s": "slug", "v": [10**30], "id": 1},
    {"s": "-date", "v": [None], "id": 1},
    {"s": "slug", "v": ["a\u0000"], "id": 1},
])
def test_list_with_tampered_cursor_is_400_naming_cursor(client, payload):
    sort = f"sort={payload['s']}&" if payload["s"] else ""
    assert_problem(client.get(f"/api/v1/positions?{sort}cursor={cursor(payload)}"), 400, "cursor")


@pytest.mark.parametrize("payload", [{"s": "quantity", "v": [10**12], "id": 1}, {"s": "quantity", "v": ["x"], "id": 1},
                                     {"s": "quantity", "v": [1.5], "id": 1}])
def test_list_with_cursor_of_wrong_integer_is_400_naming_cursor(client, payload):
    assert_problem(client.get(f"/api/v1/aid-items?sort=quantity&cursor={cursor(payload)}"), 400, "cursor")


def test_list_pages_sorted_by_a_column_with_nulls_are_200(client):
    items = all_items(client, "/api/v1/aid-items?sort=quantity&limit=2")
    assert len(items) == len(all_items(client, "/api/v1/aid-items?limit=500"))


def test_list_with_deeply_nested_cursor_is_400_naming_cursor(client):
    deep = base64.urlsafe_b64encode(b"[" * 1100 + b"]" * 1100).decode()  # past the recursion limit
    assert_problem(client.get(f"/api/v1/positions?cursor={deep}"), 400, "cursor")


# 4,000 digits: int() converts them, and the longest request target (4,094 bytes) holds them.
@pytest.mark.parametrize("since", ["2147483648", "9" * 4000, "\u00b2", "0001-01-01T00:00:00+05:00"])
def test_list_changes_since_out_of_range_is_400_naming_since(client, since):
    assert_problem(client.get("/api/v1/changes", query_string={"since": since}), 400, "since")


@pytest.mark.parametrize(("raw", "field"), [
    (f'"citations": [{{"quote": "led by the British", "start": {HUGE}}}]', "citations.0.start"),
    (f'"name": {HUGE}, "citations": [{{"quote": "led by the British"}}]', "name"),
])
def test_create_with_integer_of_5000_digits_is_422_naming_field(writer, raw, field):
    body = f'{{"briefing": "{BRIEFING}", "slug": "{unique("a")}", "kind": "person", ' + \
        ('"name": "A", ' if field != "name" else "") + raw + "}"
    assert_problem(writer.post("/api/v1/actors", data=body, content_type="application/json"), 422, field)


def test_create_aid_item_with_quantity_beyond_its_column_is_422_naming_quantity(writer):
    package = writer.get("/api/v1/aid-packages?limit=1").get_json()["items"][0]["slug"]
    response = writer.post("/api/v1/aid-items", json={
        "package": package, "slug": unique("item"), "category": "drone", "description": "D.", "status": "announced",
        "quantity": 2**31, "speaker": "le-monde", "speech": "outlet", "citations": [{"quote": "and drones"}]})
    assert_problem(response, 422, "quantity")


def test_create_with_json_nested_1000_deep_is_400(writer):
    body = '{"briefing": "' + BRIEFING + '", "name": ' + "[" * 1000 + "]" * 1000 + "}"
    assert_problem(writer.post("/api/v1/actors", data=body, content_type="application/json"), 400)


def test_patch_actor_to_be_its_own_parent_is_422_naming_parent(writer):
    made = writer.post("/api/v1/actors", json=actor()).get_json()
    etag = writer.get(made["url"]).headers["ETag"]
    assert_problem(writer.patch(made["url"], json={"parent": made["slug"]}, headers={"If-Match": etag}), 422,
                   "parent")


def test_patch_actor_into_a_cycle_of_parents_is_422_naming_parent(writer):
    top = writer.post("/api/v1/actors", json=actor()).get_json()
    child = writer.post("/api/v1/actors", json=actor(parent=top["slug"])).get_json()
    etag = writer.get(top["url"]).headers["ETag"]
    assert_problem(writer.patch(top["url"], json={"parent": child["slug"]}, headers={"If-Match": etag}), 422,
                   "parent")
    assert writer.get(top["url"]).get_json()["parent"] is None


@pytest.mark.parametrize(("body", "field"), [({"slug": "starmer\n"}, "slug"), ({"country": "GB\n"}, "country")])
def test_create_actor_with_trailing_newline_in_a_pattern_is_422_naming_field(writer, body, field):
    assert_problem(writer.post("/api/v1/actors", json=actor(**body)), 422, field)


def test_list_with_trailing_newline_in_a_pattern_is_400_naming_it(client):
    assert_problem(client.get("/api/v1/positions", query_string={"topic": "aid\n"}), 400, "topic")


def test_seed_schema_refuses_slug_and_topic_with_trailing_newline():
    with pytest.raises(ma.ValidationError) as raised:
        seed_schema.PositionIn().load({"slug": "x\n", "holder": "a", "speaker": "a", "speech": "outlet",
                                       "topic": "aid\n", "stance": "supports", "summary": "S.", "citations": [QUOTE]})
    assert {"slug", "topic"} <= set(raised.value.messages)


@pytest.mark.parametrize(("body", "field"), [
    ({"citations": [QUOTE] * (MAX_SPANS + 1)}, "citations"),
    ({"aliases": [f"alias {i}" for i in range(MAX_ITEMS + 1)]}, "aliases"),
    ({"quantities": [{**QUOTE, "measure": "m", "approximation": "vague"}] * (MAX_SPANS + 1)}, "quantities"),
])
def test_create_with_list_past_its_bound_is_422_naming_it(writer, body, field):
    assert_problem(writer.post("/api/v1/actors", json=actor(**body)), 422, field)


def test_export_csv_escapes_cells_a_spreadsheet_would_run_as_formulas(writer):
    names = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tTab", "\rCR"]
    slugs = []
    for name in names:
        made = writer.post("/api/v1/actors", json=actor(name=name, kind="group"))
        assert made.status_code == 201, made.get_json()
        slugs.append(made.get_json()["slug"])
    response = writer.get("/api/v1/actors/export?format=csv&kind=group")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    assert [rows[slug]["name"] for slug in slugs] == ["'" + name for name in names]


def test_export_csv_names_its_charset_once(client):
    assert client.get("/api/v1/positions/export?format=csv").headers["Content-Type"] == "text/csv; charset=utf-8"


def test_create_aid_package_with_amount_beyond_its_column_is_422_naming_amount(writer):
    response = writer.post("/api/v1/aid-packages", json={
        "briefing": BRIEFING, "slug": unique("pkg"), "donor": "france", "recipient": "ukraine",
        "amount": "1" + "0" * 20, "speaker": "le-monde", "speech": "outlet",
        "citations": [{"quote": "worth €2 billion"}]})
    assert_problem(response, 422, "amount")


@pytest.mark.parametrize(("body", "field"), [
    ({"provenance": [{"basis": "inferred", "reasoning": "r"}]}, "provenance.0.field"),
    ({"citations": [{"start": 4023}]}, "citations.0.quote"),
])
def test_patch_with_an_incomplete_nested_object_is_422_naming_its_missing_field(writer, body, field):
    made = writer.post("/api/v1/actors", json=actor()).get_json()
    etag = writer.get(made["url"]).headers["ETag"]
    assert_problem(writer.patch(made["url"], json=body, headers={"If-Match": etag}), 422, field)
