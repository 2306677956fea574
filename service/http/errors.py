"""One RFC 9457 problem+json shape for HTTP, validation and database errors."""

from __future__ import annotations

import http
import json
import logging
import traceback

import marshmallow as ma
from apispec import BasePlugin
from flask import Flask, Response, current_app, request
from marshmallow.exceptions import SCHEMA
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# A body with thousands of bad keys must not make an error body of megabytes: the first ones are enough
# to fix the request, and the count says how many more there are.
MAX_LISTED_ERRORS = 50
# A field path or message (a key of a megabyte) and a detail are cut at these lengths, marked with an ellipsis.
MAX_FIELD_CHARS, MAX_DETAIL_CHARS = 200, 2000
RETRY_AFTER = "5"  # seconds: a 503's Retry-After when the database is unavailable
log = logging.getLogger(__name__)


class FieldErrorSchema(ma.Schema):
    location = ma.fields.String(
        required=True, metadata={"description": "Where the field was sent: query, path, json, header"}
    )
    field = ma.fields.String(
        required=True, metadata={"description": "Dotted path of the offending field, e.g. `limit`"}
    )
    message = ma.fields.String(required=True, metadata={"description": "What is wrong with it"})


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem details object."""

    class Meta:
        description = (f"An RFC 9457 problem details object. `errors` lists at most {MAX_LISTED_ERRORS} field "
                       "errors, in the order they were found; when there are more, `errors_omitted` counts the "
                       "rest and `detail` says so.")

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    title = ma.fields.String(required=True, metadata={"example": "Not Found"})
    status = ma.fields.Integer(required=True, metadata={"example": 404})
    detail = ma.fields.String(metadata={"example": "No actor with slug 'nobody'."})
    instance = ma.fields.String(metadata={"example": "/api/v1/actors/nobody"})
    errors = ma.fields.List(
        ma.fields.Nested(FieldErrorSchema),
        metadata={"description": f"Field-level validation errors: the first {MAX_LISTED_ERRORS} at most"},
    )
    errors_omitted = ma.fields.Integer(metadata={
        "description": f"How many more field errors there are beyond the {MAX_LISTED_ERRORS} listed in `errors` "
                       "(absent when all are listed)", "example": 199950})


def problem(status: int, detail: str | None = None, errors: list | None = None,
            headers: dict | None = None) -> Response:
    """Build a problem+json response; the only place that knows the shape."""
    body: dict = {
        "type": "about:blank",
        "title": http.HTTPStatus(status).phrase,
        "status": status,
        "instance": request.path,
    }
    omitted = max(0, len(errors or ()) - MAX_LISTED_ERRORS)
    if omitted:
        note = f"Only the first {MAX_LISTED_ERRORS} field errors are listed; {omitted} more are not."
        detail = f"{detail} {note}" if detail else note
    if detail:
        body["detail"] = _cut(detail, MAX_DETAIL_CHARS)
    if errors:
        body["errors"] = [{**e, "field": _cut(e["field"], MAX_FIELD_CHARS),
                           "message": _cut(e["message"], MAX_FIELD_CHARS)} for e in errors[:MAX_LISTED_ERRORS]]
    if omitted:
        body["errors_omitted"] = omitted
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    response.headers.update(headers or {})
    return response


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def flatten_messages(messages: dict) -> list[dict]:
    """Turn webargs' {location: {field: [msg]}} into a flat list naming each field."""
    flat: list[dict] = []

    def walk(location: str, node, path: list[str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                # marshmallow files errors about a whole object (not an object, say) under "_schema": name the
                # object itself, or the body when it is the whole body.
                walk(location, value, path if key == SCHEMA else [*path, str(key)])
        elif isinstance(node, list) and node and all(isinstance(m, str) for m in node):
            for message in node:
                flat.append({"location": location, "field": ".".join(path) or "body", "message": message})
        elif isinstance(node, list):
            for value in node:
                walk(location, value, path)
        else:
            flat.append({"location": location, "field": ".".join(path) or "body", "message": str(node)})

    for location, fields in messages.items():
        walk(location, fields, [])
    return flat


def describe(errors: list[dict]) -> str:
    named = dict.fromkeys(f"'{e['field']}' ({e['location']})" for e in errors[:MAX_LISTED_ERRORS])
    return f"Invalid input in {', '.join(named)}."


class ProblemResponsesPlugin(BasePlugin):
    """flask-smorest registers its default error responses (one per status, DEFAULT_ERROR) with the
    Problem schema under application/json; an apispec response helper files them under
    application/problem+json, the type they are served with."""

    def response_helper(self, response: dict, **kwargs) -> dict | None:
        content = response.get("content") or {}
        schema = content.get("application/json", {}).get("schema")
        if list(content) == ["application/json"] and (schema is ProblemSchema or schema == PROBLEM_REF):
            return {"content": {PROBLEM_MEDIA_TYPE: content["application/json"]}}
        return None


def init_app(app: Flask) -> None:
    """Database errors become problems too: unavailable (or no connection free in time) is 503, anything
    else 500. Neither log line carries a request's values: a 500 logs the error's class, SQLSTATE and the
    statement's shape, never its parameters or the server's message (which quotes values: "Key (slug)=(...)",
    "Failing row contains (...)"); an outage's warning is logged once per LOG_REPEAT_SECONDS."""
    throttle = app.extensions["log_throttle"]

    def unavailable(error: SQLAlchemyError):
        # A driver's connection error names the server and what failed (refused, timed out), not a request's data.
        cause = error.orig if isinstance(error, DBAPIError) else error
        first_line = next(iter(str(cause).strip().splitlines()), "")
        throttle.warning(log, "database unavailable", "database unavailable: %s: %s", _class_name(cause), first_line)
        rollback()
        return problem(503, "The database is unavailable; retry shortly.", headers={"Retry-After": RETRY_AFTER})

    app.register_error_handler(OperationalError, unavailable)
    app.register_error_handler(PoolTimeout, unavailable)

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        if error.connection_invalidated:  # the connection broke under the statement: an outage, not a bug
            return unavailable(error)
        log.error("database error: %s", _class_name(error.orig), extra={"fields": {
            "error_class": _class_name(error.orig), "sqlstate": getattr(error.orig, "sqlstate", None),
            "statement": error.statement, "traceback": "".join(traceback.format_tb(error.__traceback__))}})
        rollback()
        return problem(500, "The server could not complete the request; it has been logged.")


def rollback() -> None:
    """End the failed transaction of the request's session (service/extensions.py keeps it per app)."""
    current_app.extensions["database"].session.rollback()


def _class_name(error: BaseException | None) -> str:
    return f"{type(error).__module__}.{type(error).__qualname__}"
