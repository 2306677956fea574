"""/actors: people, states, institutions and coalitions, their aliases, positions and relations."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import or_, select

from service import vocabulary as v
from service.briefings import pages
from service.http.request_input import Blueprint
from service.models import (
    Actor,
    ActorAlias,
    ActorRelation,
    AidPackage,
    Position,
    Record,
    event_participants,
    proposal_proposers,
)
from service.read_model import Body
from service.resources.common import (
    ListArgs,
    get_or_404,
    item_or_404,
    list_endpoint,
    list_route,
    options,
)
from service.resources.record_fields import ClaimArgs, filter_claims
from service.resources.record_writing import assign_record, check
from service.resources.schemas import (
    ACTOR,
    POSITION_SORTS,
    RELATION_SORTS,
    ActorSchema,
    PositionArgs,
    PositionSchema,
    RelationSchema,
    filter_positions,
)
from service.resources.writing import (
    WRITE_HEADERS,
    WriteSpec,
    briefing_of,
    count_referrers,
    create,
    delete_record,
    partial,
    ref,
    set_plain,
    unknown,
    update_record,
    write_op,
)
from service.seeding import schema as seed_schema
from service.validation import FullMatch

blp = Blueprint("actors", __name__, url_prefix="/api/v1/actors",
                description="Actors: people, states, governments, institutions, coalitions, armed forces.")


SORTS = {"name": Actor.name, "slug": Actor.slug, "kind": Actor.kind}


class ActorArgs(ListArgs):
    kind = fields.String(validate=validate.OneOf(v.ACTOR_KINDS))
    country = fields.String(validate=FullMatch(r"^[A-Z]{2}$"))


def actor_options() -> tuple:
    return options(Actor, ACTOR)


def _select():
    return select(Actor).options(*actor_options())


class ActorIn(seed_schema.ActorIn):
    briefing = seed_schema.Slug(required=True, metadata={"description": "Slug of the briefing it belongs to"})


class ActorPatch(seed_schema.ActorIn):
    pass


@list_route(blp, "")
class Actors(MethodView):
    @list_endpoint(blp, ActorArgs, ActorSchema, SORTS, model=Actor)
    def get(self, args):
        """List actors"""
        stmt = select(Actor)
        for name in ("kind", "country"):
            if name in args:
                stmt = stmt.where(getattr(Actor, name) == args[name])
        return stmt

    @write_op(blp, create=True)
    @blp.arguments(ActorIn)
    @blp.response(201, ActorSchema, headers=WRITE_HEADERS)
    def post(self, data):
        """Create an actor"""
        return create(WRITES, data)


ACTOR_PAGE = "The actor: JSON (the default), or `text/html`, its page (who said what, how surely, cited)."


@blp.route("/<slug>")
class ActorBySlug(MethodView):
    @blp.response(200, ActorSchema, description=ACTOR_PAGE, headers=pages.VARY)
    @blp.alt_response(200, schema={"type": "string"}, content_type=pages.HTML, success=True,
                      description=ACTOR_PAGE, headers=pages.VARY)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(406, response="NOT_ACCEPTABLE")
    def get(self, slug):
        """Get an actor, or (Accept: text/html) its page: who said what

        Negotiated on `Accept`: `application/json` (the default) or `text/html`, a page of the positions the
        actor holds, those it states for others and those others state about it, each with who says it and
        how surely, linked to the quotes.
        """
        stmt = _select().where(Actor.slug == slug)
        if pages.wants_html():
            return pages.actor_page(get_or_404(stmt, f"actor with slug {slug!r}"))
        return item_or_404(Actor, ActorSchema, stmt, f"actor with slug {slug!r}", headers={"Vary": "Accept"})

    @write_op(blp)
    @blp.arguments(partial(ActorPatch))
    @blp.response(200, ActorSchema, headers=WRITE_HEADERS)
    def patch(self, data, slug):
        """Update an actor (partial)"""
        return update_record(WRITES, WRITES.fetch(slug), data)

    @write_op(blp, delete=True)
    @blp.response(204)
    def delete(self, slug):
        """Delete an actor nothing refers to"""
        return delete_record(WRITES, WRITES.fetch(slug))


def assign(actor: Actor, data: dict) -> None:
    if "briefing" in data:
        actor.briefing = briefing_of(data)
    set_plain(actor, data, ("slug", "name", "kind", "role", "country"))
    if "parent" in data:
        actor.parent = _parent(actor, ref(Actor, data["parent"], "parent", actor.briefing))
    if "aliases" in data:
        keep = {a.alias: a for a in actor.aliases}
        actor.aliases = [keep.get(a) or ActorAlias(alias=a) for a in sorted(set(data["aliases"]))]
    assign_record(actor, data)
    check([("", actor)], claim_types=False)


def _parent(actor: Actor, parent: Actor | None) -> Actor | None:
    """PARENT, unless it is ACTOR or one of ACTOR's descendants (a 422 naming `parent`: parents never cycle)."""
    ancestor, seen = parent, set()
    while ancestor is not None and ancestor.id not in seen:
        if ancestor is actor:
            unknown("parent", "An actor cannot be its own parent, nor the parent of one of its ancestors.")
        seen.add(ancestor.id)
        ancestor = ancestor.parent
    return parent


