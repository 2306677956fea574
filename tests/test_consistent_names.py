"""One name per meaning (README, Changelog): a record's day is `date`, its title `name`, in every response, body,
sort, fieldset and stored snapshot; an old name is an error that gives the new one."""

import json

import pytest
from sqlalchemy import create_engine, text

from service import migrate
from tests.conftest import position_body
from tests.helpers import assert_problem

BRIEFING = "coalition-of-the-willing-paris-2025"
OLD = ("stated_on", "announced_on", "published_date", "title")
COLLECTIONS = ("actors", "positions", "aid-packages", "aid-items", "events", "proposals", "relations", "documents",
               "briefings")


def keys_of(value, path=""):
    """Every (path, key) of a JSON value, nested included."""
    if isinstance(value, dict):
        for key, each in value.items():
            yield path, key
            yield from keys_of(each, f"{path}.{key}")
    elif isinstance(value, list):
        for each in value:
            yield from keys_of(each, path)


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_no_record_of_any_collection_carries_an_old_name(client, collection):
    body = client.get(f"/api/v1/{collection}?limit=500").get_json()
    assert body["items"], collection
    assert [(p, k) for p, k in keys_of(body) if k in OLD] == []


@pytest.mark.parametrize("url, names", [
    ("/api/v1/positions?limit=500", {"date"}),
    ("/api/v1/aid-packages", {"date"}),
    ("/api/v1/documents", {"date", "name"}),
    ("/api/v1/events", {"date", "name"}),
    ("/api/v1/briefings", {"name"}),
])
def test_dates_and_titles_have_one_name(client, url, names):
    items = client.get(url).get_json()["items"]
    assert all(names <= item.keys() for item in items)
    assert any(item["date"] for item in items) if "date" in names else True


def test_the_composed_briefing_index_and_feed_use_the_new_names(client):
    briefing = client.get(f"/api/v1/briefings/{BRIEFING}").get_json()
    assert briefing["name"] and briefing["sources"][0]["date"] == "2025-03-26" and briefing["sources"][0]["name"]
    assert [(p, k) for p, k in keys_of(briefing) if k in OLD] == []
    index = client.get("/", headers={"Accept": "application/json"}).get_json()
    assert index["name"] and all(b["name"] for b in index["briefings"])
    feed = client.get("/api/v1/changes?limit=500").get_json()
    assert [(p, k) for p, k in keys_of(feed) if k in OLD] == []


@pytest.mark.parametrize("url, field, old, new", [
    ("/api/v1/positions?sort=-stated_on", "sort", "stated_on", "date"),
    ("/api/v1/aid-packages?sort=announced_on", "sort", "announced_on", "date"),
    ("/api/v1/events?sort=title", "sort", "title", "name"),
    ("/api/v1/positions?fields=slug,stated_on", "fields", "stated_on", "date"),
    ("/api/v1/events?fields=slug,title", "fields", "title", "name"),
    ("/api/v1/positions/export?sort=stated_on", "sort", "stated_on", "date"),
])
def test_an_old_name_in_sort_or_fields_is_a_400_that_gives_the_new_one(client, url, field, old, new):
    problem = assert_problem(client.get(url), 400)
    errors = {e["field"]: e["message"] for e in problem["errors"]}
    assert f"`{old}` was renamed `{new}`" in errors[field], errors


def test_an_unknown_sort_field_still_lists_the_sortable_ones(client):
    problem = assert_problem(client.get("/api/v1/positions?sort=bogus"), 400)
    assert "sortable fields: date" in problem["errors"][0]["message"]


def position(**overrides) -> dict:
    return position_body(slug="renamed-check", **overrides)


@pytest.mark.parametrize("url, body, old, new", [
    ("/api/v1/positions", position(stated_on="2025-03-26"), "stated_on", "date"),
    ("/api/v1/briefings", {"slug": "renamed-check", "title": "T", "summary": "S."}, "title", "name"),
    ("/api/v1/documents", {"slug": "renamed-check", "title": "T", "language": "en", "text": "x",
                           "published_date": "2025-03-26"}, "published_date", "date"),
])
def test_an_old_name_in_a_body_is_a_422_that_gives_the_new_one_and_writes_nothing(writer, url, body, old, new):
    problem = assert_problem(writer.post(url, json=body), 422)
    errors = {e["field"]: e["message"] for e in problem["errors"]}
    assert errors[old] == f"`{old}` was renamed `{new}` (see the README's changelog).", errors
    assert writer.get(f"{url}/renamed-check").status_code == 404


