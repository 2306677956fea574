"""/documents: the source texts every citation points into."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import select
from sqlalchemy.orm import undefer

from service.models import Document
from service.resources.common import LINK_HEADER, PageArgs, get_or_404, page_of, paginate, query_args

blp = Blueprint("documents", __name__, url_prefix="/api/v1/documents",
                description="Source documents, stored verbatim; citation offsets index into `text`.")


class DocumentSchema(ma.Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    publisher = fields.String(allow_none=True)
    language = fields.String(required=True, metadata={"description": "Language of this text (BCP 47)"})
    original_language = fields.String(allow_none=True,
                                      metadata={"description": "Language of the original, for a translation"})
    url = fields.String(allow_none=True)
    published_date = fields.Date(allow_none=True)
    date_note = fields.String(allow_none=True, metadata={"description": "How the date was established"})
    translation_note = fields.String(allow_none=True)
    sha256 = fields.String(required=True, metadata={"description": "SHA-256 of the UTF-8 bytes of `text`"})
    length = fields.Integer(required=True, metadata={"description": "Length of `text` in characters"})


class DocumentDetailSchema(DocumentSchema):
    text = fields.String(required=True, metadata={"description": "The full text, verbatim"})


DocumentPage = page_of(DocumentSchema)


@blp.route("")
class Documents(MethodView):
    @query_args(blp, PageArgs)
    @blp.response(200, DocumentPage, headers=LINK_HEADER)
    def get(self, args):
        """List documents"""
        return paginate(select(Document), Document, args)


@blp.route("/<slug>")
class DocumentBySlug(MethodView):
    @blp.response(200, DocumentDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """Get a document with its full text"""
        stmt = select(Document).options(undefer(Document.text)).where(Document.slug == slug)
        return get_or_404(stmt, f"document with slug {slug!r}")
