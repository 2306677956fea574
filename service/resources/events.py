"""/events: dated events, their status relative to the source's date, and where each date comes from."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from service import vocabulary as v
from service.http.request_input import Blueprint
from service.models import Actor, Event, event_participants
from service.read_model import Body
from service.resources.common import (
    CITED,
    Shape,
    by_slug,
    embeds_for,
    id_redirect,
    include_arg,
    included_field,
    includes,
    item_include_args,
    item_or_404,
    links_of,
    list_endpoint,
    list_route,
    options,
    permalink,
    query_args,
    shape,
)
from service.resources.record_fields import ClaimArgs, ClaimSchema, Spans, choice_field, filter_claims
from service.resources.record_writing import assign_claim, check
from service.resources.schemas import ActorSchema
from service.resources.writing import (
    WRITE_HEADERS,
    WriteSpec,
    briefing_of,
    create,
    delete_record,
    partial,
    refs,
    set_plain,
    update_record,
    write_op,
)
from service.seeding import schema as seed_schema

blp = Blueprint("events", __name__, url_prefix="/api/v1/events",
                description="Dated events (summits, meetings, announcements) and who took part.")


# include= name -> (attribute path on an event, schema of the records embedded)
INCLUDES = {"participants": ("participants", ActorSchema)}


class EventSchema(ClaimSchema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/events/{slug}")
    slug = fields.String(required=True)
    date = fields.Date(required=True, allow_none=True, metadata={"description": "Null when the source gives no date"})
    name = fields.String(required=True)
    place = fields.String(allow_none=True)
    status = choice_field(v.EVENT_STATUSES, required=True, description="Relative to the source's date")
    date_precision = choice_field(v.DATE_PRECISIONS, required=True, description="How well the date is known")
    date_provenance = choice_field(v.PROVENANCE, required=True, description="Where the date comes from")
    date_evidence = Spans("date")
    date_reasoning = fields.String(allow_none=True, required=True,
                                   metadata={"description": "How the date was worked out from the text, or why an "
                                                            "outside reference is used"})
    date_reference = fields.String(allow_none=True, required=True,
                                   metadata={"description": "The outside reference, for a date from outside"})
    participants = links_of("participants", "actors", "The actors taking part")
    citations = Spans("content")
    included = included_field(INCLUDES)


SORTS = {"date": Event.date, "name": Event.name, "slug": Event.slug}


class EventArgs(ClaimArgs):
    date_from = fields.Date(data_key="from", metadata={"description": "On or after (ISO date)"})
    date_to = fields.Date(data_key="to", metadata={"description": "On or before (ISO date)"})
    participant = fields.String(metadata={"description": "Actor slug"})
    status = fields.String(validate=validate.OneOf(tuple(v.EVENT_STATUSES)),
                           metadata={"description": v.described(v.EVENT_STATUSES)})
    date_provenance = fields.String(validate=validate.OneOf(tuple(v.PROVENANCE)))
    include = include_arg(INCLUDES)

    @ma.validates_schema
    def _range(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("`from` is after `to`.", field_name="from")


EVENT: Shape = shape({"participants": {}}, CITED)


def _select():
    return select(Event).options(*options(Event, EVENT))


class EventIn(seed_schema.EventIn):
    briefing = seed_schema.Slug(required=True, metadata={"description": "Slug of the briefing it belongs to"})


class EventPatch(seed_schema.EventIn):
    pass


def assign(event: Event, data: dict) -> None:
    if "briefing" in data:
        event.briefing = briefing_of(data)
    set_plain(event, data, ("slug", "date", "name", "place", "status", "date_precision", "date_provenance",
                            "date_reasoning", "date_reference"))
    if "participants" in data:
        event.participants = refs(Actor, data["participants"], "participants", event.briefing)
    assign_claim(event, data)
    check([("", event)])


# Its list item as stored in record_bodies, rendered when a record is written (service/read_model.py).
BODY = Body(Event, "events", EventSchema, EVENT)
WRITES = WriteSpec("events", Event, "slug", "/api/v1/events/{slug}", EventSchema,
                   lambda key: _select().where(Event.slug == key), assign)


@list_route(blp, "")
class Events(MethodView):
    @list_endpoint(blp, EventArgs, EventSchema, SORTS, model=Event)
    def get(self, args):
        """List events"""
        stmt = select(Event)
        if "date_from" in args:
            stmt = stmt.where(Event.date >= args["date_from"])
        if "date_to" in args:
            stmt = stmt.where(Event.date <= args["date_to"])
        for name in ("status", "date_provenance"):
            if name in args:
                stmt = stmt.where(getattr(Event, name) == args[name])
        stmt = filter_claims(stmt, Event, args)
        if "participant" in args:
            stmt = stmt.where(Event.id.in_(select(event_participants.c.event_id).where(
                event_participants.c.actor_id == by_slug(Actor, args["participant"]))))
        return stmt

    @write_op(blp, create=True)
    @blp.arguments(EventIn)
    @blp.response(201, EventSchema, headers=WRITE_HEADERS)
    def post(self, data):
        """Create an event"""
        return create(WRITES, data)


@blp.route("/<slug>")
class EventBySlug(MethodView):
    @blp.response(200, EventSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @query_args(blp, item_include_args(tuple(INCLUDES)))
    @id_redirect(blp, Event, "events", "event")
    def get(self, args, slug):
        """Get an event"""
        return item_or_404(Event, EventSchema, _select().where(Event.slug == slug), f"event with slug {slug!r}",
                           embeds_for(includes(args), INCLUDES))

    @write_op(blp)
    @blp.arguments(partial(EventPatch))
    @blp.response(200, EventSchema, headers=WRITE_HEADERS)
    @id_redirect(blp, Event, "events", "event")
    def patch(self, data, slug):
        """Update an event (partial)"""
        return update_record(WRITES, WRITES.fetch(slug), data)

    @write_op(blp, delete=True)
    @blp.response(204)
    @id_redirect(blp, Event, "events", "event")
    def delete(self, slug):
        """Delete an event"""
        return delete_record(WRITES, WRITES.fetch(slug))

