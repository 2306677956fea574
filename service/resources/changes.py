"""/changes: the audit trail as a feed other apps poll to stay in sync (deletions are tombstones)."""

from __future__ import annotations

import datetime as dt
import json

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from service.http.request_input import Blueprint
from service.models import Change
from service.resources.common import PageArgs, list_endpoint, list_route
from service.validation import INTEGER_MAX

blp = Blueprint("changes", __name__, url_prefix="/api/v1/changes",
                description="Every write (who, when, what, before/after), oldest first, for polling.")


class ChangeSchema(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "Monotonic; poll with since=<last id>"})
    at = fields.DateTime(required=True)
    principal = fields.String(required=True, metadata={"description": "Name of the token that wrote"})
    action = fields.String(required=True, validate=validate.OneOf(["create", "update", "delete"]))
    resource = fields.String(required=True, metadata={"example": "actors"})
    record = fields.Function(lambda c: {"slug": c.record_key, "url": c.url or f"/api/v1/{c.resource}/{c.record_key}"},
                             required=True, metadata={"allOf": [{"$ref": "#/components/schemas/Link"}],
                                                      "description": "The record written: its slug and URL"})
    before = fields.Function(lambda c: json.loads(c.before) if c.before else None, allow_none=True,
                             metadata={"type": "object", "nullable": True})
    after = fields.Function(lambda c: json.loads(c.after) if c.after else None, allow_none=True,
                            metadata={"type": "object", "nullable": True,
                                      "description": "null for a deletion (tombstone)"})


class Since(fields.String):
    """A change id, or an ISO 8601 timestamp."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        if raw.isascii() and raw.isdigit():  # str.isdigit alone also takes "²" and other digits int() refuses
            if len(raw) > len(str(INTEGER_MAX)) or int(raw) > INTEGER_MAX:
                raise ma.ValidationError(f"A change id is at most {INTEGER_MAX}.")
            return int(raw)
        try:
            moment = dt.datetime.fromisoformat(raw)
            # In UTC now, as the database compares it: an offset that crosses year 1 or 9999 is refused here.
            return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
        except (ValueError, OverflowError) as exc:
            raise ma.ValidationError("Give a change id or an ISO 8601 timestamp.") from exc


class ChangeArgs(PageArgs):
    since = Since(metadata={"description": "Only changes after this change id (or timestamp)"})
    resource = fields.String(metadata={"description": "Only this resource, e.g. `actors`"})


@list_route(blp, "")
class Changes(MethodView):
    @list_endpoint(blp, ChangeArgs, ChangeSchema, model=Change)
    def get(self, args):
        """List changes since a point"""
        stmt = select(Change)
        since = args.get("since")
        if isinstance(since, int):
            stmt = stmt.where(Change.id > since)
        elif since is not None:
            stmt = stmt.where(Change.at > since)  # compared in UTC on both backends (UTCDateTime)
        if "resource" in args:
            stmt = stmt.where(Change.resource == args["resource"])
        return stmt
