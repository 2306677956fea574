"""Writing what every record carries (spans by role, provenance, review) and what every claim carries
(attribution, factuality), and checking the reading rules of service/claims.py before anything is flushed."""

from __future__ import annotations

from collections import defaultdict

from flask import g
from flask_smorest import abort

from service import claims, clock
from service import vocabulary as v
from service.models import Actor, Event, Position, Record
from service.resources.writing import citations, ref, set_plain


def assign_spans(record: Record, data: dict, prefix: str = "") -> None:
    """Replace the spans of each role DATA names (`citations`, `cue`, `hedges` ...); keep the others."""
    replaced, new = set(), []
    for role, key in claims.SPAN_FIELDS.items():
        if key not in data:
            continue
        replaced.add(role)
        if key == "cue":
            new += citations(record, [] if data[key] is None else [data[key]], prefix + key, role, single=True)
        else:
            new += citations(record, data[key], prefix + key, role)
    if replaced:
        record.citations = [c for c in record.citations if c.role not in replaced] + new


def assign_record(record: Record, data: dict, prefix: str = "") -> None:
    """Provenance, review and spans: what every record's write body may hold."""
    set_plain(record, data, ("provenance",))
    reviewing = {k: data[k] for k in ("review_status", "review_note") if k in data}
    if reviewing and (record.id is not None or reviewing.get("review_status", "extracted") != "extracted"):
        set_plain(record, reviewing, tuple(reviewing))
        record.reviewed_by, record.reviewed_at = g.principal, clock.now()
    elif reviewing:
        set_plain(record, reviewing, tuple(reviewing))
    assign_spans(record, data, prefix)


def assign_claim(record: Record, data: dict, prefix: str = "") -> None:
    """assign_record, and who says the claim, how, and how surely."""
    assign_record(record, data, prefix)
    for name in ("speaker", "reported_by"):
        if name in data:
            setattr(record, name, ref(Actor, data[name], prefix + name, record.briefing))
    set_plain(record, data, ("speech", "factuality", "polarity"))


def check(records: list[tuple[str, Record]], claim_types: bool = True) -> None:
    """A 422 naming every field of RECORDS ((prefix, record) pairs) that breaks a reading rule."""
    problems: dict[str, list[str]] = defaultdict(list)
    for prefix, record in records:
        for entry in record.provenance or []:
            if not hasattr(type(record), entry["field"]) or entry["field"].startswith("_"):
                problems[prefix + "provenance"].append(v.renamed(entry["field"], dir(type(record)))
                                                       or f"{entry['field']!r} is not a field of this record.")
        if claim_types:
            for field, reason in claims.errors(claim_of(record)):
                problems[prefix + field].append(reason)
    if problems:
        abort(422, errors={"json": dict(problems)})


def claim_of(record: Record) -> claims.Claim:
    """What the reading rules read of an ORM record, its spans named as a write body names them."""
    spans: list[claims.Span] = []
    counts: dict[str, int] = defaultdict(int)
    for citation in record.citations:
        key = claims.SPAN_FIELDS.get(citation.role, "citations")
        name = key if key == "cue" else f"{key}.{counts[key]}"
        counts[key] += 1
        spans.append(claims.Span(citation.role, name, citation.document.slug, citation.start, citation.end,
                                 citation.quote))
    documents = {c.document.slug: c.document for c in record.citations}
    event = None
    if isinstance(record, Event):
        event = {k: getattr(record, k) for k in ("status", "date", "date_precision", "date_provenance",
                                                 "date_reasoning", "date_reference")}
    return claims.Claim(
        record.type, spans, {slug: d.text for slug, d in documents.items()},
        {slug: d.publisher for slug, d in documents.items()},
        {slug: d.date for slug, d in documents.items()},
        speech=record.speech, speaker=_speaker(record.speaker), reported_by=_speaker(record.reported_by),
        holder=_speaker(record.holder) if isinstance(record, Position) else None,
        factuality=record.factuality, event=event,
        statements={name: getattr(record, name) for name in claims.STATEMENT_FIELDS.get(record.type, ())})


def _speaker(actor: Actor | None) -> claims.Speaker | None:
    return None if actor is None else claims.Speaker(actor.slug, actor.kind, actor.name)
