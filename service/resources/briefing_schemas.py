"""Schemas of the composed briefing (GET /api/v1/briefings/{slug}): one document, every statement cited."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from service import vocabulary as v
from service.resources.common import SELECTOR_METADATA, SPAN_URL_DESCRIPTION, LinkSchema


class QuoteSchema(ma.Schema):
    """A citation with a ready-to-paste reference: outlet, title, date and the quote."""

    document = fields.Nested(LinkSchema, required=True, metadata={"description": "The cited document"})
    start = fields.Integer(required=True,
                           metadata={"description": "Offset of the first character (code points)"})
    end = fields.Integer(required=True, metadata={"description": "Offset just past the last character"})
    quote = fields.String(required=True, metadata={"description": "Verbatim text[start:end]"})
    selector = fields.Raw(required=True, metadata=SELECTOR_METADATA)
    url = fields.String(required=True, metadata={"description": SPAN_URL_DESCRIPTION})
    reference = fields.String(required=True, metadata={
        "description": "Outlet, title, date and the quote, ready to paste into a text",
        "example": "Le Monde, [Macron announces \u20ac2 billion ...], 26 March 2025: "
                   "\u201cfar too early\u201d"})


def quotes() -> fields.List:
    return fields.List(fields.Nested(QuoteSchema), required=True,
                       metadata={"description": "The source passages that state this"})


class QuantityQuoteSchema(QuoteSchema):
    measure = fields.String(required=True)
    value = fields.String(allow_none=True, required=True, metadata={"format": "decimal",
                                                                    "description": "Null when vague"})
    unit = fields.String(allow_none=True, required=True)
    approximation = fields.String(required=True, validate=validate.OneOf(tuple(v.APPROXIMATIONS)))


class ActorRefSchema(LinkSchema):
    """A Link to an actor, with its name and kind for display."""

    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(v.ACTOR_KINDS))


def actor_ref(description: str, **kwargs) -> fields.Nested:
    return fields.Nested(ActorRefSchema, metadata={"description": description}, **kwargs)


class ProvenanceEntrySchema(ma.Schema):
    field = fields.String(required=True)
    basis = fields.String(required=True, validate=validate.OneOf(tuple(v.FIELD_BASES)))
    reasoning = fields.String(required=True)
    reference = fields.String(allow_none=True)


class RecordEntrySchema(ma.Schema):
    """What every record carries in the briefing, as in its own resource."""

    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={
        "description": "Where the API serves the record: its own URL (a condition's or an attribute's is the one "
                       "of the position or proposal that holds it)"})

    provenance = fields.List(fields.Nested(ProvenanceEntrySchema), required=True,
                             metadata={"description": "Fields whose value is not the source's words"})
    quantities = fields.List(fields.Nested(QuantityQuoteSchema), required=True)
    review_status = fields.String(required=True, validate=validate.OneOf(tuple(v.REVIEW_STATUSES)))
    review_note = fields.String(allow_none=True, required=True)
    reviewed_by = fields.String(allow_none=True, required=True)
    reviewed_at = fields.DateTime(allow_none=True, required=True)
    citations = quotes()


class ClaimEntrySchema(RecordEntrySchema):
    """Who says it (PARC attribution) and how surely (FactBank), as in the claim's own resource."""

    speaker = actor_ref("Who says it; the outlet for its own voice", allow_none=True, required=True)
    reported_by = actor_ref("Who reports the speaker's words; null for the outlet's own voice", allow_none=True,
                            required=True)
    speech = fields.String(allow_none=True, required=True, validate=validate.OneOf(tuple(v.SPEECH)))
    voice = fields.String(required=True, validate=validate.OneOf(tuple(v.VOICES)))
    cue = fields.Nested(QuoteSchema, allow_none=True, required=True, metadata={"description": v.SPAN_ROLES["cue"]})
    quoted_words = fields.List(fields.Nested(QuoteSchema), required=True,
                               metadata={"description": v.SPAN_ROLES["quoted"]})
    hedges = fields.List(fields.Nested(QuoteSchema), required=True, metadata={"description": v.SPAN_ROLES["hedge"]})
    factuality = fields.String(required=True, validate=validate.OneOf(tuple(v.FACTUALITY)))
    polarity = fields.String(required=True, validate=validate.OneOf(tuple(v.POLARITY)))
    factbank = fields.String(required=True, metadata={"example": "PR+"})


