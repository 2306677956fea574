"""/aid-packages: aid announced by a donor for a recipient, with value and schedule."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from service.models import Actor, AidItem, AidPackage
from service.resources.common import (
    permalink,
    ListArgs, by_slug, cited, citations_field, get_or_404, list_endpoint, paginate, slug_of,
)

blp = Blueprint("aid-packages", __name__, url_prefix="/api/v1/aid-packages",
                description="Aid packages: donor, recipient, value and delivery schedule, with their items.")


class AidPackageSchema(ma.Schema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/aid-packages/{id}")
    slug = fields.String(required=True)
    donor = slug_of("donor", "Slug of the donor actor")
    recipient = slug_of("recipient", "Slug of the recipient actor")
    announced_by = slug_of("announced_by", "Slug of the actor who announced it")
    amount = fields.Decimal(as_string=True, allow_none=True,
                            metadata={"description": "Total value, as a decimal string", "example": "2000000000.00"})
    currency = fields.String(allow_none=True, metadata={"description": "ISO 4217", "example": "EUR"})
    announced_on = fields.Date(allow_none=True)
    delivery_schedule = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    items = fields.Function(lambda pkg: [item.slug for item in pkg.items],
                            metadata={"type": "array", "items": {"type": "string"},
                                      "description": "Slugs of the package's aid items (see /aid-items)"})
    citations = citations_field()



SORTS = {"announced_on": AidPackage.announced_on, "amount": AidPackage.amount, "slug": AidPackage.slug}


class AidPackageArgs(ListArgs):
    donor = fields.String(metadata={"description": "Donor actor slug"})
    recipient = fields.String(metadata={"description": "Recipient actor slug"})


def _select():
    return select(AidPackage).options(
        joinedload(AidPackage.donor).load_only(Actor.slug),
        joinedload(AidPackage.recipient).load_only(Actor.slug),
        joinedload(AidPackage.announced_by).load_only(Actor.slug),
        selectinload(AidPackage.items).load_only(AidItem.slug),
        cited(AidPackage),
    )


@blp.route("")
class AidPackages(MethodView):
    @list_endpoint(blp, AidPackageArgs, AidPackageSchema, SORTS)
    def get(self, args):
        """List aid packages"""
        stmt = _select()
        if "donor" in args:
            stmt = stmt.where(AidPackage.donor_id == by_slug(Actor, args["donor"]))
        if "recipient" in args:
            stmt = stmt.where(AidPackage.recipient_id == by_slug(Actor, args["recipient"]))
        return paginate(stmt, AidPackage, args, AidPackageSchema, SORTS)


@blp.route("/<int(max=2147483647):package_id>")
class AidPackageById(MethodView):
    @blp.response(200, AidPackageSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, package_id):
        """Get an aid package"""
        stmt = _select().where(AidPackage.id == package_id)
        return get_or_404(stmt, f"aid package with id {package_id}")
