"""/search: one full-text query across every kind of record, with typed hits and the matching citation."""

from __future__ import annotations

import functools

import marshmallow as ma
from flask import g, request
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from service import search
from service.extensions import db
from service.http.request_input import Blueprint
from service.models import ActorRelation, PositionCondition, ProposalAttribute, Record
from service.resources import loading
from service.resources.common import CITED, CitationSchema, PageArgs, list_endpoint, list_route, paginate, shape
from service.resources.listing import dumper
from service.resources.refs import RECORD_TYPES, REF_COLUMNS, REF_SHAPES, RecordRef, record_ref

blp = Blueprint("search", __name__, url_prefix="/api/v1/search",
                description="Full-text search across actors, positions, aid, proposals and events.")

# What a hit is dumped from: its citations, and what its label names.
HIT_SHAPES = {kind: shape(CITED, REF_SHAPES.get(kind, {})) for kind in RECORD_TYPES}


class SearchHitSchema(ma.Schema):
    type = fields.String(required=True, validate=validate.OneOf(RECORD_TYPES))
    id = fields.Integer(required=True)
    slug = fields.Function(lambda r: getattr(r, "slug", None), allow_none=True,
                           metadata={"type": "string", "nullable": True})
    label = fields.Function(lambda r: hit_ref(r).label,
                            metadata={"type": "string", "description": "A readable name for the hit"})
    url = fields.Function(lambda r: hit_ref(r).url,
                          metadata={"type": "string",
                                    "description": "Permalink of the record (or its parent)"})
    citation = fields.Method("matching_citation", metadata={"description": "The citation that best matches"})

    def matching_citation(self, record):
        stems = g.get("search_stems") or _stems(request.args.get("q", ""))
        chosen = next((c for c in record.citations if any(s in c.quote.lower() for s in stems)),
                      record.citations[0] if record.citations else None)
        return dumper(CitationSchema)(chosen) if chosen else None


def hit_ref(record) -> RecordRef:
    """record_ref(RECORD), worked out once for the label and the url of its hit."""
    ref = record.__dict__.get("_hit_ref")
    if ref is None:
        ref = record.__dict__["_hit_ref"] = record_ref(record)
    return ref


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
            """The page's ids, then each hit as a record of its own type."""
            ids = list(conn.execute(stmt.with_only_columns(Record.id)).scalars())
            return loading.load_by_id(conn, Record, ids, HIT_SHAPES, REF_COLUMNS)

        return paginate(select(Record), Record, {**args, "q": None}, SearchHitSchema, window=window, read=read)


__all__ = ["ActorRelation", "PositionCondition", "ProposalAttribute"]
