"""Shared pieces of every resource: citations, strict query args, cursor pagination, fetch-or-404."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

import marshmallow as ma
from flask import current_app, request
from flask_smorest import abort
from marshmallow import fields, validate
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from service.extensions import db
from service.models import Citation, Document

LINK_HEADER = {
    "Link": {
        "description": 'RFC 8288 links; `rel="next"` points at the next page when there is one.',
        "schema": {"type": "string"},
    }
}


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


class Cursor(fields.String):
    """An opaque cursor: the id after which the next page starts."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else encode_cursor(value)

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
            kind, _, number = decoded.partition(":")
            if kind != "id" or not number.isdigit():
                raise ValueError
            return int(number)
        except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
            raise ma.ValidationError("Not a valid cursor; use the `next` link of a previous page.") from exc


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode("ascii").rstrip("=")


class QueryArgs(ma.Schema):
    """Query strings are strict: an unknown parameter is an error, not silently ignored."""

    class Meta:
        unknown = ma.RAISE


class PageArgs(QueryArgs):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500),
                           metadata={"description": "Items per page (1-500, default 50)"})
    cursor = Cursor(metadata={"description": "Opaque cursor from a previous page's `next` link"})


class PageSchema(ma.Schema):
    next = fields.String(allow_none=True, required=True,
                         metadata={"description": "URL of the next page, or null on the last page"})
    limit = fields.Integer(required=True)


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """A page envelope: {items: [...], next, limit}."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (PageSchema,), {"items": fields.List(fields.Nested(item_schema), required=True)})


def query_args(blp, schema: type[ma.Schema]):
    """@blp.arguments for the query string: bad or unknown parameters are a 400 naming them."""
    return blp.arguments(schema, location="query", error_status_code=400, unknown=ma.RAISE)


def paginate(stmt: Select, model, args: dict):
    """Run STMT one keyset page at a time (ordered by id); return (body, headers) for the view."""
    limit = min(args["limit"], current_app.config["PAGE_MAX_LIMIT"])
    if args.get("cursor") is not None:
        stmt = stmt.where(model.id > args["cursor"])
    rows = db.session.scalars(stmt.order_by(model.id).limit(limit + 1)).unique().all()
    body = {"items": rows[:limit], "limit": limit, "next": None}
    headers = {}
    if len(rows) > limit:
        params = [*((k, v) for k, v in request.args.items(multi=True) if k != "cursor"),
                  ("cursor", encode_cursor(rows[limit - 1].id))]
        body["next"] = f"{request.path}?{urlencode(params)}"
        headers["Link"] = f'<{body["next"]}>; rel="next"'
    return body, 200, headers


def get_or_404(stmt: Select, what: str):
    """One line to fetch or 404."""
    obj = db.session.scalars(stmt).unique().one_or_none()
    if obj is None:
        abort(404, message=f"No {what}.")
    return obj


def by_slug(slug_model, slug: str):
    """Subquery for the id of SLUG_MODEL's row with SLUG (for filters by related slug)."""
    return select(slug_model.id).where(slug_model.slug == slug).scalar_subquery()
