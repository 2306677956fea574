"""List pages serve stored bodies (service/read_model.py): every item equals the same record loaded by the ORM
and dumped by its schema, and its item view; tests/test_read_model.py counts a page's statements."""

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models import Actor, ActorRelation, AidItem, AidPackage, Event, Position, Proposal, RecordBody
from service.resources import shapes
from service.resources.actors import ACTOR, ActorSchema, RelationSchema
from service.resources.aid_items import AidItemSchema
from service.resources.aid_packages import AID_PACKAGE, AidPackageSchema
from service.resources.common import CITED
from service.resources.events import EVENT, EventSchema
from service.resources.positions import POSITION, PositionSchema
from service.resources.proposals import PROPOSAL, ProposalSchema
from tests.helpers import assert_problem, count_statements
from tests.test_listing import COMPUTE

# list URL -> (model, its shape, the schema its items are dumped with)
LISTS = {
    "/api/v1/actors": (Actor, ACTOR, ActorSchema),
    "/api/v1/positions": (Position, POSITION, PositionSchema),
    "/api/v1/aid-items": (AidItem, CITED, AidItemSchema),
    "/api/v1/aid-packages": (AidPackage, AID_PACKAGE, AidPackageSchema),
    "/api/v1/events": (Event, EVENT, EventSchema),
    "/api/v1/proposals": (Proposal, PROPOSAL, ProposalSchema),
}


def orm_dump(app, model, shape, schema) -> dict[int, dict]:
    """Every record of MODEL loaded by the ORM (with the shape's loader options) and dumped by marshmallow."""
    with app.app_context():
        records = db.session.scalars(select(model).options(*shapes.options(model, shape))).unique().all()
        return {record.id: schema().dump(record) for record in records}


@pytest.mark.parametrize("url", LISTS)
def test_list_items_equal_the_orm_loaded_records(app, client, url):
    items = client.get(f"{url}?limit=500", headers=COMPUTE).get_json()["items"]
    expected = orm_dump(app, *LISTS[url])
    assert len(items) == len(expected) > 0
    for item in items:
        assert item == expected[item["id"]]


def test_list_relations_equal_the_orm_loaded_records(app, client):
    items = client.get("/api/v1/actors/france/relations?limit=500", headers=COMPUTE).get_json()["items"]
    expected = orm_dump(app, ActorRelation, CITED, RelationSchema)
    assert items and all(item == expected[item["id"]] for item in items)


@pytest.mark.parametrize("url", ["/api/v1/actors", "/api/v1/positions", "/api/v1/aid-items",
                                 "/api/v1/aid-packages", "/api/v1/events", "/api/v1/proposals"])
def test_list_items_equal_their_item_view(client, url):
    """The item view loads one record through the ORM; the list serves the same representation."""
    for item in client.get(f"{url}?limit=500", headers=COMPUTE).get_json()["items"]:
        single = client.get(item["url"]).get_json()
        assert item == {key: single[key] for key in item}


@pytest.mark.parametrize(("url", "name", "view"), [
    ("/api/v1/positions?include=holder,reported_by,proposal", "holder", "/api/v1/actors/{slug}"),
    ("/api/v1/positions?include=holder,reported_by,proposal", "reported_by", "/api/v1/actors/{slug}"),
    ("/api/v1/positions?include=holder,reported_by,proposal", "proposal", "/api/v1/proposals/{slug}"),
    ("/api/v1/positions?include=speaker,about", "speaker", "/api/v1/actors/{slug}"),
    ("/api/v1/positions?include=speaker,about", "about", "/api/v1/actors/{slug}"),
    ("/api/v1/aid-items?include=package,donor", "package", "/api/v1/aid-packages/{slug}"),
    ("/api/v1/aid-items?include=package,donor", "donor", "/api/v1/actors/{slug}"),
    ("/api/v1/events?include=participants", "participants", "/api/v1/actors/{slug}"),
])
def test_included_records_equal_their_item_view(client, url, name, view):
    embedded = 0
    for item in client.get(f"{url}&limit=500", headers=COMPUTE).get_json()["items"]:
        related = item["included"][name]
        for record in related if isinstance(related, list) else [related] if related else []:
            single = client.get(view.format(**record)).get_json()
            assert record == {key: single[key] for key in record}
            embedded += 1
    assert embedded > 0


def test_every_search_hit_links_to_a_record_that_exists(client):
    hits = client.get("/api/v1/search?q=Ukraine&limit=500", headers=COMPUTE).get_json()["items"]
    assert len({hit["type"] for hit in hits}) > 3
    for hit in hits:
        assert client.get(hit["url"]).status_code == 200, hit


ITEM_VIEWS = {url: LISTS[url] for url in LISTS if url != "/api/v1/proposals"}  # a proposal's view is its detail


@pytest.mark.parametrize("url", ITEM_VIEWS)
def test_get_item_answers_the_bytes_of_the_orm_loaded_record_dumped_by_its_schema(app, client, url):
    """An item view without include= answers its stored body: byte for byte what the ORM-loaded record's dump
    encodes to, so the ETag a client keeps from a list's item view is the one a PATCH's If-Match compares."""
    expected = orm_dump(app, *ITEM_VIEWS[url])
    for dump in expected.values():
        response = client.get(f"{url}/{dump['slug']}", headers=COMPUTE)
        with app.app_context():
            encoded = app.json.response(dump).get_data()
        assert (response.status_code, response.content_type) == (200, "application/json")
        assert response.data == encoded, dump["slug"]


def test_get_relation_item_answers_the_bytes_of_the_orm_loaded_record(app, client):
    from service.resources.relations import RelationItemSchema

    expected = orm_dump(app, ActorRelation, CITED, RelationItemSchema)
    assert expected
    for dump in expected.values():
        with app.app_context():
            encoded = app.json.response(dump).get_data()
        assert client.get(f"/api/v1/relations/{dump['slug']}", headers=COMPUTE).data == encoded


@pytest.mark.parametrize("url", [*ITEM_VIEWS, "/api/v1/relations"])
def test_get_item_reads_one_statement_and_a_missing_one_is_a_404_problem(app, client, url):
    slug = client.get(f"{url}?limit=1", headers=COMPUTE).get_json()["items"][0]["slug"]
    assert count_statements(app, f"{url}/{slug}", COMPUTE) == 1
    assert_problem(client.get(f"{url}/no-such-{slug}", headers=COMPUTE), 404)


def test_get_item_without_a_stored_body_answers_the_orm_loaded_record(empty_app):
    """A record whose body is missing (inserted by raw SQL, say, before `bodies rebuild`) is still served."""
    client = empty_app.test_client()
    assert empty_app.test_cli_runner().invoke(args=["seed", "load"]).exit_code == 0
    slug = client.get("/api/v1/positions?limit=1", headers=COMPUTE).get_json()["items"][0]["slug"]
    served = client.get(f"/api/v1/positions/{slug}", headers=COMPUTE)
    with empty_app.app_context():
        position = db.session.scalars(select(Position).where(Position.slug == slug)).one()
        db.session.execute(RecordBody.__table__.delete().where(RecordBody.__table__.c.id == position.id))
        db.session.commit()
    again = client.get(f"/api/v1/positions/{slug}", headers=COMPUTE)
    assert again.status_code == 200 and again.data == served.data
