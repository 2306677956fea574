"""How any record is named and linked when it turns up outside its own resource: search hits, the
coverage report and the annotated document view all use record_ref()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from sqlalchemy.orm import selectinload

from service.models import Actor, Proposal, Record
from service.resources.loading import Shape


@dataclass(frozen=True)
class RecordRef:
    """A record as a label and the URL of the resource that serves it (its own, or its parent's)."""

    type: str
    id: int
    label: str
    url: str


def record_ref(record: Record) -> RecordRef:
    """Below the app's root (as url_for gives it): the templates are those of the resources' routes, and
    slugs are URL-safe (SLUG_PATTERN), so nothing needs quoting; url_for cost more than the rest of a hit."""
    template, key = URLS[record.type]
    return RecordRef(record.type, record.id, LABELS[record.type](record),
                     request.script_root + template.format(key(record)))


# What record_ref() reads beyond a record's own columns, by record type (see loading.py)...
REF_SHAPES: dict[str, Shape] = {"relation": {"subject": {}, "object": {}}, "proposal_attribute": {"proposal": {}}}
# ... and the columns it reads of each type (with the slug a search hit shows), besides records' own; each
# label and URL below reads no other (tests/test_search.py compares them with the ORM-loaded coverage report).
REF_COLUMNS: dict[str, tuple[str, ...]] = {
    "actor": ("slug", "name"),
    "relation": ("slug", "predicate", "subject_id", "object_id"),
    "position": ("slug", "summary"),
    "condition": ("slug", "description", "position_slug"),
    "aid_package": ("slug", "summary"),
    "aid_item": ("slug", "description"),
    "proposal": ("slug", "name"),
    "proposal_attribute": ("key", "value", "proposal_id"),
    "event": ("slug", "date", "name"),
}


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
    "event": lambda r: f"{r.date.isoformat() if r.date else 'undated'} {r.name}",
}
# type -> (the URL template of the resource that serves it, the record's key in it)
URLS = {
    "actor": ("/api/v1/actors/{}", lambda r: r.slug),
    "relation": ("/api/v1/actors/{}/relations", lambda r: r.subject.slug),
    "position": ("/api/v1/positions/{}", lambda r: r.slug),
    "condition": ("/api/v1/positions/{}", lambda r: r.position_slug),
    "aid_package": ("/api/v1/aid-packages/{}", lambda r: r.slug),
    "aid_item": ("/api/v1/aid-items/{}", lambda r: r.slug),
    "proposal": ("/api/v1/proposals/{}", lambda r: r.slug),
    "proposal_attribute": ("/api/v1/proposals/{}", lambda r: r.proposal.slug),
    "event": ("/api/v1/events/{}", lambda r: r.slug),
}
RECORD_TYPES = tuple(LABELS)
