"""GET /: the API's front door, a small index linking to the docs, the spec, the briefings and every collection
(JSON by default, or with Accept: text/html a page of the same links)."""

from __future__ import annotations

import re

import marshmallow as ma
from flask import current_app, render_template
from flask.views import MethodView
from marshmallow import fields
from sqlalchemy import select

from service.briefings import pages
from service.extensions import api, db
from service.http.request_input import Blueprint
from service.models import Briefing

blp = Blueprint("index", __name__, url_prefix="", description="The API's index: where everything is.")


class IndexLinkSchema(ma.Schema):
    name = fields.String(required=True, metadata={"example": "docs"})
    url = fields.String(required=True, metadata={"example": "/docs"})
    description = fields.String(required=True)


class CollectionSchema(ma.Schema):
    name = fields.String(required=True, metadata={"example": "actors"})
    url = fields.String(required=True, metadata={"description": "The list", "example": "/api/v1/actors"})
    export = fields.String(allow_none=True, required=True, metadata={
        "description": "Its CSV/NDJSON export, or null", "example": "/api/v1/actors/export"})


class BriefingLinkSchema(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    url = fields.String(required=True)


class IndexSchema(ma.Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)
    links = fields.List(fields.Nested(IndexLinkSchema), required=True,
                        metadata={"description": "The docs, the OpenAPI document, the changes feed, search"})
    collections = fields.List(fields.Nested(CollectionSchema), required=True,
                              metadata={"description": "Every collection, with its export when it has one"})
    briefings = fields.List(fields.Nested(BriefingLinkSchema), required=True)


LINKS = [
    ("docs", "/docs", "Interactive documentation (Swagger UI)"),
    ("openapi", "/openapi.json", "The OpenAPI 3 document"),
    ("briefings", "/api/v1/briefings", "The briefings, each composed with its records"),
    ("changes", "/api/v1/changes", "The changes feed, from the first seeded record"),
]
INDEX_PAGE = "The index: JSON (the default), or `text/html`, a page of the same links."


def collections() -> list[dict]:
    """Every list under /api/v1/ that needs no input (no path parameter, no required query parameter), read
    once per app from its spec."""
    if "index" not in current_app.extensions:
        current_app.extensions["index"] = _collections(api.spec.to_dict()["paths"])
    return current_app.extensions["index"]


def _collections(paths: dict) -> list[dict]:
    found = []
    for path, item in paths.items():
        operation = item.get("get")
        if (operation is None or not path.startswith("/api/v1/") or "{" in path or path.endswith("/export")
                or any(p.get("required") for p in operation.get("parameters", []) if isinstance(p, dict))):
            continue
        export = path + "/export" if path + "/export" in paths else None
        found.append({"name": path.removeprefix("/api/v1/"), "url": path, "export": export})
    return found


@blp.route("/")
class Index(MethodView):
    @blp.response(200, IndexSchema, description=INDEX_PAGE, headers=pages.VARY)
    @blp.alt_response(200, schema={"type": "string"}, content_type=pages.HTML, success=True,
                      description=INDEX_PAGE, headers=pages.VARY)
    @blp.alt_response(406, response="NOT_ACCEPTABLE")
    def get(self):
        """Get the index: links to the docs, the spec, the briefings and every collection

        Negotiated on `Accept`: `application/json` (the default) or `text/html`, a page of the same links.
        """
        briefings = [{"slug": slug, "name": name, "url": f"/api/v1/briefings/{slug}"}
                     for slug, name in db.session.execute(select(Briefing.slug, Briefing.name).order_by(Briefing.id))]
        body = {"name": current_app.config["API_TITLE"],
                "description": re.sub(r"\s+", " ", current_app.config["API_SPEC_OPTIONS"]["info"]["description"]),
                "links": [{"name": n, "url": u, "description": d} for n, u, d in LINKS],
                "collections": collections(), "briefings": briefings}
        if pages.wants_html():
            html = render_template("index.html", index=body)
            return current_app.response_class(html, mimetype=pages.HTML, headers={"Vary": "Accept"})
        return body, 200, {"Vary": "Accept"}
