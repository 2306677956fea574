"""/aid-packages: aid announced by a donor for a recipient, with value and schedule."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields
from sqlalchemy import select

from service.http.request_input import Blueprint
from service.models import Actor, AidPackage
from service.read_model import Body
from service.resources.common import (
    by_slug,
    id_redirect,
    item_or_404,
    list_endpoint,
    list_route,
    options,
)
from service.resources.record_fields import ClaimArgs, filter_claims
from service.resources.record_writing import assign_claim, check
from service.resources.schemas import AID_PACKAGE, AidPackageSchema
from service.resources.writing import (
    WRITE_HEADERS,
    WriteSpec,
    briefing_of,
    create,
    delete_record,
    partial,
    ref,
    set_plain,
    update_record,
    write_op,
)
from service.seeding import schema as seed_schema
from service.validation import decimal

blp = Blueprint("aid-packages", __name__, url_prefix="/api/v1/aid-packages",
                description="Aid packages: donor, recipient, value and delivery schedule, with their items.")


SORTS = {"date": AidPackage.date, "amount": AidPackage.amount, "slug": AidPackage.slug}


class AidPackageArgs(ClaimArgs):
    donor = fields.String(metadata={"description": "Donor actor slug"})
    recipient = fields.String(metadata={"description": "Recipient actor slug"})


def _select():
    return select(AidPackage).options(*aid_package_options())


def aid_package_options() -> tuple:
    return options(AidPackage, AID_PACKAGE)


class AidPackageIn(seed_schema.AidPackageIn):
    class Meta:
        exclude = ("items",)

    amount = decimal(AidPackage.amount, allow_none=True, metadata={
        "description": "Total value in `currency` units (number or decimal string)"})

    briefing = seed_schema.Slug(required=True, metadata={"description": "Slug of the briefing it belongs to"})


class AidPackagePatch(AidPackageIn):
    class Meta:
        exclude = ("items", "briefing")

def assign(package: AidPackage, data: dict) -> None:
    if "briefing" in data:
        package.briefing = briefing_of(data)
    set_plain(package, data, ("slug", "amount", "currency", "date", "delivery_schedule", "summary"))
    for name in ("donor", "recipient", "announced_by"):
        if name in data:
            setattr(package, name, ref(Actor, data[name], name, package.briefing))
    assign_claim(package, data)
    check([("", package)])


def referrers(package: AidPackage) -> list[str]:
    return [f"aid items: {len(package.items)}"] if package.items else []


# Its list item as stored in record_bodies, rendered when a record is written (service/read_model.py).
BODY = Body(AidPackage, "aid-packages", AidPackageSchema, AID_PACKAGE)
WRITES = WriteSpec("aid-packages", AidPackage, "slug", "/api/v1/aid-packages/{slug}", AidPackageSchema,
                   lambda key: _select().where(AidPackage.slug == key), assign, referrers)

@list_route(blp, "")
class AidPackages(MethodView):
    @list_endpoint(blp, AidPackageArgs, AidPackageSchema, SORTS, model=AidPackage)
    def get(self, args):
        """List aid packages"""
        stmt = select(AidPackage)
        if "donor" in args:
            stmt = stmt.where(AidPackage.donor_id == by_slug(Actor, args["donor"]))
        if "recipient" in args:
            stmt = stmt.where(AidPackage.recipient_id == by_slug(Actor, args["recipient"]))
        return filter_claims(stmt, AidPackage, args)


    @write_op(blp, create=True)
    @blp.arguments(AidPackageIn)
    @blp.response(201, AidPackageSchema, headers=WRITE_HEADERS)
    def post(self, data):
        """Create an aid package"""
        return create(WRITES, data)

@blp.route("/<slug>")
class AidPackageBySlug(MethodView):
    @blp.response(200, AidPackageSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @id_redirect(blp, AidPackage, "aid-packages", "aid package")
    def get(self, slug):
        """Get an aid package"""
        return item_or_404(AidPackage, AidPackageSchema, _select().where(AidPackage.slug == slug),
                           f"aid package with slug {slug!r}")

    @write_op(blp)
    @blp.arguments(partial(AidPackagePatch))
    @blp.response(200, AidPackageSchema, headers=WRITE_HEADERS)
    @id_redirect(blp, AidPackage, "aid-packages", "aid package")
    def patch(self, data, slug):
        """Update an aid package (partial)"""
        return update_record(WRITES, WRITES.fetch(slug), data)

    @write_op(blp, delete=True)
    @blp.response(204)
    @id_redirect(blp, AidPackage, "aid-packages", "aid package")
    def delete(self, slug):
        """Delete an aid package that has no items"""
        return delete_record(WRITES, WRITES.fetch(slug))

