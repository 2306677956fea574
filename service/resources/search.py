"""/search: one full-text query across every kind of record, with typed hits and the matching citation."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select
from sqlalchemy.orm import with_polymorphic

from service import search
from service.extensions import db
from service.models import ActorRelation, PositionCondition, ProposalAttribute, Record
from service.resources.common import CitationSchema, PageArgs, cited, list_endpoint, paginate
from service.resources.refs import RECORD_TYPES, record_ref, ref_options

blp = Blueprint("search", __name__, url_prefix="/api/v1/search",
                description="Full-text search across actors, positions, aid, proposals and events.")

class SearchHitSchema(ma.Schema):
    type = fields.String(required=True, validate=validate.OneOf(RECORD_TYPES))
    id = fields.Integer(required=True)
    slug = fields.Function(lambda r: getattr(r, "slug", None), allow_none=True,
                           metadata={"type": "string", "nullable": True})
    label = fields.Function(lambda r: record_ref(r).label,
                            metadata={"type": "string", "description": "A readable name for the hit"})
    url = fields.Function(lambda r: record_ref(r).url,
                          metadata={"type": "string",
                                    "description": "Permalink of the record (or its parent)"})
    citation = fields.Method("matching_citation", metadata={"description": "The citation that best matches"})

    def matching_citation(self, record):
        stems = [w.lower()[: max(4, len(w) - 2)] for w in search.words(self.context_query())]
        chosen = next((c for c in record.citations if any(s in c.quote.lower() for s in stems)),
                      record.citations[0] if record.citations else None)
        return CitationSchema().dump(chosen) if chosen else None

    def context_query(self) -> str:
        from flask import request

        return request.args.get("q", "")


class SearchArgs(PageArgs):
    q = fields.String(required=True,
                      validate=validate.Regexp(r"\w", error="Give at least one word to search for."),
                      metadata={"description": "Words to find (all must match; stemmed, case- and "
                                               "accent-insensitive)"})
    type = fields.String(validate=validate.OneOf(RECORD_TYPES),
                         metadata={"description": "Only this record type"})


@blp.route("")
class Search(MethodView):
    @list_endpoint(blp, SearchArgs, SearchHitSchema)
    def get(self, args):
        """Search every record type"""
        record = with_polymorphic(Record, "*")
        stmt = select(record).options(cited(record), *ref_options(record))

        def window(after: int | None, size: int):
            """The page's ids straight from the full-text index: the next SIZE matches after AFTER."""
            return record.id.in_(search.matching_ids(db.session, args["q"], after=after, limit=size,
                                                     record_type=args.get("type")))

        return paginate(stmt, record, {**args, "q": None}, SearchHitSchema, window=window)


__all__ = ["ActorRelation", "PositionCondition", "ProposalAttribute"]
