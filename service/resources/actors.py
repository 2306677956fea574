"""/actors: people, states, institutions and coalitions, their aliases and their positions."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from service import vocabulary as v
from service.models import Actor, Position
from service.resources.common import (
    LINK_HEADER, PageArgs, cited, citations_field, get_or_404, page_of, paginate, query_args, slug_of,
)
from service.resources.positions import PositionArgs, PositionPage, filter_positions, select_positions

blp = Blueprint("actors", __name__, url_prefix="/api/v1/actors",
                description="Actors: people, states, governments, institutions, coalitions, armed forces.")


class ActorSchema(ma.Schema):
    id = fields.Integer(required=True)
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


ActorPage = page_of(ActorSchema)


class ActorArgs(PageArgs):
    kind = fields.String(validate=validate.OneOf(v.ACTOR_KINDS))
    country = fields.String(validate=validate.Regexp(r"^[A-Z]{2}$"))


def _select():
    return select(Actor).options(
        joinedload(Actor.parent).load_only(Actor.slug),
        selectinload(Actor.aliases),
        cited(Actor),
    )


@blp.route("")
class Actors(MethodView):
    @query_args(blp, ActorArgs)
    @blp.response(200, ActorPage, headers=LINK_HEADER)
    def get(self, args):
        """List actors"""
        stmt = _select()
        for name in ("kind", "country"):
            if name in args:
                stmt = stmt.where(getattr(Actor, name) == args[name])
        return paginate(stmt, Actor, args)


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
    @query_args(blp, ActorPositionArgs)
    @blp.response(200, PositionPage, headers=LINK_HEADER)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug):
        """List the positions an actor holds"""
        actor = get_or_404(select(Actor.id).where(Actor.slug == slug), f"actor with slug {slug!r}")
        stmt = filter_positions(select_positions(), args).where(Position.actor_id == actor)
        return paginate(stmt, Position, args)
