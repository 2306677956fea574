"""/positions: what each holder says or holds on a topic or proposal, who says it, how surely, with conditions."""

from __future__ import annotations

import functools

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from service import vocabulary as v
from service.http.request_input import Blueprint
from service.models import Actor, Event, Position, PositionCondition, Proposal
from service.resources.common import (
    CITED,
    Shape,
    by_slug,
    embeds_for,
    get_or_404,
    id_redirect,
    include_arg,
    included_field,
    includes,
    item_include_args,
    link_of,
    list_endpoint,
    list_route,
    options,
    paginate,
    permalink,
    query_args,
    shape,
    with_included,
)
from service.resources.record_fields import ClaimArgs, ClaimSchema, Spans, choice_field, filter_claims
from service.resources.record_writing import assign_claim, check
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
from service.validation import FullMatch

blp = Blueprint("positions", __name__, url_prefix="/api/v1/positions",
                description="Positions: what a holder says or holds (an actor, or the outlet in its own voice), "
                            "who says it, how surely, each cited.")


class ConditionSchema(ClaimSchema):
    slug = fields.String(required=True)
    url = fields.Function(lambda c: f"/api/v1/positions/{c.position_slug}", metadata={
        "type": "string", "description": "The URL of the position that holds the condition"})
    kind = choice_field(v.CONDITION_KINDS, required=True)
    description = fields.String(required=True)
    proposal = link_of("proposal", "proposals", "The proposal the condition concerns, if any")
    event = link_of("event", "events", "The event the condition concerns, if any")
    citations = Spans("content")


INCLUDES = ("holder", "speaker", "reported_by", "about", "proposal")


