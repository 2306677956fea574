"""Exports: each list's own operation (`.../export`), CSV or NDJSON, streamed, with an ETag, a 304 on If-None-Match
and a file name; the old `format=` on a list is a 308 to it; `export` cannot be a record's slug."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest

from tests.helpers import BRIEFING, all_items, assert_problem, slugs

csv.field_size_limit(2**24)  # a change of a document carries its whole text in one cell
LISTS = ["/api/v1/actors", "/api/v1/positions", "/api/v1/aid-packages", "/api/v1/aid-items", "/api/v1/proposals",
         "/api/v1/events", "/api/v1/relations", "/api/v1/actors/france/relations", "/api/v1/changes"]


@pytest.mark.parametrize("path", LISTS)
def test_export_list_csv_has_a_header_and_every_row(client, path):
    response = read(client, f"{path}/export?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["id"] for r in rows] == [str(i["id"]) for i in all_items(client, path)]


@pytest.mark.parametrize("path", LISTS)
def test_export_ndjson_holds_each_list_item_whole_in_the_lists_order(client, path):
    lines = read(client, f"{path}/export?format=ndjson").get_data(as_text=True).splitlines()
    assert lines and [json.loads(line) for line in lines] == all_items(client, path)


def test_export_with_fields_holds_those_fields_of_each_item_in_the_order_asked(client):
    fields = "summary,slug,holder,citations"
    lines = read(client, f"/api/v1/positions/export?format=ndjson&fields={fields}").get_data(as_text=True)
    exported = [json.loads(line) for line in lines.splitlines()]
    assert exported == all_items(client, f"/api/v1/positions?fields={fields}")
    assert list(exported[0]) == fields.split(",")


def test_export_of_a_record_written_by_raw_sql_holds_it_as_its_item_view_serves_it(writable_app, writer):
    """A record with no stored body yet (a raw-SQL repair before `flask bodies rebuild`) is exported all the same."""
    from sqlalchemy import delete

    from service.extensions import db
    from service.models import RecordBody

    made = writer.post("/api/v1/actors", json={
        "briefing": BRIEFING, "slug": f"export-raw-{uuid.uuid4().hex[:8]}", "name": "Keir Starmer", "kind": "person",
        "citations": [{"quote": "led by the British"}]}).get_json()
    with writable_app.app_context():
        db.session.execute(delete(RecordBody).where(RecordBody.id == made["id"]))
        db.session.commit()
    try:
        lines = read(writer, "/api/v1/actors/export?format=ndjson").get_data(as_text=True).splitlines()
        exported = next(json.loads(line) for line in lines if json.loads(line)["id"] == made["id"])
        assert exported == writer.get(f"/api/v1/actors/{made['slug']}").get_json()
    finally:  # the shared app's other tests expect every record to have its body
        with writable_app.app_context():
            result = writable_app.test_cli_runner().invoke(args=["bodies", "rebuild", "--missing"])
        assert result.exit_code == 0, result.output


def read(client, url: str, **kwargs):
    """GET an export and read it to the end (a stream holds its request context until then)."""
    response = client.get(url, **kwargs)
    response.get_data()
    return response


def test_export_is_ndjson_by_format_or_accept_and_csv_by_default(client):
    by_format = read(client, "/api/v1/events/export?format=ndjson")
    by_accept = read(client, "/api/v1/events/export", headers={"Accept": "application/x-ndjson"})
    assert by_format.mimetype == by_accept.mimetype == "application/x-ndjson"
    assert by_format.get_data() == by_accept.get_data()
    assert [json.loads(line)["slug"] for line in by_format.get_data(as_text=True).splitlines()] == \
        slugs(all_items(client, "/api/v1/events"))
    assert read(client, "/api/v1/events/export").mimetype == "text/csv"
    assert read(client, "/api/v1/events/export", headers={"Accept": "*/*"}).mimetype == "text/csv"


def test_export_keeps_the_lists_filters_sort_and_search(client):
    url = "/api/v1/positions?topic=reassurance_force&sort=-date,slug"
    exported = read(client, url.replace("?", "/export?") + "&format=ndjson").get_data(as_text=True).splitlines()
    assert [json.loads(line)["slug"] for line in exported] == slugs(all_items(client, url))
    hits = client.get("/api/v1/search?q=Ukraine&limit=500").get_json()["items"]
    exported = read(client, "/api/v1/search/export?q=Ukraine&format=ndjson").get_data(as_text=True).splitlines()
    assert [json.loads(line)["id"] for line in exported] == [h["id"] for h in hits]


@pytest.mark.parametrize("name", ["limit", "cursor", "total", "include"])
def test_export_refuses_a_page_parameter_naming_it(client, name):
    assert_problem(client.get(f"/api/v1/positions/export?{name}=1"), 400, name)


def test_export_names_its_file_after_the_collection_and_format(client):
    assert read(client, "/api/v1/aid-items/export?format=csv").headers["Content-Disposition"] == \
        'attachment; filename="aid-items.csv"'
    nested = read(client, "/api/v1/actors/france/relations/export?format=ndjson")
    assert nested.headers["Content-Disposition"] == 'attachment; filename="actors-france-relations.ndjson"'


def test_export_answers_if_none_match_with_304_until_the_data_changes(writer):
    first = read(writer, "/api/v1/actors/export?format=csv")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('"') and first.headers["Cache-Control"] == "no-cache"
    again = writer.get("/api/v1/actors/export?format=csv", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    other = read(writer, "/api/v1/actors/export?format=ndjson", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag  # another type, another version
    made = writer.post("/api/v1/actors", json={"briefing": BRIEFING, "slug": f"exp-{uuid.uuid4().hex[:8]}",
                                               "name": "Exporter", "kind": "person",
                                               "citations": [{"quote": "led by the British"}]})
    assert made.status_code == 201, made.get_json()
    changed = read(writer, "/api/v1/actors/export?format=csv", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert made.get_json()["slug"] in changed.get_data(as_text=True)


def test_list_with_old_format_redirects_308_to_its_export_keeping_the_query(client):
    response = client.get("/api/v1/aid-items?format=csv&status=discussed&limit=1&fields=slug,status")
    assert response.status_code == 308
    assert response.headers["Location"] == "/api/v1/aid-items/export?format=csv&status=discussed&fields=slug%2Cstatus"
    followed = read(client, response.headers["Location"])
    assert followed.get_data(as_text=True).splitlines() == ["slug,status", "france-mirage-increase,discussed"]
    nested = client.get("/api/v1/actors/france/relations?format=ndjson")
    assert nested.status_code == 308
    assert nested.headers["Location"] == "/api/v1/actors/france/relations/export?format=ndjson"
    assert client.get("/api/v1/aid-items?format=json&limit=1").get_json()["items"]


def test_list_answers_json_whatever_export_type_accept_prefers(client):
    """A list's one success type is JSON now: Accept no longer turns it into an export."""
    response = client.get("/api/v1/events?limit=2", headers={"Accept": "application/x-ndjson, application/json;q=0.1"})
    assert response.mimetype == "application/json" and len(response.get_json()["items"]) == 2


def test_export_route_wins_over_the_item_route(client):
    assert read(client, "/api/v1/actors/export").mimetype == "text/csv"
    assert client.get("/api/v1/actors/france").get_json()["slug"] == "france"


def test_create_record_named_export_is_422_naming_slug(writer):
    response = writer.post("/api/v1/actors", json={"briefing": BRIEFING, "slug": "export", "name": "X",
                                                   "kind": "person", "citations": [{"quote": "led by the British"}]})
    assert "Reserved" in json.dumps(assert_problem(response, 422, "slug"))


def test_rename_record_to_export_is_422_naming_slug(writer):
    item = writer.get("/api/v1/events?limit=1").get_json()["items"][0]
    etag = writer.get(item["url"]).headers["ETag"]
    response = writer.patch(item["url"], json={"slug": "export"}, headers={"If-Match": etag})
    assert_problem(response, 422, "slug")


def test_list_format_redirect_quotes_a_path_with_control_characters(client):
    """A slug of `%0D` (found by schemathesis) once put a raw CR in Location: a 500."""
    response = client.get("/api/v1/actors/%0D/relations?format=csv")
    assert response.status_code == 308
    assert response.headers["Location"] == "/api/v1/actors/%0D/relations/export?format=csv"
