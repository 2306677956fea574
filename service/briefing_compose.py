"""The composed briefing: every record of a briefing, loaded in a fixed number of SELECTs, as one document."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only, selectinload

from service import vocabulary as v
from service.extensions import db
from service.models import (
    Actor,
    AidPackage,
    Briefing,
    Citation,
    Document,
    Event,
    Position,
    Proposal,
    Record,
)

KIND_LABELS = {
    "person": "People", "state": "States", "government": "Governments", "institution": "Institutions",
    "organisation": "Organisations", "coalition": "Coalitions", "armed_force": "Armed forces",
    "group": "Groups",
}
SUPPORTING = ("supports", "proposes", "demands", "urges", "announces")
OPPOSING = ("opposes", "rejects")


@dataclass
class Loaded:
    """A briefing and all its records, each kind keyed or ordered by id, citations keyed by record id."""

    briefing: Briefing
    actors: dict[int, Actor]
    events: list[Event]
    positions: list[Position]
    packages: list[AidPackage]
    proposals: list[Proposal]
    citations: dict[int, list[Citation]] = field(default_factory=dict)


def load(slug: str) -> Loaded | None:
    """Fetch the briefing and its records with a fixed number of SELECTs, whatever their count."""
    briefing = db.session.scalars(
        select(Briefing).options(selectinload(Briefing.documents)).where(Briefing.slug == slug)
    ).one_or_none()
    if briefing is None:
        return None

    def records(model, *options):
        stmt = select(model).where(model.briefing_id == briefing.id).order_by(model.id)
        return db.session.scalars(stmt.options(*options)).all()

    actor_ids = load_only(Actor.id)
    actors = {actor.id: actor for actor in records(Actor, selectinload(Actor.aliases))}
    events = records(Event, selectinload(Event.participants).options(actor_ids))
    positions = records(Position, selectinload(Position.conditions))
    packages = records(AidPackage, selectinload(AidPackage.items))
    proposals = records(Proposal, selectinload(Proposal.proposers).options(actor_ids),
                        selectinload(Proposal.attributes))
    citations: dict[int, list[Citation]] = defaultdict(list)
    stmt = (select(Citation).join(Record, Citation.record_id == Record.id)
            .where(Record.briefing_id == briefing.id)
            .options(joinedload(Citation.document).load_only(
                Document.slug, Document.title, Document.publisher, Document.published_date, Document.url))
            .order_by(Citation.record_id, Citation.start, Citation.id))
    for citation in db.session.scalars(stmt):
        citations[citation.record_id].append(citation)
    return Loaded(briefing, actors, list(events), list(positions), list(packages), list(proposals),
                  citations)


def compose(loaded: Loaded) -> dict:
    """The whole briefing as one plain structure the JSON schema, Markdown and HTML all render."""
    b, actors = loaded.briefing, loaded.actors

    def cites(record) -> list[dict]:
        return [{"document": c.document.slug, "start": c.start, "end": c.end, "quote": c.quote,
                 "reference": c.document.reference(c.quote)}
                for c in loaded.citations.get(record.id, [])]

    def ref(actor_id: int | None) -> dict | None:
        actor = actors.get(actor_id) if actor_id is not None else None
        return None if actor is None else {"slug": actor.slug, "name": actor.name}

    def stance_entry(position: Position) -> dict:
        return {"position": position.slug, "actor": ref(position.actor_id), "stance": position.stance,
                "summary": position.summary, "speech": position.speech,
                "stated_on": position.stated_on, "reported_by": ref(position.reported_by_id),
                "conditions": [{"slug": c.slug, "description": c.description, "citations": cites(c)}
                               for c in position.conditions],
                "citations": cites(position)}

    entries = [(position, stance_entry(position)) for position in loaded.positions]
    return {
        "slug": b.slug, "title": b.title, "summary": b.summary,
        "documents": [d.slug for d in b.documents],
        "sources": [{"slug": d.slug, "title": d.title, "publisher": d.publisher,
                     "published_date": d.published_date, "url": d.url} for d in b.documents],
        "timeline": [
            {"slug": e.slug, "date": e.date, "title": e.title, "place": e.place,
             "participants": [ref(a.id) for a in e.participants], "date_reasoning": e.date_reasoning,
             "citations": cites(e)}
            for e in sorted(loaded.events, key=lambda e: (e.date, e.id))
        ],
        "whos_who": _whos_who(actors, cites, ref),
        "stance_matrix": _stance_matrix(entries, loaded.proposals),
        "aid_packages": [
            {"slug": p.slug, "donor": ref(p.donor_id), "recipient": ref(p.recipient_id),
             "announced_by": ref(p.announced_by_id), "amount": p.amount, "currency": p.currency,
             "announced_on": p.announced_on, "delivery_schedule": p.delivery_schedule,
             "summary": p.summary, "citations": cites(p),
             "items": [{"slug": i.slug, "system": i.system, "category": i.category, "role": i.role,
                        "description": i.description, "quantity": i.quantity, "status": i.status,
                        "citations": cites(i)} for i in p.items]}
            for p in loaded.packages
        ],
        "proposals": [_proposal(p, entries, cites, ref) for p in loaded.proposals],
    }


def _whos_who(actors: dict[int, Actor], cites, ref) -> list[dict]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for actor in sorted(actors.values(), key=lambda a: a.name.casefold()):
        groups[actor.kind].append(
            {"slug": actor.slug, "name": actor.name, "kind": actor.kind, "role": actor.role,
             "country": actor.country, "parent": ref(actor.parent_id),
             "aliases": [a.alias for a in actor.aliases], "citations": cites(actor)})
    return [{"kind": kind, "label": KIND_LABELS.get(kind, kind), "actors": groups[kind]}
            for kind in (*v.ACTOR_KINDS, *sorted(set(groups) - set(v.ACTOR_KINDS))) if groups[kind]]


def _stance_matrix(entries: list[tuple[Position, dict]], proposals: list[Proposal]) -> dict:
    """Actors x (proposals, then topics of positions on no proposal); a cell holds every position."""
    names = {p.id: p.name for p in proposals}
    slugs = {p.id: p.slug for p in proposals}
    cells: dict[tuple[str, str], list[dict]] = defaultdict(list)
    columns: dict[str, dict] = {}
    for position, entry in entries:
        if position.proposal_id is not None:
            pid = position.proposal_id
            key, kind, label = f"proposal:{slugs[pid]}", "proposal", names[pid]
        else:
            topic = position.topic
            key, kind, label = f"topic:{topic}", "topic", topic.replace("_", " ").capitalize()
        columns.setdefault(key, {"key": key, "kind": kind, "label": label})
        cells[entry["actor"]["slug"], key].append(entry)
    order = {f"proposal:{p.slug}": i for i, p in enumerate(proposals)}
    ordered = sorted(columns.values(),
                     key=lambda c: (c["kind"] != "proposal", order.get(c["key"], 0), c["key"]))
    actors = {entry["actor"]["slug"]: entry["actor"] for _, entry in entries}
    rows = []
    for slug, actor in sorted(actors.items(), key=lambda item: item[1]["name"].casefold()):
        row_cells = []
        for column in ordered:
            held = cells.get((slug, column["key"]))
            if held:
                stances = {entry["stance"] for entry in held}
                row_cells.append({"column": column["key"],
                                  "stance": held[0]["stance"] if len(stances) == 1 else "mixed",
                                  "positions": held})
        rows.append({"actor": actor, "cells": row_cells})
    return {"columns": ordered, "rows": rows}


def _proposal(proposal: Proposal, entries: list[tuple[Position, dict]], cites, ref) -> dict:
    held = [entry for position, entry in entries if position.proposal_id == proposal.id]
    obstacles = [{"source": "attribute", "text": a.value, "actor": None, "citations": cites(a)}
                 for a in proposal.attributes if a.key == "obstacle"]
    for entry in held:
        if entry["stance"] in OPPOSING:
            obstacles.append({"source": "opposition", "actor": entry["actor"],
                              "text": f"{entry['actor']['name']} {entry['stance']}: {entry['summary']}",
                              "citations": entry["citations"]})
        if entry["stance"] == "conditional":  # what a conditional backer requires first
            obstacles += [{"source": "condition", "text": c["description"], "actor": entry["actor"],
                           "citations": c["citations"]} for c in entry["conditions"]]
    return {
        "slug": proposal.slug, "name": proposal.name, "kind": proposal.kind,
        "description": proposal.description, "mandate": proposal.mandate, "status": proposal.status,
        "proposers": [ref(a.id) for a in proposal.proposers],
        "attributes": [{"key": a.key, "value": a.value, "citations": cites(a)} for a in proposal.attributes],
        "supporters": [e for e in held if e["stance"] in SUPPORTING],
        "opponents": [e for e in held if e["stance"] in OPPOSING],
        "others": [e for e in held if e["stance"] not in SUPPORTING + OPPOSING],
        "obstacles": obstacles,
        "citations": cites(proposal),
    }