class SourceSchema(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The document's URL in the API"})
    name = fields.String(required=True)
    publisher = fields.String(allow_none=True, required=True)
    date = fields.Date(allow_none=True, required=True)
    source_url = fields.String(allow_none=True, required=True,
                               metadata={"description": "The source's own web address, if it has one"})


class TimelineEventSchema(ClaimEntrySchema):
    slug = fields.String(required=True)
    date = fields.Date(allow_none=True, required=True, metadata={"description": "Null when the source gives none"})
    name = fields.String(required=True)
    place = fields.String(allow_none=True, required=True)
    status = fields.String(required=True, validate=validate.OneOf(tuple(v.EVENT_STATUSES)))
    date_precision = fields.String(required=True, validate=validate.OneOf(tuple(v.DATE_PRECISIONS)))
    date_provenance = fields.String(required=True, validate=validate.OneOf(tuple(v.PROVENANCE)))
    date_reasoning = fields.String(allow_none=True, required=True,
                                   metadata={"description": "How the date was worked out, or why from outside"})
    date_reference = fields.String(allow_none=True, required=True,
                                   metadata={"description": "The outside reference, for a date from outside"})
    date_evidence = fields.List(fields.Nested(QuoteSchema), required=True,
                                metadata={"description": v.SPAN_ROLES["date"]})
    participants = fields.List(fields.Nested(ActorRefSchema), required=True)


class WhoSchema(RecordEntrySchema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(v.ACTOR_KINDS))
    role = fields.String(allow_none=True, required=True)
    country = fields.String(allow_none=True, required=True, metadata={"description": "ISO 3166-1 alpha-2"})
    parent = actor_ref("The state a person leads, the state an army belongs to ...", allow_none=True,
                       required=True)
    aliases = fields.List(fields.String(), required=True, metadata={"description": "Other names in the text"})


class WhoGroupSchema(ma.Schema):
    kind = fields.String(required=True, validate=validate.OneOf(v.ACTOR_KINDS))
    label = fields.String(required=True, metadata={"example": "People"})
    actors = fields.List(fields.Nested(WhoSchema), required=True, metadata={"description": "By name"})


class ConditionEntrySchema(ClaimEntrySchema):
    slug = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(tuple(v.CONDITION_KINDS)))
    description = fields.String(required=True)


class StanceEntrySchema(ClaimEntrySchema):
    """One position: whose view it is, who says it and how surely, the stance, under which conditions."""

    position = fields.Nested(LinkSchema, required=True, metadata={"description": "The position"})
    slug = fields.String(required=True, metadata={"description": "Slug of the position (as `position`)"})
    holder = actor_ref("Whose view it is (the outlet for its own assessments)", required=True)
    about = actor_ref("The actor the claim is about, when the holder speaks of another", allow_none=True,
                      required=True)
    topic = fields.String(required=True)
    stance = fields.String(required=True, validate=validate.OneOf(tuple(v.STANCES)))
    summary = fields.String(required=True)
    date = fields.Date(allow_none=True, required=True)
    conditions = fields.List(fields.Nested(ConditionEntrySchema), required=True)


class MatrixColumnSchema(ma.Schema):
    key = fields.String(required=True, metadata={"example": "proposal:reassurance-force"})
    kind = fields.String(required=True, validate=validate.OneOf(("proposal", "topic")))
    label = fields.String(required=True)


class MatrixCellSchema(ma.Schema):
    column = fields.String(required=True, metadata={"description": "`key` of the column"})
    stance = fields.String(required=True, validate=validate.OneOf((*v.STANCES, "mixed")),
                           metadata={"description": "The positions' stance, `mixed` when they differ"})
    hedged = fields.Boolean(required=True, metadata={"description": "Some position of the cell is not certain"})
    outlet = fields.Boolean(required=True, metadata={"description": "Some position of the cell is in the outlet's "
                                                                    "own voice"})
    positions = fields.List(fields.Nested(StanceEntrySchema), required=True)


class MatrixRowSchema(ma.Schema):
    holder = actor_ref("The holder of this row's positions", required=True)
    cells = fields.List(fields.Nested(MatrixCellSchema), required=True,
                        metadata={"description": "Only the columns on which the actor holds a position"})


