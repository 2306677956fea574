"""The response cache's scopes: a write leaves cached what it cannot have changed, and nothing it changed.

A page or item served from stored bodies depends on the scopes its statement reads (a position page on
`Position`, a page filtered by holder on `Actor` too); any other response on every write.
"""

from __future__ import annotations

import random
import string
import threading
import time

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.extensions import db
from service.http import response_cache
from service.models import Actor
from tests.conftest import make_actor, make_app, make_position, make_proposal
from tests.helpers import recorded_statements

PAGE = "/api/v1/positions?limit=5"
FRESH = {"Cache-Control": "no-cache"}


@pytest.fixture()
def reader(writable_app):
    assert writable_app.config.get("RESPONSE_CACHE", True)
    return writable_app.test_client()


def cached(reader, url: str) -> bytes:
    """GET URL until it is a hit; its body."""
    reader.get(url)
    response = reader.get(url)
    assert response.status_code == 200 and response.headers["X-Cache"] == "hit", url
    return response.data


def assert_as_fresh(reader, url: str) -> None:
    """What the cache answers for URL is what the service computes afresh."""
    served, fresh = reader.get(url), reader.get(url, headers=FRESH)
    assert (served.status_code, served.data) == (fresh.status_code, fresh.data), url


def patch(writer, record: dict, body: dict) -> dict:
    response = writer.patch(record["url"], json=body, headers={"If-Match": "*"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_patch_of_a_proposal_keeps_a_cached_position_page_and_actor_but_not_the_proposals(writer, reader):
    word = "".join(random.choice(string.ascii_lowercase) for _ in range(12))  # a slug's hex may parse as a number
    proposal = make_proposal(writer, name=f"The {word} proposal")
    actor = make_actor(writer)
    proposals = f"/api/v1/proposals?limit=5&q={word}"
    page, item = cached(reader, PAGE), cached(reader, actor["url"])
    reader.get(proposal["url"]), reader.get(proposal["url"])
    patch(writer, proposal, {"description": "Described again"})
    assert reader.get(PAGE).headers["X-Cache"] == "hit" and reader.get(PAGE).data == page
    assert reader.get(actor["url"]).headers["X-Cache"] == "hit" and reader.get(actor["url"]).data == item
    again = reader.get(proposal["url"])
    assert again.headers["X-Cache"] == "miss" and again.get_json()["description"] == "Described again"
    assert reader.get(proposals).get_json()["items"][0]["description"] == "Described again"


def test_patch_of_a_position_refreshes_the_position_page_showing_it(writer, reader):
    position = make_position(writer, proposal=make_proposal(writer)["slug"])
    url = f"/api/v1/positions?proposal={position['proposal']['slug']}"  # this position only
    before = reader.get(url).get_json()["items"]
    cached(reader, url)
    patch(writer, position, {"topic": "ceasefire"})
    response = reader.get(url)
    after = response.get_json()["items"]
    assert response.headers["X-Cache"] == "miss"
    assert [item["topic"] for item in before] == ["sanctions"] and [item["topic"] for item in after] == ["ceasefire"]


def test_patch_of_a_position_keeps_the_proposals_page_cached_and_their_bodies_untouched(writable_app, writer, reader):
    # A proposal's list item does not show its positions: a position's write renders and stores it not again (its
    # detail view, a representation of its own, shows them: refreshed).
    proposal = make_proposal(writer)
    position = make_position(writer, proposal=proposal["slug"])
    page = "/api/v1/proposals?limit=5"
    listed = cached(reader, page)
    with recorded_statements(writable_app) as statements:
        patch(writer, position, {"topic": "ceasefire"})
    assert reader.get(page).headers["X-Cache"] == "hit" and reader.get(page).data == listed
    assert not [s for s in statements if s.lstrip().upper().startswith("SELECT PROPOSALS.")], statements
    assert_as_fresh(reader, page), assert_as_fresh(reader, proposal["url"])


def test_rename_of_a_proposal_refreshes_the_cached_pages_and_items_that_show_its_link(writer, reader):
    proposal = make_proposal(writer)
    position = make_position(writer, proposal=proposal["slug"])
    mine = f"/api/v1/positions?proposal={proposal['slug']}"
    cached(reader, PAGE), cached(reader, position["url"]), cached(reader, mine)
    renamed = patch(writer, proposal, {"slug": proposal["slug"] + "-renamed"})
    item = reader.get(position["url"])
    assert item.headers["X-Cache"] == "miss" and item.get_json()["proposal"]["slug"] == renamed["slug"]
    assert reader.get(PAGE).headers["X-Cache"] == "miss"
    assert_as_fresh(reader, mine)
    listed = reader.get(f"/api/v1/positions?proposal={renamed['slug']}").get_json()["items"]
    assert [each["proposal"]["slug"] for each in listed] == [renamed["slug"]]


@pytest.mark.parametrize("nested", ["positions", "relations"])
def test_a_cached_list_of_an_actors_records_is_a_404_once_the_actor_is_deleted(writer, reader, nested):
    actor = make_actor(writer)
    url = f"{actor['url']}/{nested}"
    cached(reader, url)
    assert writer.delete(actor["url"], headers={"If-Match": "*"}).status_code == 204
    assert reader.get(url).status_code == 404
    assert_as_fresh(reader, url)


def test_a_filter_on_another_type_depends_on_that_type_too(writer, reader):
    url = "/api/v1/positions?holder=emmanuel-macron&limit=3"
    cached(reader, url)
    patch(writer, make_actor(writer), {"name": "Another name"})  # any actor: the filter reads the actors' table
    assert reader.get(url).headers["X-Cache"] == "miss"


@pytest.mark.parametrize("url", ["/api/v1/search?q=sanctions", "/api/v1/documents",
                                 "/api/v1/briefings/coalition-of-the-willing-paris-2025"])
def test_responses_that_name_no_scope_are_refreshed_by_any_write(writer, reader, url):
    cached(reader, url)
    make_proposal(writer)
    assert reader.get(url).headers["X-Cache"] == "miss"


def test_a_write_in_another_worker_refreshes_the_scopes_it_moved_only(writable_app, writer, reader, tokens):
    other = make_app(writable_app.config["DATABASE_URL"]).test_client()
    other.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['write']}"
    position, proposals = make_position(writer), "/api/v1/proposals?limit=3"
    cached(reader, position["url"]), cached(reader, proposals)
    patch(other, position, {"topic": "ceasefire"})
    assert reader.get(position["url"]).get_json()["topic"] == "ceasefire"
    assert reader.get(proposals).headers["X-Cache"] == "hit"


def test_requests_inside_one_app_context_keep_their_own_scopes(writable_app, writer, reader):
    """Flask reuses an app context already pushed (a script's, a CLI command's): its `g` outlives a request."""
    search = "/api/v1/search?q=ceasefire"
    with writable_app.app_context():
        cached(reader, PAGE), cached(reader, search)
    make_proposal(writer)  # moves neither Position nor the epoch: the search depends on every write
    assert reader.get(search).headers["X-Cache"] == "miss"


def test_bodies_rebuild_refreshes_every_scoped_entry(writable_app, reader):
    cached(reader, PAGE), cached(reader, "/api/v1/proposals?limit=3")
    with writable_app.app_context():
        result = writable_app.test_cli_runner().invoke(args=["bodies", "rebuild", "--missing"])
    assert result.exit_code == 0, result.output
    assert reader.get(PAGE).headers["X-Cache"] == "miss"
    assert reader.get("/api/v1/proposals?limit=3").headers["X-Cache"] == "miss"


def test_a_rebuild_and_a_write_take_the_versions_rows_in_one_order_on_postgresql(databases):
    """A rebuild stores bodies (their scopes moved, the data version not) before it moves the epoch; a write moves
    the data version, then its scopes. Each locks the data version's row first, so neither waits for the other
    in a cycle (PostgreSQL found a deadlock when the rebuild locked a scope's row first)."""
    engine = create_engine(databases.new("postgresql"))
    outcome: dict[str, str] = {}

    def run(name: str, steps) -> None:
        with Session(engine) as session, session.begin():
            try:
                for step in steps:
                    step(session.connection())
                outcome[name] = "ok"
            except DBAPIError as exc:
                outcome[name] = type(exc.orig).__name__

    rebuild = threading.Thread(target=run, args=("rebuild", [
        lambda conn: response_cache.bump(conn, {"Actor"}, data=False), lambda conn: time.sleep(1.0),
        response_cache.bump_everything]))
    write = threading.Thread(target=run, args=("write", [
        lambda conn: time.sleep(0.3), lambda conn: response_cache.bump(conn, {"Actor", "Change"})]))
    for thread in (rebuild, write):
        thread.start()
    for thread in (rebuild, write):
        thread.join(30)
    engine.dispose()
    assert outcome == {"rebuild": "ok", "write": "ok"}


def versions(app) -> dict:
    with app.app_context():
        return response_cache.current_versions(app)


def test_a_write_moves_each_version_once(writable_app, writer):
    actor = make_actor(writer)
    with recorded_statements(writable_app) as statements:
        patch(writer, actor, {"name": "Named once more"})
    moves = [s for s in statements if "data_version" in s or "scope_versions" in s]
    assert sum("UPDATE data_version" in s for s in moves) == 1, moves
    assert len(moves) <= 3, moves  # the data version; the actor's scope; the audit record's (a flush of its own)


def test_a_savepoint_rolled_back_takes_its_moves_with_it_and_the_next_flush_moves_them_again(writable_app, writer):
    slug = make_actor(writer)["slug"]
    before = versions(writable_app)
    with writable_app.app_context():
        actor = db.session.scalars(select(Actor).where(Actor.slug == slug)).one()
        savepoint = db.session.begin_nested()
        actor.name = "Inside a savepoint"
        db.session.flush()  # moves the data version and Actor, inside the savepoint
        savepoint.rollback()
        actor.name = "After it"
        db.session.commit()
    after = versions(writable_app)
    assert after["*"] == before["*"] + 1 and after["Actor"] == before["Actor"] + 1


def test_scopes_of_a_statement_name_every_type_it_reads():
    from service.models import Position
    from service.resources.common import by_slug

    assert response_cache.scopes_of(select(Position)) == {"Position"}
    assert response_cache.scopes_of(select(Position).where(Position.holder_id == by_slug(Actor, "x"))) == \
        {"Position", "Actor"}
    assert response_cache.scopes_of(select(Actor.id)) == {"Actor"}

