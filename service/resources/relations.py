"""/relations: the relations the sources state between two actors of one briefing, written like every record."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from service import vocabulary as v
from service.http.request_input import Blueprint
from service.models import Actor, ActorRelation
from service.read_model import Body
from service.resources.common import CITED, by_slug, item_or_404, list_endpoint, list_route, options
from service.resources.record_fields import ClaimArgs, filter_claims
from service.resources.record_writing import assign_claim, check
from service.resources.schemas import RELATION_SORTS, RelationSchema
from service.resources.writing import (
    WRITE_HEADERS,
    WriteSpec,
    briefing_of,
    create,
    delete_record,
    partial,
    ref,
    set_plain,
    update_record,
    write_op,
)
from service.seeding import schema as seed_schema

blp = Blueprint("relations", __name__, url_prefix="/api/v1/relations",
                description="Stated relations between two actors (subject --predicate--> object).")


class RelationItemSchema(RelationSchema):
    """A relation, as its own resource serves it (as under its actors, with its `url`)."""


class RelationArgs(ClaimArgs):
    subject = fields.String(metadata={"description": "Slug of the actor the relation goes from"})
    object = fields.String(metadata={"description": "Slug of the actor the relation goes to"})
    predicate = fields.String(validate=validate.OneOf(v.RELATION_PREDICATES),
                              metadata={"description": "The kind of relation"})


def _select():
    return select(ActorRelation).options(*options(ActorRelation, CITED))


class RelationIn(seed_schema.RelationIn):
    briefing = seed_schema.Slug(required=True, metadata={"description": "Slug of the briefing it belongs to"})


class RelationPatch(seed_schema.RelationIn):
    pass


def assign(relation: ActorRelation, data: dict) -> None:
    if "briefing" in data:
        relation.briefing = briefing_of(data)
    set_plain(relation, data, ("slug", "predicate"))
    for side in ("subject", "object"):
        if side in data:
            setattr(relation, side, ref(Actor, data[side], side, relation.briefing))
    assign_claim(relation, data)
    check([("", relation)])


# Its list item as stored in record_bodies, rendered when a record is written (service/read_model.py).
BODY = Body(ActorRelation, "relations", RelationSchema, CITED)
WRITES = WriteSpec("relations", ActorRelation, "slug", "/api/v1/relations/{slug}", RelationItemSchema,
                   lambda key: _select().where(ActorRelation.slug == key), assign)


@list_route(blp, "")
class Relations(MethodView):
    @list_endpoint(blp, RelationArgs, RelationItemSchema, RELATION_SORTS, model=ActorRelation)
    def get(self, args):
        """List relations"""
        stmt = select(ActorRelation)
        for side in ("subject", "object"):
            if side in args:
                stmt = stmt.where(getattr(ActorRelation, f"{side}_id") == by_slug(Actor, args[side]))
        if "predicate" in args:
            stmt = stmt.where(ActorRelation.predicate == args["predicate"])
        return filter_claims(stmt, ActorRelation, args)

    @write_op(blp, create=True)
    @blp.arguments(RelationIn)
    @blp.response(201, RelationItemSchema, headers=WRITE_HEADERS)
    def post(self, data):
        """Create a relation"""
        return create(WRITES, data)


@blp.route("/<slug>")
class RelationBySlug(MethodView):
    @blp.response(200, RelationItemSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """Get a relation"""
        return item_or_404(ActorRelation, RelationItemSchema, _select().where(ActorRelation.slug == slug),
                           f"relation {slug!r}")

    @write_op(blp)
    @blp.arguments(partial(RelationPatch))
    @blp.response(200, RelationItemSchema, headers=WRITE_HEADERS)
    def patch(self, data, slug):
        """Update a relation (partial)"""
        return update_record(WRITES, WRITES.fetch(slug), data)

    @write_op(blp, delete=True)
    @blp.response(204)
    def delete(self, slug):
        """Delete a relation"""
        return delete_record(WRITES, WRITES.fetch(slug))
