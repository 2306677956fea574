"""The seed file's shape (briefing.yaml), validated with marshmallow before anything is written."""

from __future__ import annotations

from typing import ClassVar

import marshmallow as ma
from marshmallow import fields, validate

from service import vocabulary as v
from service.models import (
    Actor,
    ActorAlias,
    AidItem,
    AidPackage,
    Briefing,
    Citation,
    Document,
    Event,
    Position,
    PositionCondition,
    Proposal,
    ProposalAttribute,
    Record,
)
from service.validation import MAX_ITEMS, MAX_SPANS, FullMatch, decimal, items, length, value_range

# Every string field is bounded by the column that stores it (service/validation.py): Text(Actor.name ...).
# Values kept in a JSON column (provenance), or in no column (None), have the Text bound.


def Slug(**kw) -> fields.String:  # noqa: N802 - reads like a field class in the schemas below
    return fields.String(validate=[length(Actor.slug), FullMatch(v.SLUG_PATTERN,
                                                                 error="Not a lowercase kebab-case slug."),
                                   validate.NoneOf(v.RESERVED_SLUGS, error=RESERVED)], **kw)


def Ref(kind: str, **kw) -> fields.String:  # noqa: N802
    """The slug of another record of KIND (`actor`, `proposal`, `event`): the seed reader checks it is known."""
    kw["metadata"] = {**kw.get("metadata", {}), "ref": kind}
    return Slug(**kw)


RESERVED = "Reserved: `/api/v1/{{collection}}/export` is the export of a collection; choose another slug."


def Text(column, **kw) -> fields.String:  # noqa: N802
    return fields.String(validate=length(column, min=1), **kw)


def Pattern(pattern: str, error: str, **kw) -> fields.String:  # noqa: N802
    """A code matching PATTERN in full (ISO codes, topics, field names), whose pattern bounds its length."""
    return fields.String(validate=FullMatch(pattern, error=error), **kw)


def choice(values: tuple[str, ...], **kw) -> fields.String:
    return fields.String(validate=validate.OneOf(values), **kw)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _renamed(self, data, **kwargs):
        """An old field name (`stated_on`, `title` ...) is a 422 that names the new one."""
        if isinstance(data, dict):
            known = {field.data_key or name for name, field in self.load_fields.items()}
            old = {key: [message] for key in data if isinstance(key, str) and (message := v.renamed(key, known))}
            if old:
                raise ma.ValidationError(old)
        return data


class CitationIn(Strict):
    quote = Text(Citation.quote, required=True)
    start = fields.Integer(load_default=None, validate=value_range(Citation.start, min=0))
    document = Slug(load_default=None)


class QuantityIn(CitationIn):
    """A quantity other than money: its words, what it counts, the number and how exact it is."""

    measure = Text(Citation.measure, required=True,
                   metadata={"description": "What is counted (\"European delegations\")"})
    value = decimal(Citation.value, load_default=None, allow_none=True,
                    metadata={"description": "The number (null when the amount is vague)"})
    unit = Text(Citation.unit, load_default=None, allow_none=True)
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

    field = Pattern(r"^[a-z_]{1,64}$", "Not a field name.", required=True,
                    metadata={"description": "The field (`role`, `country`, `date` ...)"})
    basis = choice(tuple(v.FIELD_BASES), required=True, metadata={"description": v.described(v.FIELD_BASES)})
    reasoning = Text(Record.provenance, required=True,
                     metadata={"description": "How it was worked out, or why outside knowledge"})
    reference = Text(Record.provenance, load_default=None, allow_none=True,
                     metadata={"description": "The outside reference (required when `basis` is `outside`)"})

    @ma.validates_schema
    def _reference(self, data, **kwargs):
        if data.get("basis") == "outside" and not data.get("reference"):
            raise ma.ValidationError("Outside knowledge needs its reference.", field_name="reference")


def cited(**kw) -> fields.List:
    return fields.List(fields.Nested(CitationIn), required=True, validate=items(
        MAX_SPANS, min=1, error=f"Every record needs at least one citation, and at most {MAX_SPANS}."), **kw)


def spans(description: str) -> fields.List:
    return fields.List(fields.Nested(CitationIn), load_default=list, validate=items(MAX_SPANS),
                       metadata={"description": description})


