"""Schemas of the composed briefing (GET /api/v1/briefings/{slug}): one document, every statement cited."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from service import vocabulary as v


class QuoteSchema(ma.Schema):
    """A citation with a ready-to-paste reference: outlet, title, date and the quote."""

    document = fields.String(required=True, metadata={"description": "Slug of the cited document"})
    start = fields.Integer(required=True,
                           metadata={"description": "Offset of the first character (code points)"})
    end = fields.Integer(required=True, metadata={"description": "Offset just past the last character"})
    quote = fields.String(required=True, metadata={"description": "Verbatim text[start:end]"})
    reference = fields.String(required=True, metadata={
        "description": "Outlet, title, date and the quote, ready to paste into a text",
        "example": "Le Monde, [Macron announces \u20ac2 billion ...], 26 March 2025: "
                   "\u201cfar too early\u201d"})


def quotes() -> fields.List:
    return fields.List(fields.Nested(QuoteSchema), required=True,
                       metadata={"description": "The source passages that state this"})


class ActorRefSchema(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


def actor_ref(description: str, **kwargs) -> fields.Nested:
    return fields.Nested(ActorRefSchema, metadata={"description": description}, **kwargs)


class SourceSchema(ma.Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    publisher = fields.String(allow_none=True, required=True)
    published_date = fields.Date(allow_none=True, required=True)
    url = fields.String(allow_none=True, required=True)


class TimelineEventSchema(ma.Schema):
    slug = fields.String(required=True)
    date = fields.Date(required=True)
    title = fields.String(required=True)
    place = fields.String(allow_none=True, required=True)
    participants = fields.List(fields.Nested(ActorRefSchema), required=True)
    date_reasoning = fields.String(allow_none=True, required=True,
                                   metadata={"description": "How the date was inferred, when it was"})
    citations = quotes()


class WhoSchema(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(v.ACTOR_KINDS))
    role = fields.String(allow_none=True, required=True)
    country = fields.String(allow_none=True, required=True, metadata={"description": "ISO 3166-1 alpha-2"})
    parent = actor_ref("The state a person leads, the state an army belongs to ...", allow_none=True,
                       required=True)
    aliases = fields.List(fields.String(), required=True, metadata={"description": "Other names in the text"})
    citations = quotes()


class WhoGroupSchema(ma.Schema):
    kind = fields.String(required=True, validate=validate.OneOf(v.ACTOR_KINDS))
    label = fields.String(required=True, metadata={"example": "People"})
    actors = fields.List(fields.Nested(WhoSchema), required=True, metadata={"description": "By name"})


class ConditionEntrySchema(ma.Schema):
    slug = fields.String(required=True)
    description = fields.String(required=True)
    citations = quotes()


class StanceEntrySchema(ma.Schema):
    """One position: who holds it, the stance, what they said, under which conditions."""

    position = fields.String(required=True, metadata={"description": "Slug of the position"})
    actor = actor_ref("Who holds the position", required=True)
    stance = fields.String(required=True, validate=validate.OneOf(v.STANCES))
    summary = fields.String(required=True)
    speech = fields.String(required=True, validate=validate.OneOf(v.SPEECH))
    stated_on = fields.Date(allow_none=True, required=True)
    reported_by = actor_ref("Who reports it, when not the holder", allow_none=True, required=True)
    conditions = fields.List(fields.Nested(ConditionEntrySchema), required=True)
    citations = quotes()


class MatrixColumnSchema(ma.Schema):
    key = fields.String(required=True, metadata={"example": "proposal:reassurance-force"})
    kind = fields.String(required=True, validate=validate.OneOf(("proposal", "topic")))
    label = fields.String(required=True)


class MatrixCellSchema(ma.Schema):
    column = fields.String(required=True, metadata={"description": "`key` of the column"})
    stance = fields.String(required=True, validate=validate.OneOf((*v.STANCES, "mixed")),
                           metadata={"description": "The positions' stance, `mixed` when they differ"})
    positions = fields.List(fields.Nested(StanceEntrySchema), required=True)


class MatrixRowSchema(ma.Schema):
    actor = actor_ref("The actor of this row", required=True)
    cells = fields.List(fields.Nested(MatrixCellSchema), required=True,
                        metadata={"description": "Only the columns on which the actor holds a position"})


class StanceMatrixSchema(ma.Schema):
    """Actors x proposals and topics (for positions on no proposal)."""

    columns = fields.List(fields.Nested(MatrixColumnSchema), required=True,
                          metadata={"description": "Proposals first, then topics"})
    rows = fields.List(fields.Nested(MatrixRowSchema), required=True)


class AidItemRowSchema(ma.Schema):
    slug = fields.String(required=True)
    system = fields.String(allow_none=True, required=True)
    category = fields.String(required=True)
    role = fields.String(allow_none=True, required=True)
    description = fields.String(required=True)
    quantity = fields.Integer(allow_none=True, required=True)
    status = fields.String(required=True, validate=validate.OneOf(v.AID_STATUSES))
    citations = quotes()


class AidPackageEntrySchema(ma.Schema):
    slug = fields.String(required=True)
    donor = actor_ref("The donor", required=True)
    recipient = actor_ref("The recipient", required=True)
    announced_by = actor_ref("Who announced it", allow_none=True, required=True)
    amount = fields.Decimal(as_string=True, allow_none=True, required=True,
                            metadata={"description": "In `currency` units, as a decimal string"})
    currency = fields.String(allow_none=True, required=True)
    announced_on = fields.Date(allow_none=True, required=True)
    delivery_schedule = fields.String(allow_none=True, required=True)
    summary = fields.String(allow_none=True, required=True)
    items = fields.List(fields.Nested(AidItemRowSchema), required=True,
                        metadata={"description": "Table rows: every row has every column, null when unknown"})
    citations = quotes()


class AttributeEntrySchema(ma.Schema):
    key = fields.String(required=True, validate=validate.OneOf(v.ATTRIBUTE_KEYS))
    value = fields.String(required=True)
    citations = quotes()


class ObstacleSchema(ma.Schema):
    source = fields.String(required=True, validate=validate.OneOf(("attribute", "opposition", "condition")),
                           metadata={"description": "An `obstacle` attribute, an opposing position, or a "
                                                    "condition attached to a conditional position"})
    text = fields.String(required=True)
    actor = actor_ref("Whose opposition or condition it is", allow_none=True, required=True)
    citations = quotes()


class ProposalEntrySchema(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(v.PROPOSAL_KINDS))
    description = fields.String(required=True)
    mandate = fields.String(allow_none=True, required=True)
    status = fields.String(required=True, validate=validate.OneOf(v.PROPOSAL_STATUSES))
    proposers = fields.List(fields.Nested(ActorRefSchema), required=True)
    attributes = fields.List(fields.Nested(AttributeEntrySchema), required=True)
    supporters = fields.List(fields.Nested(StanceEntrySchema), required=True, metadata={
        "description": "Positions that support, propose, demand, urge or announce it"})
    opponents = fields.List(fields.Nested(StanceEntrySchema), required=True, metadata={
        "description": "Positions that oppose or reject it"})
    others = fields.List(fields.Nested(StanceEntrySchema), required=True, metadata={
        "description": "Conditional positions and assessments"})
    obstacles = fields.List(fields.Nested(ObstacleSchema), required=True)
    citations = quotes()


class ComposedBriefingSchema(ma.Schema):
    """The whole briefing as one document."""

    slug = fields.String(required=True, metadata={"example": "coalition-of-the-willing-paris-2025"})
    title = fields.String(required=True)
    summary = fields.String(required=True)
    documents = fields.List(fields.String(), required=True,
                            metadata={"description": "Slugs of the source documents, in order"})
    sources = fields.List(fields.Nested(SourceSchema), required=True,
                          metadata={"description": "The source documents, in order"})
    timeline = fields.List(fields.Nested(TimelineEventSchema), required=True,
                           metadata={"description": "Events by date"})
    whos_who = fields.List(fields.Nested(WhoGroupSchema), required=True,
                           metadata={"description": "Actors grouped by kind"})
    stance_matrix = fields.Nested(StanceMatrixSchema, required=True)
    aid_packages = fields.List(fields.Nested(AidPackageEntrySchema), required=True)
    proposals = fields.List(fields.Nested(ProposalEntrySchema), required=True)
