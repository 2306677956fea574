"""The stored composition (service/briefings/stored.py): what GET /api/v1/briefings/{slug} serves, in each media
type, is what composing the briefing's records gives now, after a write of any kind that changes it; a write to
another briefing's records leaves it stored; a stored one is served in a constant, small number of statements."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import delete, select, update

from service.briefings import stored
from service.extensions import db
from service.models import Briefing, BriefingComposition, Document
from tests.conftest import (
    make_actor,
    make_aid_item,
    make_briefing,
    make_document,
    make_event,
    make_position,
    make_proposal,
    unique,
)
from tests.helpers import BRIEFING, count_statements

COLUMNS = stored.MEDIA_TYPES  # media type -> its column
DOCUMENT = "lemonde-2025-03-26-coalition-of-the-willing"


def row(app, slug: str) -> dict | None:
    """The briefing SLUG's stored row: its generation and texts (None when it has no row)."""
    with app.app_context(), db.engine.connect() as conn:
        found = conn.execute(select(BriefingComposition.__table__)
                             .join(Briefing, Briefing.id == BriefingComposition.briefing_id)
                             .where(Briefing.slug == slug)).mappings().one_or_none()
    return None if found is None else dict(found)


def fresh(app, slug: str) -> dict[str, str]:
    """Each column composed from the records now, as the first read after a write composes it."""
    with app.app_context():
        return {column: stored.rendered(slug, column) for column in COLUMNS.values()}


def served(app, slug: str) -> dict[str, str]:
    """What a GET serves in each media type, past the response cache (anonymous, `no-cache`)."""
    client = app.test_client()
    out = {}
    for media_type, column in COLUMNS.items():
        response = client.get(f"/api/v1/briefings/{slug}", headers={"Accept": media_type,
                                                                   "Cache-Control": "no-cache"})
        assert response.status_code == 200 and response.mimetype == media_type, response.get_data(as_text=True)
        out[column] = response.get_data(as_text=True)
    return out


def assert_current(app, slug: str) -> dict[str, str]:
    """What is stored for SLUG is missing or current; a GET serves the current composition and stores it."""
    expected, before = fresh(app, slug), row(app, slug)
    for column in COLUMNS.values():
        assert before is None or before[column] in (None, expected[column]), f"stale {column}"
    assert served(app, slug) == expected
    after = row(app, slug)
    assert after is not None and {column: after[column] for column in COLUMNS.values()} == expected
    return expected


def etag(writer, url: str) -> str:
    return writer.get(url).headers["ETag"]


def patch(writer, url: str, changes: dict) -> None:
    response = writer.patch(url, json=changes, headers={"If-Match": etag(writer, url)})
    assert response.status_code == 200, response.get_json()


def remove(writer, url: str) -> None:
    response = writer.delete(url, headers={"If-Match": etag(writer, url)})
    assert response.status_code == 204, response.get_data(as_text=True)


def seed_package(writer) -> str:
    return writer.get("/api/v1/aid-packages?limit=1&sort=slug").get_json()["items"][0]["slug"]


def in_second_briefing(writer) -> str:
    return make_briefing(writer)["slug"]


def rename_document(app, slug: str) -> None:
    """A document's title changed by a CLI or the seed loader (the API stores documents as they are)."""
    with app.app_context():
        document = db.session.scalars(select(Document).where(Document.slug == slug)).one()
        document.name = "Renamed note"
        db.session.commit()


def with_own_document(writer) -> tuple[str, str]:
    document = make_document(writer)["slug"]
    return make_briefing(writer, documents=[DOCUMENT, document])["slug"], document


# (name, setup(writer, app) -> (the briefing's slug, context), write(writer, app, context)): every kind of write
# that changes a briefing's composition.
Setup = Callable[..., tuple[str, object]]
WRITES: list[tuple[str, Setup, Callable]] = [
    ("actor rename", lambda w, a: (BRIEFING, make_actor(w)["url"]),
     lambda w, a, url: patch(w, url, {"slug": unique("renamed"), "name": "Sir Keir Starmer"})),
    ("actor aliases", lambda w, a: (BRIEFING, make_actor(w)["url"]),
     lambda w, a, url: patch(w, url, {"aliases": ["the prime minister"]})),
    ("position create", lambda w, a: (BRIEFING, None), lambda w, a, _: make_position(w)),
    ("position patch", lambda w, a: (BRIEFING, make_position(w)["url"]),
     lambda w, a, url: patch(w, url, {"stance": "urges", "summary": "Changed."})),
    ("position citations", lambda w, a: (BRIEFING, make_position(w)["url"]),
     lambda w, a, url: patch(w, url, {"citations": [{"quote": "far too early"}]})),
    ("position delete", lambda w, a: (BRIEFING, make_position(w)["url"]), lambda w, a, url: remove(w, url)),
    ("aid item create", lambda w, a: (BRIEFING, seed_package(w)), lambda w, a, pkg: make_aid_item(w, pkg)),
    ("aid item patch", lambda w, a: (BRIEFING, make_aid_item(w, seed_package(w))["url"]),
     lambda w, a, url: patch(w, url, {"quantity": 12})),
    ("event create", lambda w, a: (BRIEFING, None), lambda w, a, _: make_event(w)),
    ("event patch", lambda w, a: (BRIEFING, make_event(w)["url"]),
     lambda w, a, url: patch(w, url, {"place": "London"})),
    ("proposal create", lambda w, a: (BRIEFING, None), lambda w, a, _: make_proposal(w)),
    ("proposal patch", lambda w, a: (BRIEFING, make_proposal(w)["url"]),
     lambda w, a, url: patch(w, url, {"name": "Renamed proposal"})),
    ("briefing patch", lambda w, a: (slug := in_second_briefing(w), f"/api/v1/briefings/{slug}"),
     lambda w, a, url: patch(w, url, {"name": "Renamed briefing", "summary": "New."})),
    ("briefing documents", lambda w, a: (slug := in_second_briefing(w), f"/api/v1/briefings/{slug}"),
     lambda w, a, url: patch(w, url, {"documents": [DOCUMENT, make_document(w)["slug"]]})),
    ("document renamed", lambda w, a: with_own_document(w), lambda w, a, document: rename_document(a, document)),
]


