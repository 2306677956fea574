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


class QuantityIn(CitationIn):
    """A quantity other than money: its words, what it counts, the number and how exact it is."""

    measure = Text(required=True, metadata={"description": "What is counted (\"European delegations\")"})
    value = fields.Decimal(load_default=None, allow_none=True, metadata={
        "minimum": 0, "description": "The number (null when the amount is vague)"})
    unit = Text(load_default=None, allow_none=True)
    approximation = choice(tuple(v.APPROXIMATIONS), required=True,
                           metadata={"description": v.described(v.APPROXIMATIONS)})

    @ma.validates_schema
    def _value(self, data, **kwargs):
        vague = data.get("approximation") == "vague"
        if vague and data.get("value") is not None:
            raise ma.ValidationError("A vague amount has no value.", field_name="value")
        if not vague and data.get("value") is None and "approximation" in data:
            raise ma.ValidationError("Give the number, or say the amount is `vague`.", field_name="value")
        if data.get("value") is not None and data["value"] < 0:
            raise ma.ValidationError("Must not be negative.", field_name="value")


class ProvenanceIn(Strict):
    """Where a field's value comes from when it is not the source's own words."""

    field = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+$"),
                          metadata={"description": "The field (`role`, `country`, `date` ...)"})
    basis = choice(tuple(v.FIELD_BASES), required=True, metadata={"description": v.described(v.FIELD_BASES)})
    reasoning = Text(required=True, metadata={"description": "How it was worked out, or why outside knowledge"})
    reference = Text(load_default=None, allow_none=True,
                     metadata={"description": "The outside reference (required when `basis` is `outside`)"})

    @ma.validates_schema
    def _reference(self, data, **kwargs):
        if data.get("basis") == "outside" and not data.get("reference"):
            raise ma.ValidationError("Outside knowledge needs its reference.", field_name="reference")


def cited(**kw) -> fields.List:
    return fields.List(fields.Nested(CitationIn), required=True,
                       validate=validate.Length(min=1, error="Every record needs at least one citation."), **kw)


def spans(description: str) -> fields.List:
    return fields.List(fields.Nested(CitationIn), load_default=list, metadata={"description": description})


class RecordIn(Strict):
    """What every record carries besides its own fields: provenance, quantities, review."""

    provenance = fields.List(fields.Nested(ProvenanceIn), load_default=list, metadata={
        "description": "Fields whose value is not the source's words, and where it comes from"})
    quantities = fields.List(fields.Nested(QuantityIn), load_default=list)
    review_status = choice(tuple(v.REVIEW_STATUSES), load_default="extracted",
                           metadata={"description": v.described(v.REVIEW_STATUSES)})
    review_note = Text(load_default=None, allow_none=True)

    @ma.validates_schema
    def _record(self, data, partial=None, **kwargs):
        if data.get("review_status") == "disputed" and not data.get("review_note"):
            raise ma.ValidationError("Say what is disputed.", field_name="review_note")
        named = [entry["field"] for entry in data.get("provenance", [])]
        if len(named) != len(set(named)):
            raise ma.ValidationError("One entry per field.", field_name="provenance")


class ClaimIn(RecordIn):
    """A record that states a claim: who says it (PARC source), its cue, how surely (FactBank)."""

    speaker = Slug(required=True, metadata={"description": "Slug of the actor who says it (the outlet for its own "
                                                           "voice)"})
    reported_by = Slug(load_default=None, allow_none=True, metadata={
        "description": "Slug of who reports the speaker's words: the outlet, or an intermediary (\"according to "
                       "the Elysée\"); null for the outlet's own voice"})
    speech = choice(tuple(v.SPEECH), required=True, metadata={"description": v.described(v.SPEECH)})
    cue = fields.Nested(CitationIn, load_default=None, allow_none=True, metadata={
        "description": "The attribution cue (\"said Macron\", \"according to\"), verbatim"})
    hedges = spans("Words that weaken the claim (\"seems\", \"would\", \"if possible\"), verbatim")
    quoted_words = spans("The speaker's own words, inside quotation marks (required for `partial`)")
    factuality = choice(tuple(v.FACTUALITY), load_default="certain",
                        metadata={"description": v.described(v.FACTUALITY)})
    polarity = choice(tuple(v.POLARITY), load_default="positive", metadata={"description": v.described(v.POLARITY)})


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
    provenance = fields.List(fields.Nested(ProvenanceIn), load_default=list, metadata={
        "description": "Fields not printed in the text (an editor's title, a date from the publication record)"})


