"""/aid-items: the systems, equipment and support an aid package contains, and aid the source mentions outside
any package (already supplied, or only discussed)."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import or_, select

from service import vocabulary as v
from service.http.request_input import Blueprint
from service.models import Actor, AidItem, AidPackage
from service.read_model import Body
from service.resources.common import (
    CITED,
    by_slug,
    embeds_for,
    id_redirect,
    include_arg,
    included_field,
    includes,
    item_include_args,
    item_or_404,
    link_of,
    list_endpoint,
    list_route,
    options,
    permalink,
    query_args,
)
from service.resources.record_fields import ClaimArgs, ClaimSchema, Spans, filter_claims
from service.resources.record_writing import assign_claim, check
from service.resources.schemas import ActorSchema, AidPackageSchema
from service.resources.writing import (
    WRITE_HEADERS,
    WriteSpec,
    briefing_of,
    create,
    delete_record,
    partial,
    ref,
    set_plain,
    unknown,
    update_record,
    write_op,
)
from service.seeding import schema as seed_schema

blp = Blueprint("aid-items", __name__, url_prefix="/api/v1/aid-items",
                description="Aid items: what each package contains, and aid mentioned outside any package, with "
                            "category and status.")


def donor_of(item):
    """An item's donor: its package's, or its own when it is outside any package."""
    return item.donor if item.package is None else item.package.donor


# include= name -> (attribute path on an aid item, or a function of it; schema of the record embedded)
INCLUDES = {"package": ("package", AidPackageSchema), "donor": (donor_of, ActorSchema)}


class AidItemSchema(ClaimSchema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/aid-items/{slug}")
    slug = fields.String(required=True)
    package = link_of("package", "aid-packages", "The aid package it is part of; null for aid the source mentions "
                                 "outside any package (already supplied, or only discussed)")
    donor = link_of("donor", "actors", "The donor: the package's, or the item's own outside a package")
    recipient = link_of("recipient", "actors", "The recipient: the package's, or the item's own outside a package")
    system = fields.String(allow_none=True, metadata={"example": "MICA"})
    category = fields.String(required=True, metadata={"example": "air-defence missile"})
    role = fields.String(allow_none=True)
    description = fields.String(required=True)
    quantity = fields.Integer(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(v.AID_STATUSES))
    citations = Spans("content")
    included = included_field(INCLUDES)


SORTS = {"category": AidItem.category, "status": AidItem.status, "system": AidItem.system,
         "quantity": AidItem.quantity, "slug": AidItem.slug}


class AidItemArgs(ClaimArgs):
    package = seed_schema.Slug(metadata={"description": "Aid package slug"})
    in_package = fields.Boolean(metadata={"description": "`true`: only items of a package; `false`: only aid "
                                                         "mentioned outside any package"})
    donor = seed_schema.Slug(metadata={"description": "Donor actor slug"})
    recipient = seed_schema.Slug(metadata={"description": "Recipient actor slug"})
    category = fields.String()
    status = fields.String(validate=validate.OneOf(v.AID_STATUSES))
    system = fields.String()
    include = include_arg(INCLUDES)


def _select():
    return select(AidItem).options(*options(AidItem, CITED))


class AidItemIn(seed_schema.AidItemIn):
    package = seed_schema.Slug(load_default=None, allow_none=True, metadata={
        "description": "Slug of the aid package it is part of; omit it (and give `briefing`, `donor` and "
                       "`recipient`) for aid mentioned outside any package"})
    briefing = seed_schema.Slug(metadata={"description": "Slug of the briefing, for an item outside any package"})
    donor = seed_schema.Slug(allow_none=True, metadata={"description": "Donor actor slug, outside a package only"})
    recipient = seed_schema.Slug(allow_none=True,
                              metadata={"description": "Recipient actor slug, outside a package only"})


class AidItemPatch(AidItemIn):
    class Meta:
        exclude = ("briefing",)


def assign(item: AidItem, data: dict) -> None:
    if "briefing" in data:
        item.briefing = briefing_of(data)
    if "package" in data:
        # An item's briefing is its package's: a new item without `briefing` takes it from the package.
        package = ref(AidPackage, data["package"], "package", item.briefing)
        if package is not None and item.briefing is None:
            item.briefing = package.briefing  # before linking, so the lazy load cannot autoflush the item
        item.package = package
    for name in ("donor", "recipient"):
        if name in data:
            setattr(item, name, ref(Actor, data[name], name, item.briefing))
    if item.package is not None and (item.donor is not None or item.recipient is not None):
        unknown("donor" if item.donor is not None else "recipient",
                "An item of a package has its package's donor and recipient; give them only outside a package.")
    if item.package is None:
        for name in ("briefing", "donor", "recipient"):
            if getattr(item, name) is None:
                unknown(name, f"An item outside any package needs its {name}.")
    set_plain(item, data, ("slug", "system", "category", "role", "description", "quantity", "status"))
    assign_claim(item, data)
    check([("", item)])


# Its list item as stored in record_bodies, rendered when a record is written (service/read_model.py).
BODY = Body(AidItem, "aid-items", AidItemSchema, CITED)
WRITES = WriteSpec("aid-items", AidItem, "slug", "/api/v1/aid-items/{slug}", AidItemSchema,
                   lambda key: _select().where(AidItem.slug == key), assign)


@list_route(blp, "")
class AidItems(MethodView):
    @list_endpoint(blp, AidItemArgs, AidItemSchema, SORTS, model=AidItem)
    def get(self, args):
        """List aid items"""
        stmt = select(AidItem)
        if "package" in args:
            stmt = stmt.where(AidItem.package_id == by_slug(AidPackage, args["package"]))
        if "in_package" in args:
            stmt = stmt.where(AidItem.package_id.is_not(None) if args["in_package"] else AidItem.package_id.is_(None))
        for name in ("donor", "recipient"):
            if name in args:
                actor = by_slug(Actor, args[name])
                packages = select(AidPackage.id).where(getattr(AidPackage, f"{name}_id") == actor)
                stmt = stmt.where(or_(getattr(AidItem, f"{name}_id") == actor, AidItem.package_id.in_(packages)))
        stmt = filter_claims(stmt, AidItem, args)
        for name in ("category", "status", "system"):
            if name in args:
                stmt = stmt.where(getattr(AidItem, name) == args[name])
        return stmt

    @write_op(blp, create=True)
    @blp.arguments(AidItemIn)
    @blp.response(201, AidItemSchema, headers=WRITE_HEADERS)
    def post(self, data):
        """Create an aid item in a package"""
        return create(WRITES, data)


@blp.route("/<slug>")
class AidItemBySlug(MethodView):
    @blp.response(200, AidItemSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @query_args(blp, item_include_args(tuple(INCLUDES)))
    @id_redirect(blp, AidItem, "aid-items", "aid item")
    def get(self, args, slug):
        """Get an aid item"""
        return item_or_404(AidItem, AidItemSchema, _select().where(AidItem.slug == slug),
                           f"aid item with slug {slug!r}", embeds_for(includes(args), INCLUDES))

    @write_op(blp)
    @blp.arguments(partial(AidItemPatch))
    @blp.response(200, AidItemSchema, headers=WRITE_HEADERS)
    @id_redirect(blp, AidItem, "aid-items", "aid item")
    def patch(self, data, slug):
        """Update an aid item (partial)"""
        return update_record(WRITES, WRITES.fetch(slug), data)

    @write_op(blp, delete=True)
    @blp.response(204)
    @id_redirect(blp, AidItem, "aid-items", "aid item")
    def delete(self, slug):
        """Delete an aid item"""
        return delete_record(WRITES, WRITES.fetch(slug))

