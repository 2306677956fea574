"""What every record serves besides its own fields (its spans, provenance and review), and what every claim
serves (attribution and factuality), with the list filters on them: one place for every resource."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate
from sqlalchemy import or_

from service import vocabulary as v
from service.models import Actor
from service.resources.common import CitationSchema, by_slug, link_of, link_to
from service.resources.listing import ListArgs


def choice_field(values: dict[str, str], **kwargs) -> fields.String:
    """An enum whose values are defined in the spec (description and `x-enum-descriptions`)."""
    metadata = {"description": kwargs.pop("description", "") + "\n\n" + v.described(values),
                "x-enum-descriptions": values}
    return fields.String(validate=validate.OneOf(tuple(values)), metadata=metadata, **kwargs)


class Spans(fields.List):
    """The record's spans of one role (models/citations.py): all of them load as `citations`, each field
    serves its role's."""

    def __init__(self, role: str, schema: type[ma.Schema] = CitationSchema, **kwargs):
        self.role = role
        kwargs.setdefault("metadata", {"description": v.SPAN_ROLES[role]})
        # dump_only: several fields read `citations`, which marshmallow allows for output only
        super().__init__(fields.Nested(schema), attribute="citations", required=True, dump_only=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        own = None if value is None else [span for span in value if span.role == self.role]
        return super()._serialize(own, attr, obj, **kwargs)


class Span(fields.Nested):
    """The record's one span of a role, or null."""

    def __init__(self, role: str, **kwargs):
        self.role = role
        super().__init__(CitationSchema, attribute="citations", allow_none=True, required=True, dump_only=True,
                         metadata={"description": v.SPAN_ROLES[role]}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        found = next((span for span in value or () if span.role == self.role), None)
        return super()._serialize(found, attr, obj, **kwargs)


def _number(citation) -> str | None:
    return None if citation.value is None else format(citation.value.normalize(), "f")


class QuantitySchema(CitationSchema):
    """A quantity other than money, with the words that state it."""

    measure = fields.String(required=True, metadata={"description": "What is counted", "example": "troops"})
    value = fields.Function(_number, metadata={"type": "string", "format": "decimal", "nullable": True,
                                               "description": "The number, as a decimal string; null when vague",
                                               "example": "30000"})
    unit = fields.String(allow_none=True, required=True)
    approximation = choice_field(v.APPROXIMATIONS, required=True, description="How exact `value` is")


class ProvenanceSchema(ma.Schema):
    field = fields.String(required=True, metadata={"description": "The field whose value this explains"})
    basis = choice_field(v.FIELD_BASES, required=True)
    reasoning = fields.String(required=True)
    reference = fields.String(allow_none=True, metadata={"description": "The outside reference, when outside"})


class RecordSchema(ma.Schema):
    """Fields every record serves."""

    provenance = fields.List(fields.Nested(ProvenanceSchema), required=True, metadata={
        "description": "Fields whose value is not the source's words: inferred from them, or outside knowledge "
                       "(with its reference). A field not listed is stated by the record's citations."})
    quantities = Spans("quantity", QuantitySchema)
    review_status = choice_field(v.REVIEW_STATUSES, required=True)
    review_note = fields.String(allow_none=True, required=True)
    reviewed_by = fields.String(allow_none=True, required=True,
                                metadata={"description": "Who set the review status last (a token's name)"})
    reviewed_at = fields.DateTime(allow_none=True, required=True)


def _voice(record) -> str:
    return "outlet" if record.speech == "outlet" else "actor"


def _chain(record) -> list[dict | None]:
    return [link_to("actors", slug) for slug in (record.speaker_slug, record.reported_by_slug) if slug]


def _factbank(record) -> str:
    return v.FACTBANK_CODES[record.factuality] + v.FACTBANK_SIGNS[record.polarity]


class ClaimSchema(RecordSchema):
    """Fields every record that states a claim serves: PARC attribution and FactBank factuality."""

    speaker = link_of("speaker", "actors", "The actor who says it (PARC source); the outlet for its own voice")
    reported_by = link_of("reported_by", "actors", "Who reports the speaker's words (the outlet, or an "
                                                    "intermediary); null for the outlet's own voice")
    speaker_chain = fields.Function(_chain, metadata={
        "type": "array", "items": {"$ref": "#/components/schemas/Link"},
        "description": "Who says it, then who reports it: the attribution chain, as Links"})
    speech = choice_field(v.SPEECH, required=True, allow_none=True, description="How the source gives the words")
    voice = fields.Function(_voice, metadata={"type": "string", "enum": list(v.VOICES),
                                              "x-enum-descriptions": v.VOICES,
                                              "description": v.described(v.VOICES)})
    cue = Span("cue")
    quoted_words = Spans("quoted")
    factuality = choice_field(v.FACTUALITY, required=True,
                              description="How surely the speaker presents it (FactBank)")
    polarity = choice_field(v.POLARITY, required=True)
    factbank = fields.Function(_factbank, metadata={
        "type": "string", "example": "PR+",
        "description": "The FactBank value: CT, PR, PS or U, with + (positive), - (negative) or u"})
    hedges = Spans("hedge")


class ClaimArgs(ListArgs):
    """Filters every list of claims takes."""

    speaker = fields.String(metadata={"description": "Slug of the actor who says it"})
    reported_by = fields.String(metadata={"description": "Slug of who reports it"})
    voice = fields.String(validate=validate.OneOf(tuple(v.VOICES)), metadata={"description": v.described(v.VOICES)})
    speech = fields.String(validate=validate.OneOf(tuple(v.SPEECH)))
    factuality = fields.String(validate=validate.OneOf(tuple(v.FACTUALITY)))
    polarity = fields.String(validate=validate.OneOf(tuple(v.POLARITY)))


def filter_claims(stmt, model, args: dict):
    """STMT narrowed by the claim filters in ARGS (review status is every list's: see listing.paginate)."""
    if "speaker" in args:
        stmt = stmt.where(model.speaker_id == by_slug(Actor, args["speaker"]))
    if "reported_by" in args:
        stmt = stmt.where(model.reported_by_id == by_slug(Actor, args["reported_by"]))
    if "voice" in args:
        outlet = model.speech == "outlet"
        stmt = stmt.where(outlet if args["voice"] == "outlet" else or_(~outlet, model.speech.is_(None)))
    for name in ("speech", "factuality", "polarity"):
        if name in args:
            stmt = stmt.where(getattr(model, name) == args[name])
    return stmt

