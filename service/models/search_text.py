"""Keeps records.search_text (names, summaries, aliases, quotes) current on every flush."""

from __future__ import annotations

import unicodedata

from sqlalchemy import event
from sqlalchemy.orm import Session

from service.models.actors import ActorAlias
from service.models.base import Record
from service.models.citations import Citation


def record_text(record: Record) -> str:
    """What a record is found by: its own fields, extras (aliases) and its citations' quotes."""
    parts = [getattr(record, name) for name in record.search_fields]
    parts += record.search_extra()
    parts += [c.quote for c in sorted(record.citations, key=lambda c: (c.start, c.end, c.quote))]
    text = "\n".join(str(part) for part in parts if part)
    # PostgreSQL's stock configurations keep accents; index a folded copy so "Elysee" finds "Elysée".
    folded = fold_accents(text)
    return text if folded == text else f"{text}\n{folded}"


def fold_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


@event.listens_for(Session, "before_flush")
def _refresh_search_text(session: Session, _context, _instances) -> None:
    touched: set[Record] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Record):
            touched.add(obj)
        elif isinstance(obj, Citation) and obj.record is not None:
            touched.add(obj.record)
        elif isinstance(obj, ActorAlias) and obj.actor is not None:
            touched.add(obj.actor)
    for record in touched - set(session.deleted):
        new_text = record_text(record)
        if record.search_text != new_text:
            record.search_text = new_text