def test_a_patch_with_an_old_name_is_a_422(writer):
    url = "/api/v1/events/russian-invasion-2022-02-24"
    etag = writer.get(url).headers["ETag"]
    problem = assert_problem(writer.patch(url, json={"title": "New"}, headers={"If-Match": etag}), 422)
    assert problem["errors"][0]["field"] == "title" and "renamed `name`" in problem["errors"][0]["message"]


def test_an_old_name_in_a_provenance_entry_is_a_422_that_gives_the_new_one(writer):
    body = position(date="2025-03-26", provenance=[{"field": "stated_on", "basis": "inferred", "reasoning": "R."}])
    problem = assert_problem(writer.post("/api/v1/positions", json=body), 422)
    assert "`stated_on` was renamed `date`" in problem["errors"][0]["message"], problem


def test_the_new_names_are_written_and_sorted(writer):
    created = writer.post("/api/v1/positions", json=position(date="2025-03-27"))
    assert created.status_code == 201, created.get_json()["errors"]
    assert created.get_json()["date"] == "2025-03-27"
    first = writer.get("/api/v1/positions?sort=-date&limit=1").get_json()["items"][0]
    assert first["date"] >= "2025-03-27"


def parsed(value):
    """A JSON column's value as read without the ORM: text on SQLite, parsed on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def test_migration_0010_renames_columns_and_rewrites_stored_names(backend, databases):
    url = databases.new(backend, migrated=False)
    migrate.upgrade(url, "0009")
    engine = create_engine(url)
    after = {"slug": "p", "stated_on": "2025-03-26", "provenance": [{"field": "stated_on", "basis": "inferred"}]}
    with engine.begin() as conn:
        for statement in (
            "INSERT INTO briefings (id, slug, title, summary) VALUES (1, 'b', 'B', 'S')",
            "INSERT INTO documents (id, slug, title, language, sha256, length, text, published_date, provenance) "
            "VALUES (1, 'd', 'D', 'en', 'x', 5, 'Hello', '2025-03-26', '[{\"field\": \"title\"}]')",
            "INSERT INTO records (id, type, briefing_id, provenance) VALUES (1, 'actor', 1, '[]'), "
            "(2, 'position', 1, '[{\"field\": \"stated_on\", \"basis\": \"inferred\"}]')",
            "INSERT INTO actors (id, slug, name, kind) VALUES (1, 'a', 'A', 'person')",
            "INSERT INTO positions (id, slug, holder_id, topic, stance, summary, stated_on) "
            "VALUES (2, 'p', 1, 't', 'supports', 'S', '2025-03-26')",
        ):
            conn.execute(text(statement))
        conn.execute(text("INSERT INTO changes (principal, action, resource, record_key, \"after\") "
                          "VALUES ('t', 'create', 'positions', 'p', :after)"), {"after": json.dumps(after)})
        version = conn.execute(text("SELECT version FROM data_version")).scalar()
    engine.dispose()
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        assert str(conn.execute(text("SELECT date FROM positions WHERE id = 2")).scalar()) == "2025-03-26"
        assert conn.execute(text("SELECT name, date FROM documents")).one()[0] == "D"
        assert conn.execute(text("SELECT name FROM briefings")).scalar() == "B"
        assert parsed(conn.execute(text("SELECT provenance FROM records WHERE id = 2")).scalar()) == \
            [{"field": "date", "basis": "inferred"}]
        assert parsed(conn.execute(text("SELECT provenance FROM documents")).scalar()) == [{"field": "name"}]
        stored = json.loads(conn.execute(text("SELECT \"after\" FROM changes")).scalar())
        assert stored == {"slug": "p", "date": "2025-03-26", "provenance": [{"field": "date", "basis": "inferred"}]}
        assert conn.execute(text("SELECT version FROM data_version")).scalar() == version + 1
    engine.dispose()
    migrate.check(url)