def referrers(actor: Actor) -> list[str]:
    return count_referrers(actor.id, {
        "positions": [Position.holder_id, Position.about_id],
        "records (as speaker or reporter)": [Record.speaker_id, Record.reported_by_id],
        "relations": [ActorRelation.subject_id, ActorRelation.object_id],
        "aid packages": [AidPackage.donor_id, AidPackage.recipient_id, AidPackage.announced_by_id],
        "actors (as parent)": [Actor.parent_id],
        "proposals (as proposer)": [proposal_proposers.c.actor_id],
        "events (as participant)": [event_participants.c.actor_id],
    })


# Its list item as stored in record_bodies, rendered when a record is written (service/read_model.py).
BODY = Body(Actor, "actors", ActorSchema, ACTOR)
WRITES = WriteSpec("actors", Actor, "slug", "/api/v1/actors/{slug}", ActorSchema,
                   lambda slug: _select().where(Actor.slug == slug), assign, referrers)


class ActorPositionArgs(PositionArgs):
    class Meta:
        exclude = ("holder",)


@list_route(blp, "/<slug>/positions")
class ActorPositions(MethodView):
    @list_endpoint(blp, ActorPositionArgs, PositionSchema, POSITION_SORTS, model=Position)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug):
        """List the positions an actor holds (of which it is the holder)"""
        actor = get_or_404(select(Actor.id).where(Actor.slug == slug), f"actor with slug {slug!r}")
        return filter_positions(select(Position), args).where(Position.holder_id == actor)


DIRECTIONS = {"outgoing": (ActorRelation.subject_id,), "incoming": (ActorRelation.object_id,),
              "both": (ActorRelation.subject_id, ActorRelation.object_id)}


class ActorRelationArgs(ClaimArgs):
    predicate = fields.String(validate=validate.OneOf(v.RELATION_PREDICATES))
    direction = fields.String(load_default="both", validate=validate.OneOf(DIRECTIONS), metadata={
        "description": "`outgoing` (the actor is the subject), `incoming` (the object) or `both`"})


@list_route(blp, "/<slug>/relations")
class ActorRelations(MethodView):
    @list_endpoint(blp, ActorRelationArgs, RelationSchema, RELATION_SORTS, model=ActorRelation)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug):
        """List the relations the sources state between an actor and others"""
        actor = get_or_404(select(Actor.id).where(Actor.slug == slug), f"actor with slug {slug!r}")
        sides = DIRECTIONS[args["direction"]]
        stmt = select(ActorRelation).where(or_(*(side == actor for side in sides)))
        if "predicate" in args:
            stmt = stmt.where(ActorRelation.predicate == args["predicate"])
        return filter_claims(stmt, ActorRelation, args)
