"""/search: every kind of record found by its words, named and linked the way the document view names it."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import with_polymorphic

from service.extensions import db
from service.models import Record
from service.resources.refs import RECORD_TYPES, record_ref
from service.resources.search import hits
from tests.helpers import all_items, recorded_statements
from tests.test_listing import COMPUTE


def test_search_names_a_relation_by_its_actors_and_links_their_relations(client):
    hits = all_items(client, "/api/v1/search?q=hosted+coalition&type=relation")
    hit = next(h for h in hits if h["slug"] == "france-co-hosts-coalition-summit")
    assert hit["label"] == "France co hosts Coalition of the willing", hit
    assert hit["url"] == "/api/v1/actors/france/relations"
    assert "Hosted by Paris and London" in hit["citation"]["quote"]


def test_search_labels_equal_the_document_views_names(client):
    """The coverage report names each record; a search hit for the same record carries the same label."""
    coverage = client.get("/api/v1/documents/lemonde-2025-03-26-coalition-of-the-willing/coverage").get_json()
    named = {(r["type"], r["id"]): (r["label"], r["url"]) for s in coverage["sentences"] for r in s["records"]}
    hits = all_items(client, "/api/v1/search?q=Ukraine&limit=100")
    compared = [h for h in hits if (h["type"], h["id"]) in named]
    assert len(compared) > 5
    assert all((h["label"], h["url"]) == named[(h["type"], h["id"])] for h in compared)


# The page's ids, its records (with the records their labels name), their citations (with the cited documents):
# never one per hit.
MOST_STATEMENTS = 3


@pytest.mark.parametrize(("query", "kind"), [("coalition+hosted", "relation"), ("Ukraine", "position"),
                                             ("force&type=proposal_attribute", "proposal_attribute")])
def test_search_page_costs_a_fixed_number_of_statements(app, query, kind):
    client = app.test_client()
    with recorded_statements(app) as statements:
        page = client.get(f"/api/v1/search?q={query}&limit=200", headers=COMPUTE)
    hits = page.get_json()["items"]
    assert len(hits) > 1 and kind in {h["type"] for h in hits}
    assert len(statements) <= MOST_STATEMENTS, statements


def test_every_record_is_named_and_linked_in_its_hit_as_the_orm_loaded_record(app):
    """A hit is read as a row of only what refs.READS declares (search.hits): for every seeded record of every
    type, its slug, label, url and citations equal those of the ORM-loaded record, so a label or url that reads
    anything undeclared fails here."""
    with app.test_request_context():
        records = db.session.scalars(select(with_polymorphic(Record, "*"))).all()
        with db.engine.connect() as conn:
            found = {hit.id: hit for hit in hits(conn, [record.id for record in records])}
        assert {record.type for record in records} == set(RECORD_TYPES)
        for record in records:
            hit = found[record.id]
            assert (hit.type, hit.slug, hit.ref) == (record.type, getattr(record, "slug", None), record_ref(record))
            assert [(c.document.slug, c.start, c.end, c.quote) for c in hit.citations] == [
                (c.document.slug, c.start, c.end, c.quote) for c in record.citations]
