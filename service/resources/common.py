"""Shared pieces of every resource: citations, strict query args, cursor pagination, fetch-or-404."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import abort
from marshmallow import fields
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from service.extensions import db
from service.models import Citation, Document

# Lists live in listing.py; re-exported here so resources import their helpers from one place.
from service.resources.listing import (  # noqa: E402,F401
    LINK_HEADER, ListArgs, PageArgs, list_endpoint, page_of, paginate, query_args,
)


class CitationSchema(ma.Schema):
    """The exact words of a source document that support a record."""

    document = fields.String(attribute="document.slug", required=True,
                             metadata={"description": "Slug of the cited document"})
    start = fields.Integer(required=True, metadata={"description": "Offset of the first character (code points)"})
    end = fields.Integer(required=True, metadata={"description": "Offset just past the last character"})
    quote = fields.String(required=True, metadata={"description": "Verbatim text[start:end]"})


def citations_field() -> fields.List:
    return fields.List(fields.Nested(CitationSchema), required=True,
                       metadata={"description": "The source passages that state this record"})


def slug_of(attribute: str, description: str) -> fields.String:
    return fields.String(attribute=f"{attribute}.slug", allow_none=True,
                         metadata={"description": description})


def slugs_of(attribute: str, description: str) -> fields.Method:
    return fields.Function(lambda obj: [item.slug for item in getattr(obj, attribute)],
                           metadata={"description": description, "type": "array",
                                     "items": {"type": "string"}})


def cited(model):
    """Loader option that fetches a page's citations (and their document slugs) in one query."""
    return selectinload(model.citations).options(
        joinedload(Citation.document).load_only(Document.slug)
    )


def get_or_404(stmt: Select, what: str):
    """One line to fetch or 404."""
    obj = db.session.scalars(stmt).unique().one_or_none()
    if obj is None:
        abort(404, message=f"No {what}.")
    return obj


def by_slug(slug_model, slug: str):
    """Subquery for the id of SLUG_MODEL's row with SLUG (for filters by related slug)."""
    return select(slug_model.id).where(slug_model.slug == slug).scalar_subquery()
