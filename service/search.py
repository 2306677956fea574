"""Full-text search behind one interface: SQLite FTS5 or PostgreSQL tsvector, over records.search_text."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Integer, Select, column, func, literal_column, select, table, text
from sqlalchemy.orm import InstrumentedAttribute, Session, scoped_session, selectinload, with_polymorphic

from service.models import Record, record_text
from service.models.search_text import fold_accents

WORD = re.compile(r"\w+", re.UNICODE)
PG_CONFIG = "english"
# The FTS5 table the SQLite migration creates (not a mapped table: SQLAlchemy need only name it).
FTS = table("records_fts", column("rowid", Integer))


def words(query: str) -> list[str]:
    return WORD.findall(fold_accents(query))


def matching_ids(session: Session | scoped_session, query: str, *, after: int | None = None,
                 limit: int | None = None, record_type: str | None = None) -> Select:
    """SELECT of the ids of records matching every word of QUERY (stemmed, case-insensitive).

    With LIMIT, only the first LIMIT matching ids above AFTER (in id order), so a page of hits costs
    the same whatever the number of matches: without it, every matching id is collected per page."""
    terms = words(query)
    id_column: ColumnElement[int] | InstrumentedAttribute[int]
    if session.get_bind().dialect.name == "postgresql":
        tsquery = func.plainto_tsquery(literal_column(f"'{PG_CONFIG}'"), " ".join(terms))
        # records.search_tsv: to_tsvector(PG_CONFIG, search_text), stored and GIN-indexed (migration 0006)
        stmt = select(Record.id).where(literal_column("records.search_tsv").op("@@")(tsquery))
        id_column = Record.id
    else:
        fts_query = " ".join('"' + term.replace('"', "") + '"' for term in terms)
        id_column = FTS.c.rowid
        stmt = select(id_column).select_from(FTS).where(
            text("records_fts MATCH :fts_query").bindparams(fts_query=fts_query))
        if record_type is not None:
            stmt = stmt.join(Record.__table__, Record.__table__.c.id == id_column)
    if record_type is not None:
        stmt = stmt.where(Record.type == record_type)
    if after is not None:
        stmt = stmt.where(id_column > after)
    if limit is not None:
        stmt = stmt.order_by(id_column).limit(limit)
    return stmt


def reindex(session: Session | scoped_session, *, only_missing: bool = False, batch: int = 500) -> int:
    """Recompute search_text (e.g. for rows written before the search migration); the caller commits."""
    record = with_polymorphic(Record, "*")
    stmt = select(record).options(selectinload(record.citations), selectinload(record.Actor.aliases))
    if only_missing:
        stmt = stmt.where(Record.search_text == "")
    changed, last_id = 0, 0
    while True:
        rows = session.scalars(stmt.where(Record.id > last_id).order_by(Record.id).limit(batch)).all()
        for row in rows:
            text_now = record_text(row)
            if row.search_text != text_now:
                row.search_text, changed = text_now, changed + 1
        session.flush()
        if len(rows) < batch:
            return changed
        last_id = rows[-1].id
