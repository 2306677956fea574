"""The composed briefing stored as served (briefing_compositions): its JSON, Markdown and HTML, one row per briefing.

A read finds the stored text in one SELECT; when it is missing, the read composes it from the records (compose.py),
serves it and stores it. Any flush that can change a briefing's composition clears that briefing's row in the
writing transaction (`after_flush`), whatever writes (a view, the seed loader, a CLI command): a record of the
briefing (its citations, an actor's aliases), the briefing itself (its name, its documents), or a document it
holds or cites. References never cross briefings (resources/writing.py `ref`), so a write to one briefing's records
leaves the others' compositions alone. Writes outside the ORM's flush (raw SQL) are not seen, as for the stored
record bodies: `flask bodies rebuild` clears every composition, composed again by its next read.

Clearing bumps the row's `generation`, and a reader stores what it rendered only while the row still has the
generation it read before reading any record (or is still absent): a write that commits while a reader composes
makes that reader's store a no-op, so no worker ever finds a composition older than the records.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, cast

from flask import current_app
from sqlalchemy import (
    Connection,
    Table,
    event,
    func,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy import inspect as inspect_model
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from service.briefings import compose
from service.briefings import render as briefing_render
from service.models import (
    ActorAlias,
    ApiToken,
    Briefing,
    BriefingComposition,
    Change,
    Citation,
    Document,
    IdempotencyKey,
    Record,
    RecordBody,
    as_bytes,
    briefing_documents,
    utf8_bytes,
)

COMPOSITIONS = cast(Table, BriefingComposition.__table__)
BRIEFINGS = cast(Table, Briefing.__table__)
RECORDS = cast(Table, Record.__table__)
CITATIONS = cast(Table, Citation.__table__)
MEDIA_TYPES = {"application/json": "json", "text/markdown": "markdown", "text/html": "html"}
DELETED = "service.briefings.stored"  # session.info key: what the objects this flush deletes named
# Rows no composition shows (bookkeeping, the stored texts themselves).
UNSHOWN = (Change, IdempotencyKey, ApiToken, RecordBody, BriefingComposition)


# --- reading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    briefing_id: int
    generation: int | None  # None: the briefing has no row yet
    body: bytes | str | None  # the stored text (its UTF-8 bytes on SQLite)


def find(reading: Session | Connection, slug: str, column: str) -> Found | None:
    """The briefing SLUG's stored COLUMN and the row's generation, in one SELECT (in READING's transaction, or on a
    connection of its own); None for no such briefing."""
    row = reading.execute(
        select(BRIEFINGS.c.id, COMPOSITIONS.c.generation, utf8_bytes(COMPOSITIONS.c[column]))
        .outerjoin(COMPOSITIONS, COMPOSITIONS.c.briefing_id == BRIEFINGS.c.id)
        .where(BRIEFINGS.c.slug == slug)).one_or_none()
    return None if row is None else Found(*row)


def served(reading: AbstractContextManager[Connection], session: Session, slug: str, media_type: str) -> bytes | None:
    """The briefing SLUG in MEDIA_TYPE as served: stored (read on READING's connection, see
    service.extensions.Database.reading), or composed now in SESSION and stored; None for no such briefing."""
    column = MEDIA_TYPES[media_type]
    with reading as conn:  # first: the generation is read before any record
        found = find(conn, slug, column)
    if found is None:
        return None
    if found.body is not None:
        return as_bytes(found.body)
    text = rendered(slug, column)
    if text is None:
        return None
    store(session, found, column, text)
    return text.encode()


def rendered(slug: str, column: str) -> str | None:
    """The briefing SLUG's COLUMN composed from its records: the text the JSON provider, the Markdown or the HTML
    renderer writes (None when the briefing is gone)."""
    from service.resources.briefing_schemas import ComposedBriefingSchema  # the resources import this module

    loaded = compose.load(slug)
    if loaded is None:  # deleted since it was found
        return None
    composed = compose.compose(loaded)
    if column == "json":
        return current_app.json.response(ComposedBriefingSchema().dump(composed)).get_data(as_text=True)  # type: ignore[attr-defined]  # a flask Response
    render = briefing_render.render_markdown if column == "markdown" else briefing_render.render_html
    return render(composed)


def store(session: Session, found: Found, column: str, text: str) -> None:
    """Store TEXT unless a write committed since FOUND was read (then the next read composes again)."""
    if found.generation is None:
        stmt: Any = (_insert(session).values(briefing_id=found.briefing_id, generation=0, **{column: text})
                     .on_conflict_do_nothing(index_elements=[COMPOSITIONS.c.briefing_id]))
    else:
        stmt = (update(COMPOSITIONS).values({column: text})
                .where(COMPOSITIONS.c.briefing_id == found.briefing_id,
                       COMPOSITIONS.c.generation == found.generation, COMPOSITIONS.c[column].is_(None)))
    try:
        session.connection().execute(stmt)  # the connection's, not session.execute: storing changes no data
        session.commit()
    except OperationalError:  # the database busy or read-only: serve what was composed, store it another time
        session.rollback()


def _insert(session: Session):
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert(COMPOSITIONS)


def rebuild(session: Session) -> int:
    """Clear every briefing's stored composition, in the caller's transaction: each is composed again by its next
    read, with the code that serves it (after a change of representation, or a repair in raw SQL). Returns how
    many briefings."""
    clear(session, Affected(everything=True))
    return session.connection().execute(select(func.count()).select_from(BRIEFINGS)).scalar_one()


# --- clearing, in the writing transaction -----------------------------------------------------------------


@dataclass
class Affected:
    """What a flush's objects name, from which the briefings whose composition they change are found."""

    briefings: set[int] = field(default_factory=set)
    records: set[int] = field(default_factory=set)      # a record's id: its briefing
    documents: set[int] = field(default_factory=set)    # a document's id: the briefings holding or citing it
    everything: bool = False                            # a row of a kind this module does not know

    def __bool__(self) -> bool:
        return bool(self.everything or self.briefings or self.records or self.documents)


