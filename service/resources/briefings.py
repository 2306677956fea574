"""/briefings: the briefings this service holds and the documents they draw on."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from service.models import Briefing
from service.resources.common import LINK_HEADER, PageArgs, get_or_404, page_of, paginate, query_args, slugs_of

blp = Blueprint("briefings", __name__, url_prefix="/api/v1/briefings",
                description="Briefings: a titled, summarised set of cited records drawn from documents.")


class BriefingSchema(ma.Schema):
    slug = fields.String(required=True, metadata={"example": "coalition-of-the-willing-paris-2025"})
    title = fields.String(required=True)
    summary = fields.String(required=True)
    documents = slugs_of("documents", "Slugs of the source documents, in order")


BriefingPage = page_of(BriefingSchema)


def _select():
    return select(Briefing).options(selectinload(Briefing.documents))


@blp.route("")
class Briefings(MethodView):
    @query_args(blp, PageArgs)
    @blp.response(200, BriefingPage, headers=LINK_HEADER)
    def get(self, args):
        """List briefings"""
        return paginate(_select(), Briefing, args)


@blp.route("/<slug>")
class BriefingBySlug(MethodView):
    @blp.response(200, BriefingSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """Get a briefing"""
        return get_or_404(_select().where(Briefing.slug == slug), f"briefing with slug {slug!r}")
