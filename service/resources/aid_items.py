"""/aid-items: the systems, equipment and support an aid package contains."""

from __future__ import annotations

import functools

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from service import vocabulary as v
from service.models import Actor, AidItem, AidPackage
from service.resources.actors import ACTOR, ActorSchema
from service.resources.aid_packages import AID_PACKAGE, AidPackageSchema
from service.resources.common import (
    CITED,
    ListArgs,
    Shape,
    by_slug,
    citations_field,
    embeds_for,
    get_or_404,
    include_arg,
    included_field,
    includes,
    list_endpoint,
    options,
    paginate,
    permalink,
    shape,
    slug_of,
)
from service.resources.writing import (
    WRITE_HEADERS,
    WriteSpec,
    citations,
    create,
    delete_record,
    ref,
    set_plain,
    update_record,
    write_op,
)
from service.seeding import schema as seed_schema

blp = Blueprint("aid-items", __name__, url_prefix="/api/v1/aid-items",
                description="Aid items: what each package contains, with category and status.")


# include= name -> (attribute path on an aid item, schema of the record embedded)
INCLUDES = {"package": ("package", AidPackageSchema), "donor": ("package.donor", ActorSchema)}


class AidItemSchema(ma.Schema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/aid-items/{id}")
    slug = fields.String(required=True)
    package = slug_of("package", "Slug of the aid package")
    donor = slug_of("package.donor", "Slug of the package's donor")
    system = fields.String(allow_none=True, metadata={"example": "MICA"})
    category = fields.String(required=True, metadata={"example": "air-defence missile"})
    role = fields.String(allow_none=True)
    description = fields.String(required=True)
    quantity = fields.Integer(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(v.AID_STATUSES))
    citations = citations_field()
    included = included_field(INCLUDES)


SORTS = {"category": AidItem.category, "status": AidItem.status, "system": AidItem.system,
         "quantity": AidItem.quantity, "slug": AidItem.slug}


class AidItemArgs(ListArgs):
    package = fields.String(metadata={"description": "Aid package slug"})
    donor = fields.String(metadata={"description": "Donor actor slug"})
    category = fields.String()
    status = fields.String(validate=validate.OneOf(v.AID_STATUSES))
    system = fields.String()
    include = include_arg(INCLUDES)


@functools.cache  # shapes are read, never changed: build each combination once
def aid_item_shape(include: tuple[str, ...] = ()) -> Shape:
    """What an aid item is served with (the package's and donor's slugs are columns of its row, see
    service/models/slugs.py), and the related records `include=` embeds in full."""
    related: dict[str, Shape] = {"package": {"package": AID_PACKAGE}, "donor": {"package": {"donor": ACTOR}}}
    return shape(CITED, *(related[name] for name in include))


def _select():
    return select(AidItem).options(*options(AidItem, CITED))


class AidItemIn(seed_schema.AidItemIn):
    package = fields.String(required=True, metadata={"description": "Slug of the aid package"})


class AidItemPatch(AidItemIn):
    pass


def assign(item: AidItem, data: dict) -> None:
    if "package" in data:
        package = ref(AidPackage, data["package"], "package")
        item.briefing = package.briefing  # before linking, so the lazy load cannot autoflush the item
        item.package = package
    set_plain(item, data, ("slug", "system", "category", "role", "description", "quantity", "status"))
    if "citations" in data:
        item.citations = citations(item, data["citations"])


WRITES = WriteSpec("aid-items", AidItem, "id", "/api/v1/aid-items/{id}", AidItemSchema,
                   lambda key: _select().where(AidItem.id == key), assign)


@blp.route("")
class AidItems(MethodView):
    @list_endpoint(blp, AidItemArgs, AidItemSchema, SORTS)
    def get(self, args):
        """List aid items"""
        include = includes(args)
        stmt = select(AidItem)
        if "package" in args:
            stmt = stmt.where(AidItem.package_id == by_slug(AidPackage, args["package"]))
        if "donor" in args:
            donor_packages = select(AidPackage.id).where(
                AidPackage.donor_id == by_slug(Actor, args["donor"]))
            stmt = stmt.where(AidItem.package_id.in_(donor_packages))
        for name in ("category", "status", "system"):
            if name in args:
                stmt = stmt.where(getattr(AidItem, name) == args[name])
        return paginate(stmt, AidItem, args, AidItemSchema, SORTS, embeds_for(include, INCLUDES),
                        shape=aid_item_shape(include))

    @write_op(blp, create=True)
    @blp.arguments(AidItemIn)
    @blp.response(201, AidItemSchema, headers=WRITE_HEADERS)
    def post(self, data):
        """Create an aid item in a package"""
        return create(WRITES, data)


@blp.route("/<int(max=2147483647):item_id>")
class AidItemById(MethodView):
    @blp.response(200, AidItemSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, item_id):
        """Get an aid item"""
        return get_or_404(_select().where(AidItem.id == item_id), f"aid item with id {item_id}")

    @write_op(blp)
    @blp.arguments(AidItemPatch(partial=True))
    @blp.response(200, AidItemSchema, headers=WRITE_HEADERS)
    def patch(self, data, item_id):
        """Update an aid item (partial)"""
        return update_record(WRITES, WRITES.fetch(item_id), data)

    @write_op(blp, delete=True)
    @blp.response(204)
    def delete(self, item_id):
        """Delete an aid item"""
        return delete_record(WRITES, WRITES.fetch(item_id))
