"""The composed briefing: every record of a briefing, loaded in a fixed number of SELECTs, as one document.

Every claim in it says who says it, how (the cue, the speech), and how surely (factuality and hedges), so the
Markdown and HTML renderings never present a hedged or outlet-voiced claim as a firm stance of an actor.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only, selectinload

from service import vocabulary as v
from service.extensions import db
from service.models import (
    Actor,
    AidItem,
    AidPackage,
    Briefing,
    Citation,
    Document,
    Event,
    Position,
    Proposal,
    Record,
)
from service.models.citations import selectors
from service.resources.common import link_to, span_url
from service.resources.refs import URLS

KIND_LABELS = {
    "person": "People", "state": "States", "government": "Governments", "institution": "Institutions",
    "organisation": "Organisations", "coalition": "Coalitions", "armed_force": "Armed forces",
    "group": "Groups", "outlet": "The outlet",
}
SUPPORTING = ("supports", "proposes", "demands", "urges", "announces")
OPPOSING = ("opposes", "rejects")


@dataclass
class Loaded:
    """A briefing and all its records, each kind keyed or ordered by id, spans keyed by record id."""

    briefing: Briefing
    actors: dict[int, Actor]
    events: list[Event]
    positions: list[Position]
    packages: list[AidPackage]
    loose_items: list[AidItem]
    proposals: list[Proposal]
    spans: dict[int, list[Citation]] = field(default_factory=dict)


def load(slug: str) -> Loaded | None:
    """Fetch the briefing and its records with a fixed number of SELECTs, whatever their count."""
    briefing = db.session.scalars(
        select(Briefing).options(selectinload(Briefing.documents)).where(Briefing.slug == slug)
    ).one_or_none()
    if briefing is None:
        return None

    def records(model, *options, where=()):
        stmt = select(model).where(model.briefing_id == briefing.id, *where).order_by(model.id)
        return db.session.scalars(stmt.options(*options)).all()

    actor_ids = load_only(Actor.id)
    actors = {actor.id: actor for actor in records(Actor, selectinload(Actor.aliases))}
    events = records(Event, selectinload(Event.participants).options(actor_ids))
    positions = records(Position, selectinload(Position.conditions))
    packages = records(AidPackage, selectinload(AidPackage.items))
    loose = records(AidItem, where=(AidItem.package_id.is_(None),))
    proposals = records(Proposal, selectinload(Proposal.proposers).options(actor_ids),
                        selectinload(Proposal.attributes))
    spans: dict[int, list[Citation]] = defaultdict(list)
    stmt = (select(Citation).join(Record, Citation.record_id == Record.id)
            .where(Record.briefing_id == briefing.id)
            .options(joinedload(Citation.document).load_only(
                Document.slug, Document.name, Document.publisher, Document.date, Document.url))
            .order_by(Citation.record_id, Citation.start, Citation.id))
    for citation in db.session.scalars(stmt):
        spans[citation.record_id].append(citation)
    return Loaded(briefing, actors, list(events), list(positions), list(packages), list(loose), list(proposals),
                  spans)


class Composer:
    """Turns loaded records into the plain structures the JSON schema, Markdown and HTML render."""

    def __init__(self, loaded: Loaded):
        self.loaded, self.actors = loaded, loaded.actors

    def spans(self, record, role: str = "content") -> list[dict]:
        out = []
        for c in self.loaded.spans.get(record.id, []):
            if c.role == role:
                span = {"document": link_to("documents", c.document.slug), "start": c.start, "end": c.end,
                        "quote": c.quote, "selector": selectors(c.start, c.end, c.quote, c.prefix, c.suffix),
                        "url": span_url(c.document.slug, c.start, c.end), "reference": c.document.reference(c.quote)}
                if role == "quantity":
                    span |= {"measure": c.measure, "unit": c.unit, "approximation": c.approximation,
                             "value": None if c.value is None else format(c.value.normalize(), "f")}
                out.append(span)
        return out

    def ref(self, actor_id: int | None) -> dict | None:
        actor = self.actors.get(actor_id) if actor_id is not None else None
        if actor is None:
            return None
        return {"slug": actor.slug, "url": f"/api/v1/actors/{actor.slug}", "name": actor.name, "kind": actor.kind}

    def record(self, record) -> dict:
        """What every record carries: its id and URL (its own, or its parent's for a condition or an attribute),
        provenance, quantities, review, and its citations."""
        template, key = URLS[record.type]
        return {"id": record.id, "url": template.format(key(record)), "provenance": record.provenance or [],
                "quantities": self.spans(record, "quantity"),
                "review_status": record.review_status, "review_note": record.review_note,
                "reviewed_by": record.reviewed_by, "reviewed_at": record.reviewed_at,
                "citations": self.spans(record)}

    def claim(self, record) -> dict:
        """A record's claim: who says it, how, and how surely."""
        cue = self.spans(record, "cue")
        return {**self.record(record), "speaker": self.ref(record.speaker_id),
                "reported_by": self.ref(record.reported_by_id), "speech": record.speech,
                "voice": "outlet" if record.speech == "outlet" else "actor", "cue": cue[0] if cue else None,
                "quoted_words": self.spans(record, "quoted"), "hedges": self.spans(record, "hedge"),
                "factuality": record.factuality, "polarity": record.polarity,
                "factbank": v.FACTBANK_CODES[record.factuality] + v.FACTBANK_SIGNS[record.polarity]}

    def stance_entry(self, position: Position) -> dict:
        return {"position": link_to("positions", position.slug), "slug": position.slug,
                "holder": self.ref(position.holder_id), "about": self.ref(position.about_id), "topic": position.topic,
                "stance": position.stance,
                "summary": position.summary, "date": position.date, **self.claim(position),
                "conditions": [{"slug": c.slug, "kind": c.kind, "description": c.description, **self.claim(c)}
                               for c in position.conditions]}

    def event(self, e: Event) -> dict:
        return {"slug": e.slug, "date": e.date, "name": e.name, "place": e.place, "status": e.status,
                "date_precision": e.date_precision, "date_provenance": e.date_provenance,
                "date_reasoning": e.date_reasoning, "date_reference": e.date_reference,
                "date_evidence": self.spans(e, "date"),
                "participants": [self.ref(a.id) for a in e.participants], **self.claim(e)}

    def item(self, i: AidItem) -> dict:
        return {"slug": i.slug, "system": i.system, "category": i.category, "role": i.role,
                "description": i.description, "quantity": i.quantity, "status": i.status,
                "donor": self.ref(i.donor_id), "recipient": self.ref(i.recipient_id), **self.claim(i)}

    def package(self, p: AidPackage) -> dict:
        return {"slug": p.slug, "donor": self.ref(p.donor_id), "recipient": self.ref(p.recipient_id),
                "announced_by": self.ref(p.announced_by_id), "amount": p.amount, "currency": p.currency,
                "date": p.date, "delivery_schedule": p.delivery_schedule, "summary": p.summary,
                **self.claim(p), "items": [self.item(i) for i in p.items]}


def compose(loaded: Loaded) -> dict:
    """The whole briefing as one plain structure the JSON schema, Markdown and HTML all render."""
    b, make = loaded.briefing, Composer(loaded)
    entries = [(position, make.stance_entry(position)) for position in loaded.positions]
    undated = dt.date.max  # events the source gives no date come last
    every = [*loaded.actors.values(), *loaded.events, *loaded.packages, *loaded.loose_items, *loaded.proposals,
             *(c for p in loaded.positions for c in (p, *p.conditions)),
             *(i for p in loaded.packages for i in p.items), *(a for p in loaded.proposals for a in p.attributes)]
    return {
        "id": b.id, "url": f"/api/v1/briefings/{b.slug}", "slug": b.slug, "name": b.name, "summary": b.summary,
        "documents": [link_to("documents", d.slug) for d in b.documents],
        "sources": [{"id": d.id, "slug": d.slug, "url": f"/api/v1/documents/{d.slug}", "name": d.name,
                     "publisher": d.publisher, "date": d.date, "source_url": d.url}
                    for d in b.documents],
        "timeline": [make.event(e) for e in sorted(loaded.events, key=lambda e: (e.date or undated, e.id))],
        "whos_who": _whos_who(make),
        "stance_matrix": _stance_matrix(entries, loaded.proposals),
        "aid_packages": [make.package(p) for p in loaded.packages],
        "other_aid": [make.item(i) for i in loaded.loose_items],
        "proposals": [_proposal(p, entries, make) for p in loaded.proposals],
        "review": {status: sum(r.review_status == status for r in every) for status in v.REVIEW_STATUSES},
    }


def _whos_who(make: Composer) -> list[dict]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for actor in sorted(make.actors.values(), key=lambda a: a.name.casefold()):
        groups[actor.kind].append(
            {"slug": actor.slug, "name": actor.name, "kind": actor.kind, "role": actor.role,
             "country": actor.country, "parent": make.ref(actor.parent_id),
             "aliases": [a.alias for a in actor.aliases], **make.record(actor)})
    return [{"kind": kind, "label": KIND_LABELS.get(kind, kind), "actors": groups[kind]}
            for kind in (*v.ACTOR_KINDS, *sorted(set(groups) - set(v.ACTOR_KINDS))) if groups[kind]]


def _stance_matrix(entries: list[tuple[Position, dict]], proposals: list[Proposal]) -> dict:
    """Holders x (proposals, then topics of positions on no proposal); a cell holds every position, and says
    whether any of them is hedged (not certain) or in the outlet's own voice."""
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
        cells[entry["holder"]["slug"], key].append(entry)
    order = {f"proposal:{p.slug}": i for i, p in enumerate(proposals)}
    ordered = sorted(columns.values(),
                     key=lambda c: (c["kind"] != "proposal", order.get(c["key"], 0), c["key"]))
    holders = {entry["holder"]["slug"]: entry["holder"] for _, entry in entries}
    rows = []
    for slug, holder in sorted(holders.items(), key=lambda item: item[1]["name"].casefold()):
        row_cells = []
        for column in ordered:
            held = cells.get((slug, column["key"]))
            if held:
                stances = {entry["stance"] for entry in held}
                row_cells.append({"column": column["key"],
                                  "stance": held[0]["stance"] if len(stances) == 1 else "mixed",
                                  "hedged": any(e["factuality"] != "certain" for e in held),
                                  "outlet": any(e["voice"] == "outlet" for e in held),
                                  "positions": held})
        rows.append({"holder": holder, "cells": row_cells})
    return {"columns": ordered, "rows": rows}


def _proposal(proposal: Proposal, entries: list[tuple[Position, dict]], make: Composer) -> dict:
    held = [entry for position, entry in entries if position.proposal_id == proposal.id]
    attributes = [{"key": a.key, "value": a.value, **make.claim(a)} for a in proposal.attributes]
    obstacles = [{"source": "attribute", "text": a["value"], "holder": a["speaker"], **_said(a)}
                 for a in attributes if a["key"] == "obstacle"]
    for entry in held:
        if entry["stance"] in OPPOSING:
            obstacles.append({"source": "opposition", "holder": entry["holder"],
                              "text": f"{entry['holder']['name']} {entry['stance']}: {entry['summary']}",
                              **_said(entry)})
        if entry["stance"] == "conditional":  # what a conditional backer requires first
            obstacles += [{"source": "condition", "text": c["description"], "holder": entry["holder"], **_said(c)}
                          for c in entry["conditions"]]
    return {
        "slug": proposal.slug, "name": proposal.name, "kind": proposal.kind,
        "description": proposal.description, "mandate": proposal.mandate, "status": proposal.status,
        "proposers": [make.ref(a.id) for a in proposal.proposers], **make.claim(proposal),
        "attributes": attributes,
        "supporters": [e for e in held if e["stance"] in SUPPORTING],
        "opponents": [e for e in held if e["stance"] in OPPOSING],
        "others": [e for e in held if e["stance"] not in SUPPORTING + OPPOSING],
        "obstacles": obstacles,
    }


def _said(claim: dict) -> dict:
    """The attribution and factuality of CLAIM, for an entry that restates it (an obstacle)."""
    keys = ("speaker", "voice", "cue", "factuality", "hedges", "citations")
    return {key: claim[key] for key in keys}
