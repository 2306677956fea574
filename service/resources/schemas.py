"""The served schemas that more than one resource shows (a position under its actor and its proposal, an actor
or a package embedded by `include=`), with their shapes, sorts and filters: resource modules share them through
this module and never import each other (tests/test_layout.py)."""

from __future__ import annotations

import functools

import marshmallow as ma
from marshmallow import fields, validate

from service import vocabulary as v
from service.models import Actor, ActorRelation, Position, Proposal
from service.resources.common import (
    CITED,
    Shape,
    by_slug,
    embeds_for,
    include_arg,
    included_field,
    link_of,
    links_of,
    options,
    permalink,
    shape,
)
from service.resources.record_fields import ClaimArgs, ClaimSchema, RecordSchema, Spans, choice_field, filter_claims
from service.validation import FullMatch


class ActorSchema(RecordSchema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/actors/{slug}")
    slug = fields.String(required=True, metadata={"example": "emmanuel-macron"})
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(v.ACTOR_KINDS))
    role = fields.String(allow_none=True)
    country = fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2"})
    parent = link_of("parent", "actors", "The actor this one belongs to (a leader's state ...)")
    aliases = fields.Function(lambda actor: [a.alias for a in actor.aliases],
                              metadata={"type": "array", "items": {"type": "string"},
                                        "description": "Other names the sources use (metonyms)"})
    citations = Spans("content")


ACTOR: Shape = shape({"aliases": {}}, CITED)


class RelationSchema(ClaimSchema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/relations/{slug}")
    slug = fields.String(required=True, metadata={"example": "france-co-hosts-coalition-summit"})
    subject = link_of("subject", "actors", "The actor the relation goes from")
    predicate = fields.String(required=True, validate=validate.OneOf(v.RELATION_PREDICATES))
    object = link_of("object", "actors", "The actor the relation goes to")
    citations = Spans("content")


RELATION_SORTS = {"predicate": ActorRelation.predicate, "slug": ActorRelation.slug}


class AttributeSchema(ClaimSchema):
    key = fields.String(required=True, validate=validate.OneOf(v.ATTRIBUTE_KEYS))
    value = fields.String(required=True)
    citations = Spans("content")


class ProposalSchema(ClaimSchema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/proposals/{slug}")
    slug = fields.String(required=True, metadata={"example": "reassurance-force"})
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(v.PROPOSAL_KINDS))
    description = fields.String(required=True)
    mandate = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(v.PROPOSAL_STATUSES))
    proposers = links_of("proposers", "actors", "The actors who put it forward")
    attributes = fields.List(fields.Nested(AttributeSchema), required=True)
    citations = Spans("content")


PROPOSAL: Shape = shape({"proposers": {}, "attributes": CITED}, CITED)


class AidPackageSchema(ClaimSchema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/aid-packages/{slug}")
    slug = fields.String(required=True)
    donor = link_of("donor", "actors", "The donor actor")
    recipient = link_of("recipient", "actors", "The recipient actor")
    announced_by = link_of("announced_by", "actors", "The actor who announced it")
    amount = fields.Decimal(as_string=True, allow_none=True,
                            metadata={"description": "Total value, as a decimal string", "example": "2000000000.00"})
    currency = fields.String(allow_none=True, metadata={"description": "ISO 4217", "example": "EUR"})
    date = fields.Date(allow_none=True)
    delivery_schedule = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    items = links_of("items", "aid-items", "The package's aid items")
    citations = Spans("content")


# What AidPackageSchema dumps besides its columns (its actors' slugs are columns too).
AID_PACKAGE: Shape = shape({"items": {}}, CITED)


class ConditionSchema(ClaimSchema):
    slug = fields.String(required=True)
    url = fields.Function(lambda c: f"/api/v1/positions/{c.position_slug}", metadata={
        "type": "string", "description": "The URL of the position that holds the condition"})
    kind = choice_field(v.CONDITION_KINDS, required=True)
    description = fields.String(required=True)
    proposal = link_of("proposal", "proposals", "The proposal the condition concerns, if any")
    event = link_of("event", "events", "The event the condition concerns, if any")
    citations = Spans("content")


POSITION_INCLUDES = ("holder", "speaker", "reported_by", "about", "proposal")


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
    included = included_field(POSITION_INCLUDES)


POSITION_SORTS = {"date": Position.date, "topic": Position.topic, "stance": Position.stance,
         "slug": Position.slug}


class PositionArgs(ClaimArgs):
    holder = fields.String(metadata={"description": "Slug of the actor whose view it is"})
    about = fields.String(metadata={"description": "Slug of the actor the claim is about"})
    topic = fields.String(validate=FullMatch(v.TOPIC_PATTERN))
    stance = fields.String(validate=validate.OneOf(tuple(v.STANCES)))
    proposal = fields.String(metadata={"description": "Proposal slug"})
    date_from = fields.Date(data_key="from", metadata={"description": "Stated on or after (ISO date)"})
    date_to = fields.Date(data_key="to", metadata={"description": "Stated on or before (ISO date)"})
    include = include_arg(POSITION_INCLUDES)

    @ma.validates_schema
    def _range(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("`from` is after `to`.", field_name="from")


POSITION: Shape = shape({"conditions": CITED}, CITED)


@functools.cache  # loader options are immutable: build them once, not per request
def position_options() -> tuple:
    """Loader options for one position in full (its item view and writes)."""
    return options(Position, POSITION)


def position_embeds(include: tuple[str, ...]) -> dict:
    """What `include=` adds to each position: the related records dumped in full."""
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
