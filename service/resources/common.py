"""Shared pieces of every resource: citations, strict query args, cursor pagination, fetch-or-404."""

from __future__ import annotations

import functools
import operator
import string

import marshmallow as ma
from flask import current_app, make_response, request
from flask_smorest import abort
from marshmallow import fields
from sqlalchemy import Select, select

from service import read_model
from service.extensions import db
from service.http import response_cache
from service.models.citations import CONTEXT, selectors
from service.models.slugs import column_name as slug_column

# Lists live in listing.py, shapes in shapes.py; re-exported here so resources import their helpers from one place.
from service.resources.listing import (  # noqa: E402,F401
    LINK_HEADER,
    Embed,
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
from service.resources.shapes import CITED, Shape, options, shape  # noqa: E402,F401

SPAN_URL_DESCRIPTION = ("The span in the document's annotated view: `/api/v1/documents/{slug}#span-{start}-{end}` "
                        "(the element with that id highlights it)")


def span_url(document: str, start: int, end: int) -> str:
    """Where a cited span is shown: the document view, at the element marking characters START to END."""
    return f"/api/v1/documents/{document}#span-{start}-{end}"


class LinkSchema(ma.Schema):
    """A reference to another record: its slug, and its URL (the record's item endpoint, as the record's own
    `url`), so a client follows links and never builds URLs."""

    slug = fields.String(required=True, metadata={"example": "france"})
    url = fields.String(required=True, metadata={"description": "The referenced record's URL",
                                                 "example": "/api/v1/actors/france"})


def link_to(collection: str, slug: str | None) -> dict | None:
    """The Link to the record of COLLECTION (e.g. "actors") with SLUG, or None for no record."""
    return None if slug is None else {"slug": slug, "url": f"/api/v1/{collection}/{slug}"}


class Link(fields.Nested):
    """A reference to a record of COLLECTION, served as a Link (`{slug, url}`), null when there is none.

    The value read is the slug itself (a related record's slug column, service/models/slugs.py, so the
    related record is never loaded for it) or a related record (its `slug` read)."""

    def __init__(self, collection: str, description: str = "", **kwargs):
        self.collection = collection
        kwargs.setdefault("dump_only", True)
        super().__init__(LinkSchema, metadata={"description": description} if description else {}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return link_to(self.collection, value if value is None or isinstance(value, str) else value.slug)


class TextPositionSelectorSchema(ma.Schema):
    """W3C Web Annotation TextPositionSelector: the span as character offsets in the document's text."""

    type = fields.String(required=True, validate=ma.validate.Equal("TextPositionSelector"),
                         metadata={"enum": ["TextPositionSelector"]})
    start = fields.Integer(required=True, metadata={"description": "As the span's `start`"})
    end = fields.Integer(required=True, metadata={"description": "As the span's `end`"})


class TextQuoteSelectorSchema(ma.Schema):
    """W3C Web Annotation TextQuoteSelector: the quote with the text around it, to find the span without offsets."""

    type = fields.String(required=True, validate=ma.validate.Equal("TextQuoteSelector"),
                         metadata={"enum": ["TextQuoteSelector"]})
    exact = fields.String(required=True, metadata={"description": "The quote: the document's text[start:end]"})
    prefix = fields.String(required=True, metadata={
        "description": f"Up to {CONTEXT} characters of the document's text just before `start`"})
    suffix = fields.String(required=True, metadata={
        "description": f"Up to {CONTEXT} characters of the document's text just after `end`"})


SELECTOR_SCHEMAS = {"TextPositionSelector": TextPositionSelectorSchema, "TextQuoteSelector": TextQuoteSelectorSchema}
SELECTOR_METADATA = {
    "type": "array", "minItems": 2, "maxItems": 2,
    "items": {"oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in SELECTOR_SCHEMAS]},
    "description": "W3C Web Annotation selectors of the span, for annotation tools: a TextPositionSelector "
                   "(start, end), then a TextQuoteSelector (exact, prefix, suffix); offsets count characters "
                   "(code points) of the document's text"}


def selectors_field() -> fields.Function:
    return fields.Function(lambda c: selectors(c.start, c.end, c.quote, c.prefix, c.suffix),
                           metadata=SELECTOR_METADATA)


class CitationSchema(ma.Schema):
    """The exact words of a source document that support a record."""

    document = Link("documents", "The cited document", required=True)
    start = fields.Integer(required=True, metadata={"description": "Offset of the first character (code points)"})
    end = fields.Integer(required=True, metadata={"description": "Offset just past the last character"})
    quote = fields.String(required=True, metadata={"description": "Verbatim text[start:end]"})
    selector = selectors_field()
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


def link_of(attribute: str, collection: str, description: str, **kwargs) -> Link:
    """The Link to the related record ATTRIBUTE (a record of COLLECTION), null when there is none: read from
    the record's own slug column (service/models/slugs.py), so the related record is never loaded for it."""
    return Link(collection, description, attribute=slug_column(attribute), allow_none=True, **kwargs)


def links_of(attribute: str, collection: str, description: str) -> fields.List:
    """Links to the related records ATTRIBUTE (a list of records of COLLECTION)."""
    return fields.List(Link(collection), attribute=attribute, dump_only=True, metadata={"description": description})


def get_or_404(stmt: Select, what: str):
    """One line to fetch or 404."""
    obj = db.session.scalars(stmt).unique().one_or_none()
    response_cache.depends_on(stmt)  # a cached list of its children is stale once it is renamed or deleted
    if obj is None:
        abort(404, message=f"No {what}.")
    return obj


def item_or_404(model, schema: type[ma.Schema], load: Select, what: str, embed: Embed | None = None,
                headers: dict | None = None):
    """An item view's JSON: without `include=`, the record's stored body when the read model stores it in SCHEMA
    (one SELECT, the bytes its list item has); else the record LOAD fetches (get_or_404) as with_included serves
    it. HEADERS go with either."""
    if not embed and read_model.joins_bodies(current_app):
        with db.reading() as conn:
            body = read_model.stored_body(conn, model, schema, load.whereclause)
        if body is not None:
            response_cache.scoped(load)  # stale only once a write moves what it reads
            return current_app.response_class(body + "\n", mimetype="application/json", headers=headers)  # as encoded
    found = get_or_404(load, what)
    if not embed:
        return found, 200, headers or {}  # flask-smorest dumps it in SCHEMA
    response = with_included(found, schema, embed)
    response.headers.update(headers or {})
    return response


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