class PositionSchema(ClaimSchema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/positions/{slug}")
    slug = fields.String(required=True)
    holder = link_of("holder", "actors", "The actor whose view it is (the outlet for its own assessments)")
    about = link_of("about", "actors", "The actor the claim is about, when the holder speaks of another")
    topic = fields.String(required=True, metadata={"example": "sanctions"})
    stance = choice_field(v.STANCES, required=True, description="What the holder does with words")
    summary = fields.String(required=True)
    proposal = link_of("proposal", "proposals", "The proposal it concerns, if any")
    date = fields.Date(allow_none=True)
    conditions = fields.List(fields.Nested(ConditionSchema), required=True)
    citations = Spans("content")
    included = included_field(INCLUDES)


SORTS = {"date": Position.date, "topic": Position.topic, "stance": Position.stance,
         "slug": Position.slug}


class PositionArgs(ClaimArgs):
    holder = fields.String(metadata={"description": "Slug of the actor whose view it is"})
    about = fields.String(metadata={"description": "Slug of the actor the claim is about"})
    topic = fields.String(validate=FullMatch(v.TOPIC_PATTERN))
    stance = fields.String(validate=validate.OneOf(tuple(v.STANCES)))
    proposal = fields.String(metadata={"description": "Proposal slug"})
    date_from = fields.Date(data_key="from", metadata={"description": "Stated on or after (ISO date)"})
    date_to = fields.Date(data_key="to", metadata={"description": "Stated on or before (ISO date)"})
    include = include_arg(INCLUDES)

    @ma.validates_schema
    def _range(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("`from` is after `to`.", field_name="from")


POSITION: Shape = shape({"conditions": CITED}, CITED)


@functools.cache  # shapes are read, never changed: build each combination once
def position_shape(include: tuple[str, ...] = ()) -> Shape:
    """What a position is served with, and the related records `include=` embeds in full."""
    from service.resources.actors import ACTOR
    from service.resources.proposals import PROPOSAL

    related = {"holder": ACTOR, "speaker": ACTOR, "reported_by": ACTOR, "about": ACTOR, "proposal": PROPOSAL}
    return shape(POSITION, {name: related[name] for name in include})


@functools.cache  # loader options are immutable: build them once, not per request
def position_options() -> tuple:
    """Loader options for one position in full (its item view and writes)."""
    return options(Position, POSITION)


def embeds(include: tuple[str, ...]) -> dict:
    """What `include=` adds to each position: the related records dumped in full."""
    from service.resources.actors import ActorSchema
    from service.resources.proposals import ProposalSchema

    return embeds_for(include, {name: (name, ActorSchema) for name in ("holder", "speaker", "reported_by", "about")}
                      | {"proposal": ("proposal", ProposalSchema)})


def filter_positions(stmt, args: dict):
    stmt = filter_claims(stmt, Position, args)
    for name in ("holder", "about"):
        if name in args:
            stmt = stmt.where(getattr(Position, f"{name}_id") == by_slug(Actor, args[name]))
    if "proposal" in args:
        stmt = stmt.where(Position.proposal_id == by_slug(Proposal, args["proposal"]))
    for name in ("topic", "stance"):
        if name in args:
            stmt = stmt.where(getattr(Position, name) == args[name])
    if "date_from" in args:
        stmt = stmt.where(Position.date >= args["date_from"])
    if "date_to" in args:
        stmt = stmt.where(Position.date <= args["date_to"])
    return stmt


class PositionIn(seed_schema.PositionIn):
    briefing = seed_schema.Slug(required=True, metadata={"description": "Slug of the briefing it belongs to"})


class PositionPatch(seed_schema.PositionIn):
    pass


def assign(position: Position, data: dict) -> None:
    if "briefing" in data:
        position.briefing = briefing_of(data)
    set_plain(position, data, ("slug", "topic", "stance", "summary", "date"))
    for name, model in (("holder", Actor), ("about", Actor), ("proposal", Proposal)):
        if name in data:
            setattr(position, name, ref(model, data[name], name, position.briefing))
    assign_claim(position, data)
    if "conditions" in data:
        position.conditions = [_condition(position, c, f"conditions.{i}.") for i, c in enumerate(data["conditions"])]
    check([("", position), *((f"conditions.{i}.", c) for i, c in enumerate(position.conditions))])


def _condition(position: Position, data: dict, prefix: str) -> PositionCondition:
    condition = PositionCondition(briefing=position.briefing, slug=data["slug"], kind=data["kind"],
                                  description=data["description"])
    condition.proposal = ref(Proposal, data["proposal"], prefix + "proposal", position.briefing)
    condition.event = ref(Event, data["event"], prefix + "event", position.briefing)
    assign_claim(condition, data, prefix)
    return condition


WRITES = WriteSpec("positions", Position, "slug", "/api/v1/positions/{slug}", PositionSchema,
                   lambda key: select(Position).options(*position_options()).where(Position.slug == key), assign)


@list_route(blp, "")
class Positions(MethodView):
    @list_endpoint(blp, PositionArgs, PositionSchema, SORTS)
    def get(self, args):
        """List positions"""
        include = includes(args)
        return paginate(filter_positions(select(Position), args), Position, args, PositionSchema,
                        SORTS, embeds(include), shape=position_shape(include))

    @write_op(blp, create=True)
    @blp.arguments(PositionIn)
    @blp.response(201, PositionSchema, headers=WRITE_HEADERS)
    def post(self, data):
        """Create a position"""
        return create(WRITES, data)


@blp.route("/<slug>")
class PositionBySlug(MethodView):
    @blp.response(200, PositionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @query_args(blp, item_include_args(INCLUDES))
    @id_redirect(blp, Position, "positions", "position")
    def get(self, args, slug):
        """Get a position"""
        stmt = select(Position).options(*position_options()).where(Position.slug == slug)
        return with_included(get_or_404(stmt, f"position with slug {slug!r}"), PositionSchema,
                             embeds(includes(args)))

    @write_op(blp)
    @blp.arguments(partial(PositionPatch))
    @blp.response(200, PositionSchema, headers=WRITE_HEADERS)
    @id_redirect(blp, Position, "positions", "position")
    def patch(self, data, slug):
        """Update a position (partial)"""
        return update_record(WRITES, WRITES.fetch(slug), data)

    @write_op(blp, delete=True)
    @blp.response(204)
    @id_redirect(blp, Position, "positions", "position")
    def delete(self, slug):
        """Delete a position (its conditions go with it)"""
        return delete_record(WRITES, WRITES.fetch(slug))