def listed(field: fields.Field, maximum: int = MAX_ITEMS, **kw) -> fields.List:
    """A list of a write body, bounded (service/validation.py MAX_ITEMS)."""
    return fields.List(field, load_default=list, validate=items(maximum), **kw)


class RecordIn(Strict):
    """What every record carries besides its own fields: provenance, quantities, review."""

    provenance = listed(fields.Nested(ProvenanceIn), metadata={
        "description": "Fields whose value is not the source's words, and where it comes from"})
    quantities = listed(fields.Nested(QuantityIn), MAX_SPANS)
    review_status = choice(tuple(v.REVIEW_STATUSES), load_default="extracted",
                           metadata={"description": v.described(v.REVIEW_STATUSES)})
    review_note = Text(Record.review_note, load_default=None, allow_none=True)

    @ma.validates_schema
    def _record(self, data, partial=None, **kwargs):
        if data.get("review_status") == "disputed" and not data.get("review_note"):
            raise ma.ValidationError("Say what is disputed.", field_name="review_note")
        named = [entry["field"] for entry in data.get("provenance", [])]
        if len(named) != len(set(named)):
            raise ma.ValidationError("One entry per field.", field_name="provenance")


class ClaimIn(RecordIn):
    """A record that states a claim: who says it (PARC source), its cue, how surely (FactBank)."""

    speaker = Ref("actor", required=True, metadata={
        "description": "Slug of the actor who says it (the outlet for its own voice)"})
    reported_by = Ref("actor", load_default=None, allow_none=True, metadata={
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
    name = Text(Briefing.name, required=True)
    summary = Text(Briefing.summary, required=True)


class DocumentIn(Strict):
    slug = Slug(required=True)
    file = Text(None, required=True)
    name = Text(Document.name, required=True)
    publisher = Text(Document.publisher, load_default=None)
    language = Text(Document.language, required=True)
    original_language = Text(Document.original_language, load_default=None)
    url = fields.Url(data_key="source_url", load_default=None, allow_none=True, validate=length(Document.url),
                     metadata={"description": "The source's own web address, if it has one"})
    date = fields.Date(load_default=None, allow_none=True)
    date_note = Text(Document.date_note, load_default=None)
    translation_note = Text(Document.translation_note, load_default=None)
    provenance = listed(fields.Nested(ProvenanceIn), metadata={
        "description": "Fields not printed in the text (an editor's title, a date from the publication record)"})


class ActorIn(RecordIn):
    record_type: ClassVar[str] = "actor"
    slug = Slug(required=True)
    name = Text(Actor.name, required=True)
    kind = choice(v.ACTOR_KINDS, required=True)
    role = Text(Actor.role, load_default=None, allow_none=True)
    country = Pattern(r"^[A-Z]{2}$", "Not an ISO 3166-1 alpha-2 code.", load_default=None, allow_none=True)
    parent = Ref("actor", load_default=None, allow_none=True)
    aliases = listed(Text(ActorAlias.alias))
    citations = cited()


class RelationIn(ClaimIn):
    record_type: ClassVar[str] = "relation"
    slug = Slug(required=True)
    subject = Ref("actor", required=True)
    predicate = choice(v.RELATION_PREDICATES, required=True)
    object = Ref("actor", required=True)
    citations = cited()


class ConditionIn(ClaimIn):
    record_type: ClassVar[str] = "condition"
    slug = Slug(required=True)
    kind = choice(tuple(v.CONDITION_KINDS), load_default="precondition",
                  metadata={"description": v.described(v.CONDITION_KINDS)})
    description = Text(PositionCondition.description, required=True)
    proposal = Ref("proposal", load_default=None, allow_none=True,
                   metadata={"description": "Slug of the proposal it concerns"})
    event = Ref("event", load_default=None, allow_none=True, metadata={"description": "Slug of the event it concerns"})
    citations = cited()


class PositionIn(ClaimIn):
    record_type: ClassVar[str] = "position"
    slug = Slug(required=True)
    holder = Ref("actor", required=True, metadata={
        "description": "Slug of the actor whose view it is (the outlet for its own assessments)"})
    about = Ref("actor", load_default=None, allow_none=True,
                 metadata={"description": "Slug of the actor the claim is about, when the holder speaks of another"})
    topic = fields.String(required=True, validate=[length(Position.topic), FullMatch(
        v.TOPIC_PATTERN, error="Not a snake_case topic.")])
    stance = choice(tuple(v.STANCES), required=True, metadata={"description": v.described(v.STANCES)})
    summary = Text(Position.summary, required=True)
    proposal = Ref("proposal", load_default=None, allow_none=True)
    date = fields.Date(load_default=None, allow_none=True)
    conditions = listed(fields.Nested(ConditionIn))
    citations = cited()


class AidItemIn(ClaimIn):
    record_type: ClassVar[str] = "aid_item"
    slug = Slug(required=True)
    system = Text(AidItem.system, load_default=None, allow_none=True)
    category = Text(AidItem.category, required=True)
    role = Text(AidItem.role, load_default=None, allow_none=True)
    description = Text(AidItem.description, required=True)
    quantity = fields.Integer(load_default=None, allow_none=True, validate=value_range(AidItem.quantity, min=1))
    status = choice(v.AID_STATUSES, required=True)
    citations = cited()


class LooseAidItemIn(AidItemIn):
    """Aid the source mentions outside any package (already supplied, or only discussed)."""

    donor = Ref("actor", required=True)
    recipient = Ref("actor", required=True)


class AidPackageIn(ClaimIn):
    record_type: ClassVar[str] = "aid_package"
    slug = Slug(required=True)
    donor = Ref("actor", required=True)
    recipient = Ref("actor", required=True)
    announced_by = Ref("actor", load_default=None, allow_none=True)
    amount = decimal(AidPackage.amount, load_default=None, allow_none=True)
    currency = Pattern(r"^[A-Z]{3}$", "Not an ISO 4217 code.", load_default=None, allow_none=True)
    date = fields.Date(load_default=None, allow_none=True)
    delivery_schedule = Text(AidPackage.delivery_schedule, load_default=None, allow_none=True)
    summary = Text(AidPackage.summary, load_default=None, allow_none=True)
    items = listed(fields.Nested(AidItemIn))
    citations = cited()


class AttributeIn(ClaimIn):
    record_type: ClassVar[str] = "proposal_attribute"
    key = choice(v.ATTRIBUTE_KEYS, required=True)
    value = Text(ProposalAttribute.value, required=True)
    citations = cited()


class ProposalIn(ClaimIn):
    record_type: ClassVar[str] = "proposal"
    slug = Slug(required=True)
    name = Text(Proposal.name, required=True)
    kind = choice(v.PROPOSAL_KINDS, required=True)
    description = Text(Proposal.description, required=True)
    proposers = listed(Ref("actor"))
    mandate = Text(Proposal.mandate, load_default=None, allow_none=True)
    status = choice(v.PROPOSAL_STATUSES, required=True)
    attributes = listed(fields.Nested(AttributeIn))
    citations = cited()


class EventIn(ClaimIn):
    record_type: ClassVar[str] = "event"
    slug = Slug(required=True)
    date = fields.Date(required=True, allow_none=True,
                       metadata={"description": "Null when the source gives no date and none can be worked out"})
    name = Text(Event.name, required=True)
    place = Text(Event.place, load_default=None, allow_none=True)
    participants = listed(Ref("actor"))
    status = choice(tuple(v.EVENT_STATUSES), required=True, metadata={"description": v.described(v.EVENT_STATUSES)})
    date_precision = choice(tuple(v.DATE_PRECISIONS), required=True,
                            metadata={"description": v.described(v.DATE_PRECISIONS)})
    date_provenance = choice(tuple(v.PROVENANCE), required=True, metadata={"description": v.described(v.PROVENANCE)})
    date_evidence = spans("The words that date the event, verbatim (required unless the date is from outside)")
    date_reasoning = Text(Event.date_reasoning, load_default=None, allow_none=True,
                          metadata={"description": "How the date was worked out (required unless stated)"})
    date_reference = Text(Event.date_reference, load_default=None, allow_none=True,
                          metadata={"description": "The outside reference for the date (required when outside)"})
    citations = cited()


class UncoveredIn(Strict):
    start = fields.Integer(required=True, validate=value_range(Citation.start, min=0))
    document = Slug(load_default=None)
    reason = Text(None, required=True)


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