@pytest.mark.parametrize(("setup", "write"), [(s, w) for _, s, w in WRITES], ids=[name for name, _, _ in WRITES])
def test_get_briefing_after_write_serves_fresh_composition(writable_app, writer, setup, write):
    slug, context = setup(writer, writable_app)
    before = assert_current(writable_app, slug)
    write(writer, writable_app, context)
    stale = row(writable_app, slug)
    assert stale is not None and all(stale[column] is None for column in COLUMNS.values())  # cleared
    assert assert_current(writable_app, slug) != before


def test_write_to_another_briefing_keeps_this_one_stored(writable_app, writer):
    other = in_second_briefing(writer)
    assert_current(writable_app, BRIEFING)
    assert_current(writable_app, other)
    kept = row(writable_app, BRIEFING)
    actor = make_actor(writer, briefing=other)
    patch(writer, actor["url"], {"name": "Renamed", "aliases": ["the aide"]})
    remove(writer, actor["url"])
    patch(writer, f"/api/v1/briefings/{other}", {"summary": "Changed."})
    assert row(writable_app, BRIEFING) == kept
    kept = row(writable_app, other)
    make_position(writer)
    assert row(writable_app, other) == kept
    assert row(writable_app, BRIEFING)["json"] is None


def test_get_stored_briefing_runs_one_statement_whatever_its_size(writable_app, writer):
    small = in_second_briefing(writer)
    for slug in (BRIEFING, small):
        served(writable_app, slug)
    counts = {(slug, media_type): count_statements(
        writable_app, f"/api/v1/briefings/{slug}", {"Accept": media_type, "Cache-Control": "no-cache"})
              for slug in (BRIEFING, small) for media_type in COLUMNS}
    assert set(counts.values()) == {1}, counts


def test_rebuild_clears_compositions_and_changes_nothing_served(writable_app, writer):
    slug, _ = with_own_document(writer)
    make_position(writer)
    make_actor(writer, briefing=slug)
    texts = {name: assert_current(writable_app, name) for name in (BRIEFING, slug)}
    with writable_app.app_context():
        result = writable_app.test_cli_runner().invoke(args=["bodies", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "compositions:" in result.output
    for name in (BRIEFING, slug):
        assert all(row(writable_app, name)[column] is None for column in COLUMNS.values())
        assert assert_current(writable_app, name) == texts[name]


def test_rebuild_missing_leaves_a_composition_deleted_in_raw_sql_to_its_first_read(writable_app, writer):
    slug = in_second_briefing(writer)
    expected = assert_current(writable_app, slug)
    with writable_app.app_context():
        briefing_id = db.session.scalar(select(Briefing.id).where(Briefing.slug == slug))
        db.session.execute(delete(BriefingComposition).where(BriefingComposition.briefing_id == briefing_id))
        db.session.commit()
        result = writable_app.test_cli_runner().invoke(args=["bodies", "rebuild", "--missing"])
    assert result.exit_code == 0, result.output
    assert row(writable_app, slug) is None
    assert assert_current(writable_app, slug) == expected


def test_get_briefing_without_stored_row_composes_and_stores_it(writable_app, writer):
    """A briefing written by raw SQL (the benchmark's generator) has no row until its first read."""
    slug = in_second_briefing(writer)
    with writable_app.app_context():
        db.session.execute(delete(BriefingComposition))
        db.session.commit()
    assert row(writable_app, slug) is None
    assert_current(writable_app, slug)
    assert row(writable_app, slug)["generation"] == 0


@pytest.mark.parametrize("has_row", [True, False], ids=["row", "no row"])
def test_reader_that_began_before_a_write_stores_nothing(writable_app, writer, has_row):
    """A reader reads the row (its generation) before any record; a write commits while it composes; what it
    composed is older than the records, and must not be stored."""
    actor = make_actor(writer, briefing=(slug := in_second_briefing(writer)))
    with writable_app.app_context():
        if not has_row:
            db.session.execute(delete(BriefingComposition))
            db.session.commit()
        found = stored.find(db.session(), slug, "json")
        assert found is not None and (found.generation is None) is not has_row
        stale = stored.rendered(slug, "json")
    patch(writer, actor["url"], {"name": "Renamed"})
    with writable_app.app_context():
        stored.store(db.session(), found, "json", stale)
    assert row(writable_app, slug)["json"] is None
    assert assert_current(writable_app, slug)["json"] != stale


def test_stored_composition_changed_in_raw_sql_is_served_until_a_write(writable_app, writer):
    """The stored text is what is served (nothing composes it again to check), and a write clears it."""
    slug = in_second_briefing(writer)
    assert_current(writable_app, slug)
    with writable_app.app_context():
        briefing_id = db.session.scalar(select(Briefing.id).where(Briefing.slug == slug))
        db.session.execute(update(BriefingComposition).where(BriefingComposition.briefing_id == briefing_id)
                           .values(markdown="# Stored\n"))
        db.session.commit()
    assert served(writable_app, slug)["markdown"] == "# Stored\n"
    make_actor(writer, briefing=slug)
    assert_current(writable_app, slug)
