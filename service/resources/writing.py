"""Writes, alike for every resource: verified citations, If-Match, idempotent POST (idempotency.py), audit,
one commit."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, cast

import marshmallow as ma
import orjson
from flask import Response, current_app, g, request
from flask_smorest import abort
from sqlalchemy import CursorResult, Table, func, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.http import generate_etag

from service import read_model
from service.extensions import db
from service.http import compression, response_cache
from service.http.auth import SECURITY, require
from service.models import Briefing, Change, Citation, Document, Record
from service.models.citations import context
from service.resources import idempotency
from service.seeding.reader import verify_quote

WRITE_HEADERS = {
    "ETag": {"description": "Entity tag of the new representation (send it back in If-Match)",
             "schema": {"type": "string"}},
    "Location": {"description": "URL of the created record", "schema": {"type": "string"}},
}
STALE = "The record changed since you read it; GET it again and retry."  # the 412's detail
IF_MATCH = {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
            "description": "The ETag of the representation being changed (from a GET); `*` for any"}


@dataclass
class WriteSpec:
    """How one resource is written: its model, URL, representation, field assignment and delete rules."""

    resource: str
    model: type
    key: str                                   # "slug" or "id": the URL's key
    url: str                                   # e.g. "/api/v1/actors/{slug}"
    schema: type                               # the representation a GET of the item returns
    load: Callable                             # key -> statement fetching the item with its options
    assign: Callable                           # (obj, data) -> None; aborts 422 on bad references
    referrers: Callable = lambda obj: []       # obj -> ["positions: 3", ...] that forbid a delete
    versioned: bool = True                     # the model has a `version` column (optimistic lock)
    represent: Callable | None = None          # obj -> the GET body, when it is not schema().dump(row)

    def fetch(self, key):
        obj = db.session.scalars(self.load(key)).unique().one_or_none()
        if obj is None:
            abort(404, message=f"No {self.resource[:-1].replace('-', ' ')} with {self.key} {key!r}.")
        return obj


def partial(schema: type[ma.Schema]) -> ma.Schema:
    """SCHEMA for a PATCH: each of its own fields may be left out, but an object it holds (a citation, a
    condition ...) is whole, with its required fields (marshmallow's partial=True would reach into them)."""
    return schema(partial=tuple(schema().fields))


def write_op(blp, *, create: bool = False, delete: bool = False):
    """Decorators every write view shares: the token check and its documented contract."""
    params = [idempotency.IDEMPOTENCY_KEY] if create else [IF_MATCH]
    # 400: a body that is not JSON or nests too deep, a bad Idempotency-Key, a NUL in the URL (request_input.py)
    codes = [(400, "BAD_REQUEST"), (401, "UNAUTHORIZED"), (403, "FORBIDDEN"), (409, "CONFLICT")]
    if not create:
        codes += [(404, "NOT_FOUND"), (412, "PRECONDITION_FAILED"), (428, "PRECONDITION_REQUIRED")]
    if not delete:
        codes += [(422, "UNPROCESSABLE_ENTITY")]

    def decorator(view):
        for status, name in codes:
            view = blp.alt_response(status, response=name)(view)
        view = blp.doc(security=SECURITY, parameters=params)(view)
        return require("write")(view)

    return decorator


def representation(spec: WriteSpec, obj) -> dict:
    """What a GET of OBJ returns now (after this transaction's changes): the stored body the read model renders
    for it in this transaction, when that is the GET's representation, rather than a second rendering."""
    db.session.flush()
    if spec.represent is None and read_model.serves(spec.model, spec.schema):
        stored = read_model.stored_now(db.session(), obj.id)
        if stored is not None:
            return orjson.loads(stored)
    db.session.expire(obj)
    if spec.represent is not None:
        return spec.represent(obj)
    fresh = db.session.scalars(spec.load(getattr(obj, spec.key))).unique().one()
    return spec.schema().dump(fresh)


def etag_of(body: dict) -> str:
    # Same bytes as a GET of the item, so the same ETag as the one a client got from it.
    return generate_etag(cast(Response, current_app.json.response(body)).get_data())


def create(spec: WriteSpec, data: dict) -> Response:
    replay = idempotency.claim_key()
    if replay is not None:
        return replay
    obj = spec.model()
    with db.session.no_autoflush:  # lookups while assigning must not flush a half-built record
        spec.assign(obj, data)
    db.session.add(obj)
    _flush_or_409()
    body = representation(spec, obj)
    url = spec.url.format(**{spec.key: getattr(obj, spec.key)})
    _audit(spec, "create", obj, None, body, url)
    response = _json(body, 201, {"Location": url})
    idempotency.remember(response)
    return _commit(response)


def update_record(spec: WriteSpec, obj, data: dict) -> Response:
    before = _check_if_match(spec, obj)
    with db.session.no_autoflush:  # reads only (references, citations verified): no write lock taken yet
        spec.assign(obj, data)
    _flush_or_409()
    _lock(spec, obj)
    body = representation(spec, obj)
    _audit(spec, "update", obj, before, body, spec.url.format(**{spec.key: getattr(obj, spec.key)}))
    return _commit(_json(body, 200))


def delete_record(spec: WriteSpec, obj) -> Response:
    before = _check_if_match(spec, obj)
    _lock(spec, obj)  # first: a record added meanwhile that refers to this one is counted
    blocking = spec.referrers(obj)
    if blocking:
        db.session.rollback()
        abort(409, message=f"Still referred to by {', '.join(blocking)}; delete or change those first.")
    url = spec.url.format(**{spec.key: getattr(obj, spec.key)})
    _audit(spec, "delete", obj, before, None, url)
    db.session.delete(obj)
    _flush_or_409()
    return _commit(Response(status=204))


def _check_if_match(spec: WriteSpec, obj) -> dict:
    """428 without If-Match, 412 when stale: what a GET of OBJ served before this write."""
    if "If-Match" not in request.headers:
        abort(428, message="Send If-Match with the ETag from a GET of this record.")
    before = _served(spec, obj)
    tags = compression.etags_of(etag_of(before).strip('"'))  # a compressed GET's ETag names its coding
    if not (request.if_match.star_tag or any(request.if_match.contains(tag) for tag in tags)):
        abort(412, message=STALE)
    return before


def _lock(spec: WriteSpec, obj) -> None:
    """Take OBJ's optimistic lock: move its version from the one read, or 412 (nothing of the write is kept)
    when another write moved it since. Taken once the write's reads are done, as its first write statements
    (see _flush_or_409) hold the writers' queue (SQLite) or the data version's row (PostgreSQL) to the commit."""
    if spec.versioned:
        table: Table = sa_inspect(spec.model).columns["version"].table  # records' for every record type
        bumped = db.session.execute(
            update(table).where(table.c.id == obj.id, table.c.version == obj.version)
            .values(version=table.c.version + 1),
            execution_options={response_cache.SCOPE_OPTION: response_cache.scope_of(spec.model)})
        if cast(CursorResult, bumped).rowcount != 1:
            db.session.rollback()
            abort(412, message=STALE)


def _served(spec: WriteSpec, obj) -> dict:
    """What a GET of OBJ serves before this write: its stored body when the item view serves that, else its dump."""
    if spec.represent is not None:
        return spec.represent(obj)
    stored = read_model.stored_body(db.session(), spec.model, spec.schema, cast(Any, spec.model).id == obj.id)
    return orjson.loads(stored) if stored is not None else spec.schema().dump(obj)


def _flush_or_409() -> None:
    """Flush the write, its data version moved first: on PostgreSQL that row is every writer's first lock (then its
    records' rows, and the rows their foreign keys name, in the flush), so two writers never wait for each other
    in a cycle (a create's idempotency claim, written before, is every such writer's first); on SQLite the write
    joins the writers' queue here at the latest. A row gone since it was read (deleted meanwhile) is a 412."""
    response_cache.bump_session(db.session(), set())
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        abort(409, message=f"The change conflicts with existing data: {_constraint(exc)}.")
    except (StaleDataError, ObjectDeletedError):  # its row went away since it was read (a DELETE committed)
        db.session.rollback()
        abort(412, message=STALE)


def _constraint(exc: IntegrityError) -> str:
    text = str(exc.orig).lower()
    if "unique" in text or "duplicate" in text:
        return "a record with this slug (or key) already exists"
    if "foreign key" in text:
        return "another record still refers to this one"
    return "a database constraint was violated"


def _commit(response: Response) -> Response:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        replay = idempotency.replayed() if request.headers.get("Idempotency-Key") else None
        if replay is not None:
            return replay  # a concurrent retry with the same key committed first: replay its outcome
        abort(409, message=f"The change conflicts with existing data: {_constraint(exc)}.")
    return response


def _json(body: dict, status: int, headers: dict | None = None) -> Response:
    response = cast(Response, current_app.json.response(body))
    response.status_code = status
    response.headers.update(headers or {})
    response.set_etag(etag_of(body).strip('"'))
    return response


def _audit(spec: WriteSpec, action: str, obj, before: dict | None, after: dict | None, url: str) -> None:
    db.session.add(Change(principal=g.principal, action=action, resource=spec.resource,
                          record_key=str(getattr(obj, spec.key)), url=url,
                          before=json.dumps(before) if before is not None else None,
                          after=json.dumps(after) if after is not None else None))


# --- assigning fields: references by slug, verified citations ---------------------------------


def unknown(field_name: str, message: str) -> NoReturn:
    abort(422, errors={"json": {field_name: [message]}})
    raise AssertionError("abort raises")  # flask_smorest.abort is untyped


def ref(model, slug: str | None, field_name: str, within: Briefing | None):
    """The MODEL row with SLUG, or a 422 naming FIELD_NAME; WITHIN: the briefing a record refers from, which
    the row must belong to (None only for what belongs to no briefing, and an aid item's package at creation).

    A reference never crosses briefings: the composed briefing renders every record with the actors,
    packages, proposals and events of its own briefing."""
    if slug is None:
        return None
    obj = db.session.scalar(select(model).where(model.slug == slug))
    if obj is None:
        unknown(field_name, f"Unknown {model.__name__.lower()} {slug!r}.")
    if within is not None and obj.briefing_id != within.id:
        unknown(field_name, f"The {model.__name__.lower()} {slug!r} belongs to another briefing; a record refers "
                            f"only to records of its own briefing ({within.slug!r}).")
    return obj


def refs(model, slugs: list[str], field_name: str, within: Briefing | None) -> list:
    return [ref(model, slug, f"{field_name}.{i}", within) for i, slug in enumerate(slugs)]


def briefing_of(data: dict) -> Briefing:
    return ref(Briefing, data.pop("briefing"), "briefing", None)


def count_referrers(record_id: int, columns: dict[str, list]) -> list[str]:
    """["positions: 3", ...] for each kind of row whose columns point at RECORD_ID."""
    found = []
    for label, cols in columns.items():
        total = sum(db.session.scalar(select(func.count()).where(col == record_id)) or 0 for col in cols)
        if total:
            found.append(f"{label}: {total}")
    return found


def set_plain(obj, data: dict, names: tuple[str, ...]) -> None:
    for name in names:
        if name in data:
            setattr(obj, name, data[name])


def citations(record: Record, items: list[dict], field_name: str = "citations", role: str = "content",
              single: bool = False) -> list[Citation]:
    """Citations of ROLE for RECORD, each verified verbatim in its document (422 naming the citation; SINGLE:
    ITEMS is the one span a field holds, named without an index)."""
    built, errors = [], {}
    for index, item in enumerate(items):
        document, reason = _document(item.get("document"), record)
        if document is None:
            errors[index] = {"document": [reason]}
            continue
        start, reason = verify_quote(document.text, item["quote"], item.get("start"))
        if reason:
            errors[index] = {"quote": [reason]}
            continue
        quantity = {k: item.get(k) for k in ("measure", "value", "unit", "approximation")} if role == "quantity" else {}
        end = start + len(item["quote"])
        built.append(Citation(role=role, document=document, start=start, end=end, quote=item["quote"],
                              **context(document.text, start, end), **quantity))
    if errors:
        abort(422, errors={"json": {field_name: errors[0] if single else errors}})
    return built


def _document(slug: str | None, record: Record) -> tuple[Document | None, str]:
    """The document of RECORD's briefing with SLUG (its first when None), or None and why.

    A citation never attaches a document: that is a PATCH of the briefing's `documents`, under If-Match and
    audited like every write."""
    briefing = record.briefing
    if slug is None:
        return (briefing.documents[0], "") if briefing.documents else (None, "This briefing has no document.")
    document = db.session.scalar(select(Document).options(undefer(Document.text)).where(Document.slug == slug))
    if document is None:
        return None, f"Unknown document {slug!r}."
    if document not in briefing.documents:
        return None, (f"The document {slug!r} is not one of briefing {briefing.slug!r}'s; attach it first with a "
                      "PATCH of the briefing's `documents`.")
    return document, ""