def _note(affected: Affected, obj, value) -> None:
    """Note what OBJ names, through VALUE(attribute name) -> the values it has (or had) there."""
    if isinstance(obj, UNSHOWN):
        return
    if isinstance(obj, Record):
        found = value("briefing_id")
        affected.briefings.update(found)
        if not found and obj.id is not None:
            affected.records.add(obj.id)
    elif isinstance(obj, Briefing):
        affected.briefings.update(value("id"))
    elif isinstance(obj, Citation):
        affected.records.update(value("record_id"))
    elif isinstance(obj, ActorAlias):
        affected.records.update(value("actor_id"))
    elif isinstance(obj, Document):
        affected.documents.update(value("id"))
    else:
        affected.everything = True


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    """What the objects being deleted name, read while their rows are there (an expired attribute loads)."""
    if not session.deleted:
        return
    affected = session.info.setdefault(DELETED, Affected())
    with session.no_autoflush:
        for obj in session.deleted:
            _note(affected, obj, lambda name, obj=obj: [v] if (v := getattr(obj, name)) is not None else [])


# Registered after service.http.response_cache's (imported first by the app): every writer's first lock is the
# data version's row, then these, in briefing id order; so two writers never wait on each other in a cycle.
@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    affected: Affected = session.info.pop(DELETED, None) or Affected()
    for obj in (*session.new, *(o for o in session.dirty if session.is_modified(o))):
        _note(affected, obj, lambda name, obj=obj: _values(obj, name))
    if affected:
        clear(session, affected)


def _values(obj, name: str) -> list:
    """The values OBJ's attribute NAME has and had in this flush (none when not loaded)."""
    state = inspect_model(obj)
    if name not in state.dict:
        return []
    history = state.attrs[name].history
    return [v for v in (state.dict[name], *history.deleted) if v is not None]


def clear(session: Session, affected: Affected) -> None:
    """Clear the stored compositions of the briefings AFFECTED names, in one statement: an upsert, so a briefing
    with no row yet gets one (a reader that found none must not store then)."""
    if affected.everything:
        which: Any = true()
    else:
        parts = []
        if affected.briefings:
            parts.append(BRIEFINGS.c.id.in_(sorted(affected.briefings)))
        if affected.records:
            parts.append(BRIEFINGS.c.id.in_(select(RECORDS.c.briefing_id)
                                            .where(RECORDS.c.id.in_(sorted(affected.records)))))
        if affected.documents:
            documents = sorted(affected.documents)
            parts.append(BRIEFINGS.c.id.in_(select(briefing_documents.c.briefing_id)
                                            .where(briefing_documents.c.document_id.in_(documents))))
            parts.append(BRIEFINGS.c.id.in_(select(RECORDS.c.briefing_id)
                                            .join(CITATIONS, CITATIONS.c.record_id == RECORDS.c.id)
                                            .where(CITATIONS.c.document_id.in_(documents))))
        which = or_(*parts)
    rows = select(BRIEFINGS.c.id, literal(1)).where(which).order_by(BRIEFINGS.c.id)
    stmt = (_insert(session).from_select(["briefing_id", "generation"], rows)
            .on_conflict_do_update(index_elements=[COMPOSITIONS.c.briefing_id],
                                   set_={"generation": COMPOSITIONS.c.generation + 1,
                                         **{column: None for column in MEDIA_TYPES.values()}}))
    session.connection().execute(stmt)
