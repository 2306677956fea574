"""/search: one full-text query across every kind of record, with typed hits and the matching citation."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import marshmallow as ma
from flask import g, request
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import BindParameter, Connection, Select, bindparam, select
from sqlalchemy.orm import aliased, with_polymorphic

from service import search
from service.extensions import db
from service.http.request_input import Blueprint
from service.models import ActorRelation, Citation, Document, PositionCondition, ProposalAttribute, Record
from service.models.briefings import reference
from service.resources.common import CitationSchema, PageArgs, list_endpoint, list_route, paginate
from service.resources.listing import dumper
from service.resources.refs import MODELS, READS, RECORD_TYPES, RecordRef, record_ref

blp = Blueprint("search", __name__, url_prefix="/api/v1/search",
                description="Full-text search across actors, positions, aid, proposals and events.")

IDS: BindParameter = bindparam("ids", expanding=True)  # expanding: one compiled statement whatever the number
# A hit's citations, with what their references say of the cited document, in one SELECT.
CITATION_COLUMNS = (Citation.record_id, Citation.start, Citation.end, Citation.quote, Citation.prefix,
                    Citation.suffix, Document.slug, Document.publisher, Document.name, Document.date, Document.url)


@dataclass(frozen=True)
class CitedDocument:
    """The cited document as a citation's Link and reference read it (Document.reference, from a row)."""

    slug: str
    publisher: str | None
    name: str
    date: dt.date | None
    url: str | None

    def reference(self, quote: str) -> str:
        return reference(self.publisher, self.name, self.date, self.url, quote)


@dataclass(frozen=True)
class HitCitation:
    """A citation of a hit, as CitationSchema dumps it, read as a row."""

    document: CitedDocument
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Hit:
    """What a hit is dumped from: its record's type, id and slug, how the record is named and linked, and its
    citations in the record's order."""

    type: str
    id: int
    slug: str | None
    ref: RecordRef
    citations: list[HitCitation]


class SearchHitSchema(ma.Schema):
    type = fields.String(required=True, validate=validate.OneOf(RECORD_TYPES))
    id = fields.Integer(required=True)
    slug = fields.Function(lambda hit: hit.slug, allow_none=True, metadata={"type": "string", "nullable": True})
    label = fields.Function(lambda hit: hit.ref.label,
                            metadata={"type": "string", "description": "A readable name for the hit"})
    url = fields.Function(lambda hit: hit.ref.url,
                          metadata={"type": "string",
                                    "description": "Permalink of the record (or its parent)"})
    citation = fields.Method("matching_citation", metadata={"description": "The citation that best matches"})

    def matching_citation(self, hit: Hit):
        stems = g.get("search_stems") or _stems(request.args.get("q", ""))
        chosen = next((c for c in hit.citations if any(s in c.quote.lower() for s in stems)),
                      hit.citations[0] if hit.citations else None)
        return dumper(CitationSchema)(chosen) if chosen else None


def hits(conn: Connection, ids: list[int]) -> list[Hit]:
    """The hits of the records with these IDS, in that order (a record deleted since is left out): two SELECTs
    (the records, their citations with their documents) whatever the number, read as rows, not entities."""
    if not ids:
        return []
    found = {}
    for found_row in conn.execute(_records(), {"ids": ids}).mappings():
        record = _named(found_row)
        found[record.id] = Hit(record.type, record.id, getattr(record, "slug", None), record_ref(record), [])
    documents: dict[str, CitedDocument] = {}
    for row in conn.execute(_citations(), {"ids": ids}):
        document = documents.get(row.slug)
        if document is None:  # one per document, however many times the page cites it
            document = documents[row.slug] = CitedDocument(row.slug, row.publisher, row.name, row.date, row.url)
        if (hit := found.get(row.record_id)) is not None:
            hit.citations.append(HitCitation(document, row.start, row.end, row.quote, row.prefix, row.suffix))
    return [found[i] for i in ids if i in found]


@functools.cache  # built once, so compiled and cached once
def _records() -> Select:
    """The SELECT of :ids' records as rows: each one's type and id, and of each type only what record_ref() reads
    (refs.READS), its related records' columns by LEFT OUTER JOIN, labelled `type.column` and
    `type.relationship.column`. Not every column of every type, nor an entity per hit."""
    record: Any = with_polymorphic(Record, "*")
    read = [record.type.label("type"), record.id.label("id")]
    stmt = select().select_from(record)
    for kind, (columns, related) in READS.items():
        entity = getattr(record, MODELS[kind].__name__)
        read += [getattr(entity, column).label(f"{kind}.{column}") for column in columns]
        for name, names in related.items():
            target = aliased(getattr(entity, name).property.mapper.class_, flat=True)  # tables, not a subquery
            stmt = stmt.outerjoin(getattr(entity, name).of_type(target))
            read += [getattr(target, column).label(f"{kind}.{name}.{column}") for column in ("id", *names)]
    return stmt.add_columns(*read).where(record.id.in_(IDS))


@functools.cache
def _citations() -> Select:
    """The SELECT of the citations of :ids' records, with what their references say of their documents, in each
    record's order."""
    return (select(*CITATION_COLUMNS).join(Citation.document).where(Citation.record_id.in_(IDS))
            .order_by(Citation.record_id, Citation.start, Citation.id))


def _named(row: Mapping) -> SimpleNamespace:
    """A record of ROW's type as record_ref() reads it: the columns _records() read of that type, each related record
    a namespace of its own columns (None when the record refers to none: its joined id is NULL)."""
    kind = row["type"]
    columns, related = READS[kind]
    values: dict[str, Any] = {"type": kind, "id": row["id"]}
    values.update({column: row[f"{kind}.{column}"] for column in columns})
    for name, names in related.items():
        linked = {column: row[f"{kind}.{name}.{column}"] for column in names}
        values[name] = SimpleNamespace(**linked) if row[f"{kind}.{name}.id"] is not None else None
    return SimpleNamespace(**values)


@functools.lru_cache(maxsize=1024)
def _stems(query: str) -> tuple[str, ...]:
    return tuple(w.lower()[: max(4, len(w) - 2)] for w in search.words(query))


class SearchArgs(PageArgs):
    q = fields.String(required=True,
                      validate=validate.Regexp(r"\w", error="Give at least one word to search for."),
                      metadata={"description": "Words to find (all must match; stemmed, case- and "
                                               "accent-insensitive)"})
    type = fields.String(validate=validate.OneOf(RECORD_TYPES),
                         metadata={"description": "Only this record type"})


@list_route(blp, "")
class Search(MethodView):
    @list_endpoint(blp, SearchArgs, SearchHitSchema)
    def get(self, args):
        """Search every record type"""
        g.search_stems = _stems(args["q"])  # once, not for each hit

        def window(after: int | None, size: int):
            """The page's ids straight from the full-text index: the next SIZE matches after AFTER."""
            return Record.id.in_(search.matching_ids(db.session, args["q"], after=after, limit=size,
                                                     record_type=args.get("type")))

        def read(conn, stmt):
            """The page's ids, then each hit as a record of its own type, in the page's order."""
            return hits(conn, list(conn.execute(stmt.with_only_columns(Record.id)).scalars()))

        return paginate(select(Record), Record, {**args, "q": None}, SearchHitSchema, window=window, read=read)


__all__ = ["ActorRelation", "PositionCondition", "ProposalAttribute"]