class StanceMatrixSchema(ma.Schema):
    """Holders x proposals and topics (for positions on no proposal)."""

    columns = fields.List(fields.Nested(MatrixColumnSchema), required=True,
                          metadata={"description": "Proposals first, then topics"})
    rows = fields.List(fields.Nested(MatrixRowSchema), required=True)


class AidItemRowSchema(ClaimEntrySchema):
    slug = fields.String(required=True)
    system = fields.String(allow_none=True, required=True)
    category = fields.String(required=True)
    role = fields.String(allow_none=True, required=True)
    description = fields.String(required=True)
    quantity = fields.Integer(allow_none=True, required=True)
    status = fields.String(required=True, validate=validate.OneOf(v.AID_STATUSES))
    donor = actor_ref("The donor of aid outside a package (null for a package's item)", allow_none=True,
                      required=True)
    recipient = actor_ref("The recipient of aid outside a package (null for a package's item)", allow_none=True,
                          required=True)


class AidPackageEntrySchema(ClaimEntrySchema):
    slug = fields.String(required=True)
    donor = actor_ref("The donor", required=True)
    recipient = actor_ref("The recipient", required=True)
    announced_by = actor_ref("Who announced it", allow_none=True, required=True)
    amount = fields.Decimal(as_string=True, allow_none=True, required=True,
                            metadata={"description": "In `currency` units, as a decimal string"})
    currency = fields.String(allow_none=True, required=True)
    date = fields.Date(allow_none=True, required=True)
    delivery_schedule = fields.String(allow_none=True, required=True)
    summary = fields.String(allow_none=True, required=True)
    items = fields.List(fields.Nested(AidItemRowSchema), required=True, metadata={
        "description": "What the source says the package contains; table rows, every row has every column"})


class AttributeEntrySchema(ClaimEntrySchema):
    key = fields.String(required=True, validate=validate.OneOf(v.ATTRIBUTE_KEYS))
    value = fields.String(required=True)


class ObstacleSchema(ma.Schema):
    source = fields.String(required=True, validate=validate.OneOf(("attribute", "opposition", "condition")),
                           metadata={"description": "An `obstacle` attribute, an opposing position, or a "
                                                    "condition attached to a conditional position"})
    text = fields.String(required=True)
    holder = actor_ref("Whose obstacle, opposition or condition it is", allow_none=True, required=True)
    speaker = actor_ref("Who says it", allow_none=True, required=True)
    voice = fields.String(required=True, validate=validate.OneOf(tuple(v.VOICES)))
    cue = fields.Nested(QuoteSchema, allow_none=True, required=True)
    factuality = fields.String(required=True, validate=validate.OneOf(tuple(v.FACTUALITY)))
    hedges = fields.List(fields.Nested(QuoteSchema), required=True)
    citations = quotes()


class ProposalEntrySchema(ClaimEntrySchema):
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


class ComposedBriefingSchema(ma.Schema):
    """The whole briefing as one document."""

    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "The briefing's URL"})
    slug = fields.String(required=True, metadata={"example": "coalition-of-the-willing-paris-2025"})
    name = fields.String(required=True)
    summary = fields.String(required=True)
    documents = fields.List(fields.Nested(LinkSchema), required=True,
                            metadata={"description": "The source documents, in order"})
    sources = fields.List(fields.Nested(SourceSchema), required=True,
                          metadata={"description": "The source documents, in order"})
    timeline = fields.List(fields.Nested(TimelineEventSchema), required=True,
                           metadata={"description": "Events by date; events the source gives no date come last"})
    whos_who = fields.List(fields.Nested(WhoGroupSchema), required=True,
                           metadata={"description": "Actors grouped by kind"})
    stance_matrix = fields.Nested(StanceMatrixSchema, required=True)
    aid_packages = fields.List(fields.Nested(AidPackageEntrySchema), required=True)
    other_aid = fields.List(fields.Nested(AidItemRowSchema), required=True, metadata={
        "description": "Aid the source mentions outside any package: already supplied, or only discussed"})
    proposals = fields.List(fields.Nested(ProposalEntrySchema), required=True)
    review = fields.Dict(keys=fields.String(validate=validate.OneOf(tuple(v.REVIEW_STATUSES))),
                         values=fields.Integer(), required=True,
                         metadata={"description": "How many of the briefing's records have each review status"})
