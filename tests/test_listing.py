"""Lists: sorting, keyset cursors over sorts, search, sparse fields, totals, CSV/NDJSON, query counts."""

import csv
import io
import json

import pytest

from tests.helpers import all_items, assert_problem, recorded_statements, slugs

# Count the statements of computing a response, not of replaying it from the response cache.
COMPUTE = {"Cache-Control": "no-cache"}


def test_list_events_sorted_by_date_descending_puts_undated_last(client):
    dates = [e["date"] for e in all_items(client, "/api/v1/events?sort=-date")]
    dated = [d for d in dates if d is not None]
    assert dates == sorted(dated, reverse=True) + [None] * (len(dates) - len(dated))
    assert len(dated) > 3 and len(dated) < len(dates)


@pytest.mark.parametrize("sort", ["-date,slug", "topic,-slug", "stance"])
def test_list_positions_sorted_walks_pages_without_gaps_or_duplicates(client, sort):
    whole = client.get(f"/api/v1/positions?sort={sort}&limit=500").get_json()["items"]
    walked = all_items(client, f"/api/v1/positions?sort={sort}&limit=4")
    assert [p["id"] for p in walked] == [p["id"] for p in whole]
    first_key = sort.split(",")[0]
    values = [p[first_key.lstrip("-")] or "" for p in whole]
    assert values == sorted(values, reverse=first_key.startswith("-"))


def test_list_with_unknown_sort_field_is_400_naming_sort(client):
    body = assert_problem(client.get("/api/v1/actors?sort=height"), 400, "sort")
    assert "name" in body["errors"][0]["message"]


def test_list_with_cursor_from_another_sort_is_400(client):
    next_url = client.get("/api/v1/actors?sort=name&limit=2").get_json()["next"]
    cursor = next_url.split("cursor=")[1]
    assert_problem(client.get(f"/api/v1/actors?sort=-name&cursor={cursor}"), 400, "cursor")


def test_list_positions_searches_quotes_and_summaries(client):
    found = slugs(all_items(client, "/api/v1/positions?q=sanctions"))
    assert "macron-sanctions-far-too-early" in found
    assert "russia-rejects-reassurance-force" not in found


def test_list_actors_search_matches_aliases_without_accents(client):
    assert "french-presidency" in slugs(all_items(client, "/api/v1/actors?q=elysee"))


def test_list_search_requires_every_word(client):
    assert all_items(client, "/api/v1/proposals?q=reassurance%20zeppelin") == []


def test_search_returns_typed_hits_with_matching_citation(client):
    hits = all_items(client, "/api/v1/search?q=Mistral")
    assert {"aid_item"} <= {h["type"] for h in hits}
    item = next(h for h in hits if h["type"] == "aid_item")
    assert "Mistral" in item["citation"]["quote"]
    assert client.get(item["url"]).get_json()["system"] == "Mistral"


def test_search_filtered_by_type(client):
    hits = all_items(client, "/api/v1/search?q=ceasefire&type=proposal")
    assert hits and {h["type"] for h in hits} == {"proposal"}


@pytest.mark.parametrize("query", ["q=Ukraine", "q=Ukraine&type=position", "q=France"])
def test_search_pages_of_two_cover_every_hit_once_in_id_order(client, query):
    """Pages come straight from the full-text index (the next few matches after the cursor)."""
    whole = client.get(f"/api/v1/search?{query}&limit=500").get_json()["items"]
    paged = all_items(client, f"/api/v1/search?{query}&limit=2")
    assert len(whole) > 4 and [h["id"] for h in paged] == [h["id"] for h in whole]
    assert [h["id"] for h in whole] == sorted({h["id"] for h in whole})


def test_search_export_streams_every_hit(client):
    hits = client.get("/api/v1/search?q=Ukraine&limit=500").get_json()["items"]
    response = client.get("/api/v1/search/export?q=Ukraine", headers={"Accept": "application/x-ndjson"})
    assert [json.loads(line)["id"] for line in response.text.splitlines()] == [h["id"] for h in hits]


def test_search_without_words_is_400_naming_q(client):
    assert_problem(client.get("/api/v1/search?q=%3F%21"), 400, "q")
    assert_problem(client.get("/api/v1/search"), 400, "q")


def test_list_with_sparse_fields_returns_only_those(client):
    items = client.get("/api/v1/aid-items?fields=slug,status").get_json()["items"]
    assert items and all(set(i) == {"slug", "status"} for i in items)


def test_list_with_sparse_fields_is_served_as_the_sparse_media_type(client):
    sparse = client.get("/api/v1/aid-items?fields=slug,status&limit=2")
    assert sparse.mimetype == "application/vnd.briefing.sparse+json"
    assert sparse.get_json()["next"] and sparse.get_json()["limit"] == 2
    assert client.get("/api/v1/aid-items?limit=2").mimetype == "application/json"


