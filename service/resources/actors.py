"""/actors: people, states, institutions and coalitions, their aliases, positions and relations."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from service import vocabulary as v
from service.models import Actor, ActorRelation, Position
from service.resources.common import (
    permalink,
    ListArgs, cited, citations_field, get_or_404, list_endpoint, paginate, slug_of,
)
from service.resources.positions import SORTS as POSITION_SORTS
from service.resources.positions import (
    PositionArgs, PositionSchema, embeds, filter_positions, includes, select_positions,
)

blp = Blueprint("actors", __name__, url_prefix="/api/v1/actors",
                description="Actors: people, states, governments, institutions, coalitions, armed forces.")


class ActorSchema(ma.Schema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/actors/{slug}")
    slug = fields.String(required=True, metadata={"example": "emmanuel-macron"})
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(v.ACTOR_KINDS))
    role = fields.String(allow_none=True)
    country = fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2"})
    parent = slug_of("parent", "Slug of the actor this one belongs to (a leader's state ...)")
    aliases = fields.Function(lambda actor: [a.alias for a in actor.aliases],
                              metadata={"type": "array", "items": {"type": "string"},
                                        "description": "Other names the sources use (metonyms)"})
    citations = citations_field()



SORTS = {"name": Actor.name, "slug": Actor.slug, "kind": Actor.kind}


class ActorArgs(ListArgs):
    kind = fields.String(validate=validate.OneOf(v.ACTOR_KINDS))
    country = fields.String(validate=validate.Regexp(r"^[A-Z]{2}$"))


def actor_options() -> tuple:
    return (joinedload(Actor.parent).load_only(Actor.slug), selectinload(Actor.aliases), cited(Actor))


def _select():
    return select(Actor).options(*actor_options())


@blp.route("")
class Actors(MethodView):
    @list_endpoint(blp, ActorArgs, ActorSchema, SORTS)
    def get(self, args):
        """List actors"""
        stmt = _select()
        for name in ("kind", "country"):
            if name in args:
                stmt = stmt.where(getattr(Actor, name) == args[name])
        return paginate(stmt, Actor, args, ActorSchema, SORTS)


@blp.route("/<slug>")
class ActorBySlug(MethodView):
    @blp.response(200, ActorSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """Get an actor"""
        return get_or_404(_select().where(Actor.slug == slug), f"actor with slug {slug!r}")


class ActorPositionArgs(PositionArgs):
    class Meta:
        exclude = ("actor",)


@blp.route("/<slug>/positions")
class ActorPositions(MethodView):
    @list_endpoint(blp, ActorPositionArgs, PositionSchema, POSITION_SORTS)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug):
        """List the positions an actor holds"""
        actor = get_or_404(select(Actor.id).where(Actor.slug == slug), f"actor with slug {slug!r}")
        include = includes(args)
        stmt = filter_positions(select_positions(include), args).where(Position.actor_id == actor)
        return paginate(stmt, Position, args, PositionSchema, POSITION_SORTS, embeds(include))


class RelationSchema(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True, metadata={"example": "france-co-hosts-coalition-summit"})
    subject = slug_of("subject", "Slug of the actor the relation goes from")
    predicate = fields.String(required=True, validate=validate.OneOf(v.RELATION_PREDICATES))
    object = slug_of("object", "Slug of the actor the relation goes to")
    citations = citations_field()


RELATION_SORTS = {"predicate": ActorRelation.predicate, "slug": ActorRelation.slug}
DIRECTIONS = {"outgoing": (ActorRelation.subject_id,), "incoming": (ActorRelation.object_id,),
              "both": (ActorRelation.subject_id, ActorRelation.object_id)}


class ActorRelationArgs(ListArgs):
    predicate = fields.String(validate=validate.OneOf(v.RELATION_PREDICATES))
    direction = fields.String(load_default="both", validate=validate.OneOf(DIRECTIONS), metadata={
        "description": "`outgoing` (the actor is the subject), `incoming` (the object) or `both`"})


@blp.route("/<slug>/relations")
class ActorRelations(MethodView):
    @list_endpoint(blp, ActorRelationArgs, RelationSchema, RELATION_SORTS)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug):
        """List the relations the sources state between an actor and others"""
        actor = get_or_404(select(Actor.id).where(Actor.slug == slug), f"actor with slug {slug!r}")
        stmt = select(ActorRelation).options(
            joinedload(ActorRelation.subject).load_only(Actor.slug),
            joinedload(ActorRelation.object).load_only(Actor.slug),
            cited(ActorRelation),
        ).where(or_(*(side == actor for side in DIRECTIONS[args["direction"]])))
        if "predicate" in args:
            stmt = stmt.where(ActorRelation.predicate == args["predicate"])
        return paginate(stmt, ActorRelation, args, RelationSchema, RELATION_SORTS)
