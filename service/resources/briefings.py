"""/briefings: the briefings this service holds and the documents they draw on."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields
from sqlalchemy import func, select

from service.briefings import compose as briefing_compose
from service.briefings import stored
from service.extensions import db
from service.http.request_input import Blueprint
from service.models import Briefing, Citation, Document, Record
from service.read_model import joins_bodies
from service.resources.briefing_schemas import ComposedBriefingSchema
from service.resources.common import (
    LINK_HEADER,
    PageArgs,
    Shape,
    links_of,
    options,
    page_of,
    paginate,
    permalink,
    query_args,
)
from service.resources.writing import (
    WRITE_HEADERS,
    WriteSpec,
    create,
    delete_record,
    partial,
    refs,
    set_plain,
    unknown,
    update_record,
    write_op,
)
from service.seeding import schema as seed_schema

blp = Blueprint("briefings", __name__, url_prefix="/api/v1/briefings",
                description="Briefings: a titled, summarised set of cited records drawn from documents.")


class BriefingSchema(ma.Schema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/briefings/{slug}")
    slug = fields.String(required=True, metadata={"example": "coalition-of-the-willing-paris-2025"})
    name = fields.String(required=True)
    summary = fields.String(required=True)
    documents = links_of("documents", "documents", "The source documents, in order")


BriefingPage = page_of(BriefingSchema)


BRIEFING: Shape = {"documents": {}}


def _select():
    return select(Briefing).options(*options(Briefing, BRIEFING))


class BriefingIn(seed_schema.BriefingIn):
    documents = seed_schema.listed(seed_schema.Slug(),
                                   metadata={"description": "Slugs of the source documents, in order"})


class BriefingPatch(BriefingIn):
    pass


def assign(briefing: Briefing, data: dict) -> None:
    set_plain(briefing, data, ("slug", "name", "summary"))
    if "documents" in data:
        documents = refs(Document, data["documents"], "documents", None)
        if briefing.id is not None:
            _keep_cited(briefing, documents)
        briefing.documents = documents


def _keep_cited(briefing: Briefing, documents: list[Document]) -> None:
    """A 422 naming `documents` when a record of BRIEFING cites a document the new list leaves out."""
    cited = db.session.scalars(
        select(Document.slug).join(Citation, Citation.document_id == Document.id)
        .join(Record, Record.id == Citation.record_id)
        .where(Record.briefing_id == briefing.id, Document.id.not_in([d.id for d in documents]))
        .distinct().order_by(Document.slug)).all()
    if cited:
        unknown("documents", f"Records of this briefing cite {', '.join(map(repr, cited))}; keep them.")


def represent(briefing: Briefing) -> dict:
    loaded = briefing_compose.load(briefing.slug)
    assert loaded is not None  # the briefing is in this session
    return ComposedBriefingSchema().dump(briefing_compose.compose(loaded))


def referrers(briefing: Briefing) -> list[str]:
    records = db.session.scalar(select(func.count()).where(Record.briefing_id == briefing.id)) or 0
    return [f"records: {records}"] if records else []


WRITES = WriteSpec("briefings", Briefing, "slug", "/api/v1/briefings/{slug}", ComposedBriefingSchema,
                   lambda slug: _select().where(Briefing.slug == slug), assign, referrers,
                   represent=represent)


@blp.route("")
class Briefings(MethodView):
    @query_args(blp, PageArgs)
    @blp.response(200, BriefingPage, headers=LINK_HEADER)
    def get(self, args):
        """List briefings"""
        return paginate(select(Briefing), Briefing, args, shape=BRIEFING)

    @write_op(blp, create=True)
    @blp.arguments(BriefingIn)
    @blp.response(201, ComposedBriefingSchema, headers=WRITE_HEADERS)
    def post(self, data):
        """Create a briefing"""
        return create(WRITES, data)


JSON, MARKDOWN, HTML = "application/json", "text/markdown", "text/html"
# One 200 response with three media types: each decorator restates the description, or the last would win.
COMPOSED = ("The composed briefing: JSON (the default); `text/markdown` with footnotes, to paste into a "
            "report; `text/html`, a self-contained page to read. Every statement is cited.")
VARY = {"Vary": {"description": "`Accept`: the representation depends on it", "schema": {"type": "string"}}}


@blp.route("/<slug>")
class BriefingBySlug(MethodView):
    @blp.response(200, ComposedBriefingSchema, description=COMPOSED, headers=VARY)
    @blp.alt_response(200, schema={"type": "string"}, content_type=MARKDOWN, success=True,
                      description=COMPOSED, headers=VARY)
    @blp.alt_response(200, schema={"type": "string"}, content_type=HTML, success=True,
                      description=COMPOSED, headers=VARY)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(406, response="NOT_ACCEPTABLE")
    def get(self, slug):
        """Get the composed briefing: timeline, who's who, stance matrix, aid, proposals

        Negotiated on `Accept`: `application/json` (the default), `text/markdown` or `text/html`.
        Every statement carries its citations, each with a ready-to-paste reference.
        """
        offered = (JSON, MARKDOWN, HTML)
        media_type = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes else JSON
        if media_type is None:
            abort(406, message=f"This resource is available as {', '.join(offered)}.")
        headers = {"Vary": "Accept"}
        if media_type == JSON and not joins_bodies(current_app):  # Flask's indented debug JSON: not the stored
            loaded = briefing_compose.load(slug)
            if loaded is None:
                abort(404, message=f"No briefing with slug {slug!r}.")
            return briefing_compose.compose(loaded), 200, headers
        body = stored.served(db.reading(), db.session(), slug, media_type)
        if body is None:
            abort(404, message=f"No briefing with slug {slug!r}.")
        if media_type == JSON:
            return current_app.response_class(body, mimetype=current_app.json.mimetype, headers=headers)
        return Response(body, mimetype=media_type, headers=headers)

    @write_op(blp)
    @blp.arguments(partial(BriefingPatch))
    @blp.response(200, ComposedBriefingSchema, headers=WRITE_HEADERS)
    def patch(self, data, slug):
        """Update a briefing's title, summary or documents (partial)"""
        return update_record(WRITES, WRITES.fetch(slug), data)

    @write_op(blp, delete=True)
    @blp.response(204)
    def delete(self, slug):
        """Delete a briefing that holds no records"""
        return delete_record(WRITES, WRITES.fetch(slug))
