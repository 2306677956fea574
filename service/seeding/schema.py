"""The seed file's shape (briefing.yaml), validated with marshmallow before anything is written."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from service import vocabulary as v


def Slug(**kw) -> fields.String:  # noqa: N802 - reads like a field class in the schemas below
    return fields.String(validate=validate.Regexp(v.SLUG_PATTERN, error="Not a lowercase kebab-case slug."), **kw)


def Text(**kw) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.Length(min=1), **kw)


def choice(values: tuple[str, ...], **kw) -> fields.String:
    return fields.String(validate=validate.OneOf(values), **kw)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class CitationIn(Strict):
    quote = Text(required=True)
    start = fields.Integer(load_default=None, validate=validate.Range(min=0))
    document = Slug(load_default=None)


def cited(**kw) -> fields.List:
    return fields.List(fields.Nested(CitationIn), required=True,
                       validate=validate.Length(min=1, error="Every record needs at least one citation."), **kw)


class BriefingIn(Strict):
    slug = Slug(required=True)
    title = Text(required=True)
    summary = Text(required=True)


class DocumentIn(Strict):
    slug = Slug(required=True)
    file = Text(required=True)
    title = Text(required=True)
    publisher = Text(load_default=None)
    language = Text(required=True)
    original_language = Text(load_default=None)
    url = fields.Url(load_default=None, allow_none=True)
    published_date = fields.Date(load_default=None, allow_none=True)
    date_note = Text(load_default=None)
    translation_note = Text(load_default=None)


class ActorIn(Strict):
    slug = Slug(required=True)
    name = Text(required=True)
    kind = choice(v.ACTOR_KINDS, required=True)
    role = Text(load_default=None, allow_none=True)
    country = fields.String(load_default=None, allow_none=True,
                            validate=validate.Regexp(r"^[A-Z]{2}$", error="Not an ISO 3166-1 alpha-2 code."))
    parent = Slug(load_default=None, allow_none=True)
    aliases = fields.List(Text(), load_default=list)
    citations = cited()


class RelationIn(Strict):
    slug = Slug(required=True)
    subject = Slug(required=True)
    predicate = choice(v.RELATION_PREDICATES, required=True)
    object = Slug(required=True)
    citations = cited()


class ConditionIn(Strict):
    slug = Slug(required=True)
    description = Text(required=True)
    citations = cited()


class PositionIn(Strict):
    slug = Slug(required=True)
    actor = Slug(required=True)
    reported_by = Slug(load_default=None, allow_none=True)
    topic = fields.String(required=True, validate=validate.Regexp(v.TOPIC_PATTERN, error="Not a snake_case topic."))
    stance = choice(v.STANCES, required=True)
    summary = Text(required=True)
    proposal = Slug(load_default=None, allow_none=True)
    stated_on = fields.Date(load_default=None, allow_none=True)
    speech = choice(v.SPEECH, required=True)
    conditions = fields.List(fields.Nested(ConditionIn), load_default=list)
    citations = cited()


class AidItemIn(Strict):
    slug = Slug(required=True)
    system = Text(load_default=None, allow_none=True)
    category = Text(required=True)
    role = Text(load_default=None, allow_none=True)
    description = Text(required=True)
    quantity = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    status = choice(v.AID_STATUSES, required=True)
    citations = cited()


class AidPackageIn(Strict):
    slug = Slug(required=True)
    donor = Slug(required=True)
    recipient = Slug(required=True)
    announced_by = Slug(load_default=None, allow_none=True)
    amount = fields.Decimal(load_default=None, allow_none=True, validate=validate.Range(min=0))
    currency = fields.String(load_default=None, allow_none=True,
                             validate=validate.Regexp(r"^[A-Z]{3}$", error="Not an ISO 4217 code."))
    announced_on = fields.Date(load_default=None, allow_none=True)
    delivery_schedule = Text(load_default=None, allow_none=True)
    summary = Text(load_default=None, allow_none=True)
    items = fields.List(fields.Nested(AidItemIn), load_default=list)
    citations = cited()


class AttributeIn(Strict):
    key = choice(v.ATTRIBUTE_KEYS, required=True)
    value = Text(required=True)
    citations = cited()


class ProposalIn(Strict):
    slug = Slug(required=True)
    name = Text(required=True)
    kind = choice(v.PROPOSAL_KINDS, required=True)
    description = Text(required=True)
    proposers = fields.List(Slug(), load_default=list)
    mandate = Text(load_default=None, allow_none=True)
    status = choice(v.PROPOSAL_STATUSES, required=True)
    attributes = fields.List(fields.Nested(AttributeIn), load_default=list)
    citations = cited()


class EventIn(Strict):
    slug = Slug(required=True)
    date = fields.Date(required=True)
    title = Text(required=True)
    place = Text(load_default=None, allow_none=True)
    participants = fields.List(Slug(), load_default=list)
    date_reasoning = Text(load_default=None, allow_none=True)
    citations = cited()


class UncoveredIn(Strict):
    start = fields.Integer(required=True, validate=validate.Range(min=0))
    document = Slug(load_default=None)
    reason = Text(required=True)


class SeedFile(Strict):
    briefing = fields.Nested(BriefingIn, required=True)
    documents = fields.List(fields.Nested(DocumentIn), required=True, validate=validate.Length(min=1))
    actors = fields.List(fields.Nested(ActorIn), load_default=list)
    relations = fields.List(fields.Nested(RelationIn), load_default=list)
    positions = fields.List(fields.Nested(PositionIn), load_default=list)
    aid_packages = fields.List(fields.Nested(AidPackageIn), load_default=list)
    proposals = fields.List(fields.Nested(ProposalIn), load_default=list)
    events = fields.List(fields.Nested(EventIn), load_default=list)
    uncovered_sentences = fields.List(fields.Nested(UncoveredIn), load_default=list)
