"""/positions: what each holder says or holds on a topic or proposal, who says it, how surely, with conditions."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from service.http.request_input import Blueprint
from service.models import Actor, Event, Position, PositionCondition, Proposal
from service.read_model import Body
from service.resources.common import (
    id_redirect,
    includes,
    item_include_args,
    item_or_404,
    list_endpoint,
    list_route,
    query_args,
)
from service.resources.record_writing import assign_claim, check
from service.resources.schemas import (
    POSITION,
    POSITION_INCLUDES,
    POSITION_SORTS,
    PositionArgs,
    PositionSchema,
    filter_positions,
    position_embeds,
    position_options,
)
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

blp = Blueprint("positions", __name__, url_prefix="/api/v1/positions",
                description="Positions: what a holder says or holds (an actor, or the outlet in its own voice), "
                            "who says it, how surely, each cited.")


class PositionIn(seed_schema.PositionIn):
    briefing = seed_schema.Slug(required=True, metadata={"description": "Slug of the briefing it belongs to"})


class PositionPatch(seed_schema.PositionIn):
    pass


def assign(position: Position, data: dict) -> None:
    if "briefing" in data:
        position.briefing = briefing_of(data)
    set_plain(position, data, ("slug", "topic", "stance", "summary", "date"))
    for name, model in (("holder", Actor), ("about", Actor), ("proposal", Proposal)):
        if name in data:
            setattr(position, name, ref(model, data[name], name, position.briefing))
    assign_claim(position, data)
    if "conditions" in data:
        position.conditions = [_condition(position, c, f"conditions.{i}.") for i, c in enumerate(data["conditions"])]
    check([("", position), *((f"conditions.{i}.", c) for i, c in enumerate(position.conditions))])


def _condition(position: Position, data: dict, prefix: str) -> PositionCondition:
    condition = PositionCondition(briefing=position.briefing, slug=data["slug"], kind=data["kind"],
                                  description=data["description"])
    condition.proposal = ref(Proposal, data["proposal"], prefix + "proposal", position.briefing)
    condition.event = ref(Event, data["event"], prefix + "event", position.briefing)
    assign_claim(condition, data, prefix)
    return condition


# Its list item as stored in record_bodies, rendered when a record is written (service/read_model.py).
BODY = Body(Position, "positions", PositionSchema, POSITION)
WRITES = WriteSpec("positions", Position, "slug", "/api/v1/positions/{slug}", PositionSchema,
                   lambda key: select(Position).options(*position_options()).where(Position.slug == key), assign)


@list_route(blp, "")
class Positions(MethodView):
    @list_endpoint(blp, PositionArgs, PositionSchema, POSITION_SORTS, model=Position)
    def get(self, args):
        """List positions"""
        return filter_positions(select(Position), args)

    @write_op(blp, create=True)
    @blp.arguments(PositionIn)
    @blp.response(201, PositionSchema, headers=WRITE_HEADERS)
    def post(self, data):
        """Create a position"""
        return create(WRITES, data)


@blp.route("/<slug>")
class PositionBySlug(MethodView):
    @blp.response(200, PositionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @query_args(blp, item_include_args(POSITION_INCLUDES))
    @id_redirect(blp, Position, "positions", "position")
    def get(self, args, slug):
        """Get a position"""
        stmt = select(Position).options(*position_options()).where(Position.slug == slug)
        return item_or_404(Position, PositionSchema, stmt, f"position with slug {slug!r}",
                           position_embeds(includes(args)))

    @write_op(blp)
    @blp.arguments(partial(PositionPatch))
    @blp.response(200, PositionSchema, headers=WRITE_HEADERS)
    @id_redirect(blp, Position, "positions", "position")
    def patch(self, data, slug):
        """Update a position (partial)"""
        return update_record(WRITES, WRITES.fetch(slug), data)

    @write_op(blp, delete=True)
    @blp.response(204)
    @id_redirect(blp, Position, "positions", "position")
    def delete(self, slug):
        """Delete a position (its conditions go with it)"""
        return delete_record(WRITES, WRITES.fetch(slug))

