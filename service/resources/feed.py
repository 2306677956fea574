"""Bringing the changes feed up to what the database serves: what the seed loader writes, and the backfill of a
database whose records predate the feed (`flask --app service changes backfill`).

Shape-agnostic: each record's feed body is its served representation, as the resource's own WriteSpec makes it
(writing.representation), so the feed follows whatever the resources serve."""

from __future__ import annotations

import json

from sqlalchemy import select

from service.extensions import db
from service.models import RECORDS, Change
from service.models.base import reference_order
from service.resources import RESOURCES
from service.resources.writing import WriteSpec, representation


def specs() -> list[WriteSpec]:
    """Every written resource of the registry, in the order its creations need: the records a model's rows
    refer to come first (models.base.reference_order: a briefing after its records), the record models in the
    order of service.models.RECORDS."""
    found = {m.WRITES.model: m.WRITES for m in RESOURCES if isinstance(getattr(m, "WRITES", None), WriteSpec)}
    return [found[model] for model in reference_order((*RECORDS, *found)) if model in found]


def feed_state() -> dict[tuple[str, str], dict | None]:
    """(resource, key) -> the latest body the feed holds (None after a deletion): replaying the feed."""
    state: dict[tuple[str, str], dict | None] = {}
    for change in db.session.scalars(select(Change).order_by(Change.id)):
        state[(change.resource, change.record_key)] = json.loads(change.after) if change.after else None
    return state


def sync(principal: str) -> int:
    """Write to the feed, in the caller's transaction, each creation, update and deletion that separates the
    feed's replayed state from what the database serves now; return how many entries were written."""
    db.session.flush()
    state = feed_state()
    served: dict[tuple[str, str], tuple[WriteSpec, dict]] = {}
    for spec in specs():
        column = getattr(spec.model, spec.key)
        rows: list = list(db.session.scalars(select(spec.model).order_by(column)).unique())
        for obj in rows:
            key = str(getattr(obj, spec.key))
            served[(spec.resource, key)] = spec, json.loads(json.dumps(representation(spec, obj)))
    written = 0
    for (resource, key), (spec, body) in served.items():
        before = state.get((resource, key))
        if before != body:
            action = "create" if before is None else "update"
            _write(principal, action, spec, key, before, body)
            written += 1
    by_name = {s.resource: s for s in specs()}
    for (resource, key), before in reversed(list(state.items())):
        if before is not None and (resource, key) not in served and resource in by_name:
            _write(principal, "delete", by_name[resource], key, before, None)
            written += 1
    db.session.flush()
    return written


def _write(principal: str, action: str, spec: WriteSpec, key: str, before: dict | None, after: dict | None) -> None:
    db.session.add(Change(principal=principal, action=action, resource=spec.resource, record_key=key,
                          url=spec.url.format(**{spec.key: key}),
                          before=json.dumps(before) if before is not None else None,
                          after=json.dumps(after) if after is not None else None))