class ActorIn(RecordIn):
    slug = Slug(required=True)
    name = Text(required=True)
    kind = choice(v.ACTOR_KINDS, required=True)
    role = Text(load_default=None, allow_none=True)
    country = fields.String(load_default=None, allow_none=True,
                            validate=validate.Regexp(r"^[A-Z]{2}$", error="Not an ISO 3166-1 alpha-2 code."))
    parent = Slug(load_default=None, allow_none=True)
    aliases = fields.List(Text(), load_default=list)
    citations = cited()


class RelationIn(ClaimIn):
    slug = Slug(required=True)
    subject = Slug(required=True)
    predicate = choice(v.RELATION_PREDICATES, required=True)
    object = Slug(required=True)
    citations = cited()


class ConditionIn(ClaimIn):
    slug = Slug(required=True)
    kind = choice(tuple(v.CONDITION_KINDS), load_default="precondition",
                  metadata={"description": v.described(v.CONDITION_KINDS)})
    description = Text(required=True)
    proposal = Slug(load_default=None, allow_none=True, metadata={"description": "Slug of the proposal it concerns"})
    event = Slug(load_default=None, allow_none=True, metadata={"description": "Slug of the event it concerns"})
    citations = cited()


class PositionIn(ClaimIn):
    slug = Slug(required=True)
    holder = Slug(required=True, metadata={"description": "Slug of the actor whose view it is (the outlet for its "
                                                          "own assessments)"})
    about = Slug(load_default=None, allow_none=True,
                 metadata={"description": "Slug of the actor the claim is about, when the holder speaks of another"})
    topic = fields.String(required=True, validate=validate.Regexp(v.TOPIC_PATTERN, error="Not a snake_case topic."))
    stance = choice(tuple(v.STANCES), required=True, metadata={"description": v.described(v.STANCES)})
    summary = Text(required=True)
    proposal = Slug(load_default=None, allow_none=True)
    stated_on = fields.Date(load_default=None, allow_none=True)
    conditions = fields.List(fields.Nested(ConditionIn), load_default=list)
    citations = cited()


class AidItemIn(ClaimIn):
    slug = Slug(required=True)
    system = Text(load_default=None, allow_none=True)
    category = Text(required=True)
    role = Text(load_default=None, allow_none=True)
    description = Text(required=True)
    quantity = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    status = choice(v.AID_STATUSES, required=True)
    citations = cited()


class LooseAidItemIn(AidItemIn):
    """Aid the source mentions outside any package (already supplied, or only discussed)."""

    donor = Slug(required=True)
    recipient = Slug(required=True)


class AidPackageIn(ClaimIn):
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


class AttributeIn(ClaimIn):
    key = choice(v.ATTRIBUTE_KEYS, required=True)
    value = Text(required=True)
    citations = cited()


class ProposalIn(ClaimIn):
    slug = Slug(required=True)
    name = Text(required=True)
    kind = choice(v.PROPOSAL_KINDS, required=True)
    description = Text(required=True)
    proposers = fields.List(Slug(), load_default=list)
    mandate = Text(load_default=None, allow_none=True)
    status = choice(v.PROPOSAL_STATUSES, required=True)
    attributes = fields.List(fields.Nested(AttributeIn), load_default=list)
    citations = cited()


class EventIn(ClaimIn):
    slug = Slug(required=True)
    date = fields.Date(required=True, allow_none=True,
                       metadata={"description": "Null when the source gives no date and none can be worked out"})
    title = Text(required=True)
    place = Text(load_default=None, allow_none=True)
    participants = fields.List(Slug(), load_default=list)
    status = choice(tuple(v.EVENT_STATUSES), required=True, metadata={"description": v.described(v.EVENT_STATUSES)})
    date_precision = choice(tuple(v.DATE_PRECISIONS), required=True,
                            metadata={"description": v.described(v.DATE_PRECISIONS)})
    date_provenance = choice(tuple(v.PROVENANCE), required=True, metadata={"description": v.described(v.PROVENANCE)})
    date_evidence = spans("The words that date the event, verbatim (required unless the date is from outside)")
    date_reasoning = Text(load_default=None, allow_none=True,
                          metadata={"description": "How the date was worked out (required unless stated)"})
    date_reference = Text(load_default=None, allow_none=True,
                          metadata={"description": "The outside reference for the date (required when outside)"})
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
    aid_items = fields.List(fields.Nested(LooseAidItemIn), load_default=list)
    proposals = fields.List(fields.Nested(ProposalIn), load_default=list)
    events = fields.List(fields.Nested(EventIn), load_default=list)
    uncovered_sentences = fields.List(fields.Nested(UncoveredIn), load_default=list)
