"""Shared pieces of every resource: citations, strict query args, cursor pagination, fetch-or-404."""

from __future__ import annotations

import functools
import operator
import string

import marshmallow as ma
from flask import make_response, request
from flask_smorest import abort
from marshmallow import fields
from sqlalchemy import Select, select

from service.extensions import db
from service.models.slugs import column_name as slug_column

_NO_COLUMN = object()

# Lists live in listing.py, shapes in loading.py; re-exported here so resources import their helpers from one place.
from service.resources.listing import (  # noqa: E402,F401
    LINK_HEADER,
    ListArgs,
    PageArgs,
    embeds_for,
    include_arg,
    included_field,
    includes,
    item_include_args,
    list_endpoint,
    list_route,
    page_of,
    paginate,
    query_args,
    with_included,
)
from service.resources.loading import CITED, Shape, options, shape  # noqa: E402,F401

SPAN_URL_DESCRIPTION = ("The span in the document's annotated view: `/api/v1/documents/{slug}#span-{start}-{end}` "
                        "(the element with that id highlights it)")


def span_url(document: str, start: int, end: int) -> str:
    """Where a cited span is shown: the document view, at the element marking characters START to END."""
    return f"/api/v1/documents/{document}#span-{start}-{end}"


class CitationSchema(ma.Schema):
    """The exact words of a source document that support a record."""

    document = fields.String(attribute="document.slug", required=True,
                             metadata={"description": "Slug of the cited document"})
    start = fields.Integer(required=True, metadata={"description": "Offset of the first character (code points)"})
    end = fields.Integer(required=True, metadata={"description": "Offset just past the last character"})
    quote = fields.String(required=True, metadata={"description": "Verbatim text[start:end]"})
    url = fields.Function(lambda c: span_url(c.document.slug, c.start, c.end), metadata={
        "type": "string", "description": SPAN_URL_DESCRIPTION,
        "example": "/api/v1/documents/lemonde-2025-03-26-coalition-of-the-willing#span-4023-4041"})
    reference = fields.Function(lambda c: c.document.reference(c.quote), metadata={
        "type": "string", "description": "A ready-to-paste citation: outlet, title, date and the quote",
        "example": "Le Monde, [Macron announces ...], 26 March 2025: “worth €2 billion”"})


def permalink(template: str) -> fields.Function:
    """The record's own URL (`self` link), e.g. permalink("/api/v1/actors/{slug}")."""
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    positional = template.format_map({name: "{}" for name in names})  # "/api/v1/actors/{}"
    values = operator.attrgetter(*names)
    if len(names) == 1:
        def url(record) -> str:
            return positional.format(values(record))
    else:
        def url(record) -> str:
            return positional.format(*values(record))
    return fields.Function(url, metadata={"type": "string", "description": "Permalink of this record"})


def citations_field() -> fields.List:
    return fields.List(fields.Nested(CitationSchema), required=True,
                       metadata={"description": "The source passages that state this record"})


def slug_of(attribute: str, description: str) -> fields.Function:
    """The slug of a related record (ATTRIBUTE may be dotted), null when there is none.

    Read from the record's own slug column (service/models/slugs.py) where the model has one, so the
    related record is never loaded for it; otherwise by following the relationship."""
    column = slug_column(attribute)

    def get(obj):
        value = getattr(obj, column, _NO_COLUMN)
        if value is not _NO_COLUMN:
            return value
        for name in attribute.split("."):
            obj = getattr(obj, name) if obj is not None else None
        return obj.slug if obj is not None else None

    return fields.Function(get, allow_none=True,
                           metadata={"type": "string", "nullable": True, "description": description})


def slugs_of(attribute: str, description: str) -> fields.Function:
    return fields.Function(lambda obj: [item.slug for item in getattr(obj, attribute)],
                           metadata={"description": description, "type": "array",
                                     "items": {"type": "string"}})


def get_or_404(stmt: Select, what: str):
    """One line to fetch or 404."""
    obj = db.session.scalars(stmt).unique().one_or_none()
    if obj is None:
        abort(404, message=f"No {what}.")
    return obj


def by_slug(slug_model, slug: str):
    """Subquery for the id of SLUG_MODEL's row with SLUG (for filters by related slug)."""
    return select(slug_model.id).where(slug_model.slug == slug).scalar_subquery()



REDIRECT_HEADERS = {"Location": {"description": "The record's slug URL", "schema": {"type": "string"}}}
REDIRECT_DESCRIPTION = ("Permanent Redirect, when `{slug}` is all digits: records are addressed by slug (no slug is "
                        "all digits), and a record's numeric `id` in its place answers 308 with the slug URL in "
                        "`Location`, the query string kept (a write is repeated there, same method and body)")
MAX_ID = 2147483647  # the largest id a record can have (the columns are 32-bit integers)


def id_redirect(blp, model, collection: str, what: str):
    """A view of `/api/v1/COLLECTION/<slug>` where an all-digit slug is a numeric id: 308 Permanent Redirect to
    the record's slug URL (the query string kept), a 404 problem when no record has that id."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, slug: str, **kwargs):
            if not (slug.isascii() and slug.isdigit()):
                return view(*args, slug=slug, **kwargs)
            found = None
            if int(slug) <= MAX_ID:
                found = db.session.scalars(select(model.slug).where(model.id == int(slug))).one_or_none()
            if found is None:
                abort(404, message=f"No {what} with id {slug}.")
            location = f"/api/v1/{collection}/{found}"
            if request.query_string:
                location += "?" + request.query_string.decode("latin-1")
            response = make_response("", 308)
            response.headers["Location"] = location
            return response

        return blp.alt_response(308, description=REDIRECT_DESCRIPTION, headers=REDIRECT_HEADERS)(wrapper)

    return decorator