def test_spec_describes_sparse_pages_with_a_schema_requiring_no_field(client):
    spec = client.get("/openapi.json").get_json()
    content = spec["paths"]["/api/v1/aid-items"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["application/vnd.briefing.sparse+json", "application/json"]  # Prism takes the first
    page = spec["components"]["schemas"][content["application/vnd.briefing.sparse+json"]["schema"]["$ref"]
                                         .rsplit("/", 1)[-1]]
    item = spec["components"]["schemas"][page["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[-1]]
    assert "required" not in item and set(item["properties"]) == set(spec["components"]["schemas"]["AidItem"]
                                                                      ["properties"])


def test_list_with_unknown_field_is_400_naming_fields(client):
    assert_problem(client.get("/api/v1/aid-items?fields=slug,colour"), 400, "fields")


def test_list_with_total_counts_all_matches(client):
    body = client.get("/api/v1/positions?topic=reassurance_force&limit=2&total=true").get_json()
    assert body["total"] == len(all_items(client, "/api/v1/positions?topic=reassurance_force"))
    assert "total" not in client.get("/api/v1/positions?limit=2").get_json()


def test_list_exports_csv_with_every_row(client):
    response = client.get("/api/v1/aid-items/export?format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["slug"] for r in rows] == slugs(all_items(client, "/api/v1/aid-items"))
    assert json.loads(rows[0]["citations"])[0]["quote"]


def test_list_exports_ndjson_by_accept_header(client):
    response = client.get("/api/v1/events/export?sort=date", headers={"Accept": "application/x-ndjson"})
    assert response.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [e["slug"] for e in lines] == slugs(all_items(client, "/api/v1/events?sort=date"))


def test_list_export_has_no_included_column_and_refuses_include(client):
    text = client.get("/api/v1/positions/export?format=csv").get_data(as_text=True)
    assert text.splitlines()[0].endswith(",conditions,citations")
    line = client.get("/api/v1/events/export?format=ndjson").get_data(as_text=True).splitlines()[0]
    assert "included" not in json.loads(line)
    assert_problem(client.get("/api/v1/events/export?include=participants"), 400, "include")


def test_list_export_honours_filters_and_fields(client):
    url = "/api/v1/aid-items/export?format=csv&status=discussed&fields=slug,status"
    text = client.get(url).get_data(as_text=True)
    assert text.splitlines() == ["slug,status", "france-mirage-increase,discussed"]


@pytest.mark.parametrize("url", ["/api/v1/positions", "/api/v1/actors", "/api/v1/proposals",
                                 "/api/v1/aid-items", "/api/v1/events", "/api/v1/search?q=the"])
def test_list_query_count_does_not_grow_with_page_size(app, url):
    client = app.test_client()
    joiner = "&" if "?" in url else "?"
    with recorded_statements(app) as small:
        assert client.get(f"{url}{joiner}limit=2", headers=COMPUTE).status_code == 200
    with recorded_statements(app) as large:
        assert client.get(f"{url}{joiner}limit=500", headers=COMPUTE).status_code == 200
    # selectin loads skip levels with no rows on a small page, so compare against a fixed bound, far
    # below the dozens of statements a per-row (N+1) load would issue for the large page.
    assert len(small) <= len(large) <= 8, large


def test_list_positions_includes_holder_and_proposal_in_full(client):
    position = client.get("/api/v1/positions?proposal=reassurance-force&include=holder,proposal&limit=1"
                          ).get_json()["items"][0]
    included = position["included"]
    assert included["holder"]["slug"] == position["holder"]["slug"] and included["holder"]["citations"]
    assert included["proposal"]["slug"] == "reassurance-force" and included["proposal"]["attributes"]
    assert "included" not in client.get("/api/v1/positions?limit=1").get_json()["items"][0]


def test_list_positions_include_of_absent_relation_is_null(client):
    items = all_items(client, "/api/v1/positions?include=about&holder=russia")
    assert items and all(i["about"] is None and i["included"]["about"] is None for i in items)


def test_list_positions_with_unknown_include_is_400_naming_include(client):
    assert_problem(client.get("/api/v1/positions?include=wallet"), 400, "include")


def test_list_positions_with_include_keeps_query_count_bounded(app):
    client = app.test_client()
    with recorded_statements(app) as statements:
        assert client.get("/api/v1/positions?limit=500&include=holder,reported_by,proposal",
                          headers=COMPUTE).status_code == 200
    assert len(statements) <= 16, statements


# The statements a page with these includes takes: one per related table at each level, none per row.
@pytest.mark.parametrize(("url", "bound"), [("/api/v1/aid-items?include=package,donor", 10),
                                            ("/api/v1/aid-items?include=donor", 5),
                                            ("/api/v1/events?include=participants", 5)])
def test_list_include_query_count_does_not_grow_with_page_size(app, url, bound):
    client = app.test_client()
    with recorded_statements(app) as small:
        assert client.get(f"{url}&limit=1", headers=COMPUTE).status_code == 200
    with recorded_statements(app) as large:
        assert client.get(f"{url}&limit=500", headers=COMPUTE).status_code == 200
    assert len(small) <= len(large) <= bound, large


@pytest.mark.parametrize("url", ["/api/v1/actors", "/api/v1/positions", "/api/v1/aid-packages",
                                 "/api/v1/aid-items", "/api/v1/proposals", "/api/v1/events"])
def test_every_record_has_a_working_permalink(client, url):
    record = client.get(f"{url}?limit=1").get_json()["items"][0]
    assert client.get(record["url"]).get_json()["url"] == record["url"]


def test_every_citation_has_a_ready_to_paste_reference(client):
    citation = client.get("/api/v1/aid-packages?limit=1").get_json()["items"][0]["citations"][0]
    assert citation["reference"].startswith("Le Monde, [Macron announces")
    assert "26 March 2025" in citation["reference"]
    assert citation["reference"].endswith(f"“{citation['quote']}”")


def test_list_positions_cursor_page_bounds_the_records_table_too(app):
    """A position's row joins its records row: the cursor's bound is put on both ids, or PostgreSQL merge-
    joins records from its first row up to the cursor (23 ms at 90% of 100k positions, 0.3 ms with both)."""
    client = app.test_client()
    first = client.get("/api/v1/positions?limit=3", headers=COMPUTE).get_json()
    with recorded_statements(app) as statements:
        assert client.get(first["next"], headers=COMPUTE).status_code == 200
    page = next(s for s in statements if "FROM records JOIN positions" in s)
    assert "positions.id >" in page and "records.id >" in page
