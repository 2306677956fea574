"""How any record is named and linked when it turns up outside its own resource: search hits, the
coverage report and the annotated document view all use record_ref()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy.orm import selectinload

from service.models import Actor, Proposal, Record


@dataclass(frozen=True)
class RecordRef:
    """A record as a label and the URL of the resource that serves it (its own, or its parent's)."""

    type: str
    id: int
    label: str
    url: str


def record_ref(record: Record) -> RecordRef:
    label, (endpoint, args) = LABELS[record.type](record), URLS[record.type](record)
    return RecordRef(record.type, record.id, label, url_for(endpoint, **args))


def ref_options(record) -> tuple:
    """Loader options for a with_polymorphic(Record, "*") entity so record_ref() runs no query per record."""
    return (
        selectinload(record.ActorRelation.subject).load_only(Actor.slug, Actor.name),
        selectinload(record.ActorRelation.object).load_only(Actor.slug, Actor.name),
        selectinload(record.ProposalAttribute.proposal).load_only(Proposal.slug, Proposal.name),
    )


LABELS = {
    "actor": lambda r: r.name,
    "relation": lambda r: f"{r.subject.name} {r.predicate.replace('_', ' ')} {r.object.name}",
    "position": lambda r: r.summary,
    "condition": lambda r: r.description,
    "aid_package": lambda r: r.summary or r.slug,
    "aid_item": lambda r: r.description,
    "proposal": lambda r: r.name,
    "proposal_attribute": lambda r: f"{r.proposal.name}, {r.key.replace('_', ' ')}: {r.value}",
    "event": lambda r: f"{r.date.isoformat()} {r.title}",
}
URLS = {
    "actor": lambda r: ("actors.ActorBySlug", {"slug": r.slug}),
    "relation": lambda r: ("actors.ActorRelations", {"slug": r.subject.slug}),
    "position": lambda r: ("positions.PositionById", {"position_id": r.id}),
    "condition": lambda r: ("positions.PositionById", {"position_id": r.position_id}),
    "aid_package": lambda r: ("aid-packages.AidPackageById", {"package_id": r.id}),
    "aid_item": lambda r: ("aid-items.AidItemById", {"item_id": r.id}),
    "proposal": lambda r: ("proposals.ProposalBySlug", {"slug": r.slug}),
    "proposal_attribute": lambda r: ("proposals.ProposalBySlug", {"slug": r.proposal.slug}),
    "event": lambda r: ("events.EventById", {"event_id": r.id}),
}
RECORD_TYPES = tuple(LABELS)
