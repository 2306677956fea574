"""OpenAPI conventions applied to every operation in one place: operationId, description, field types."""

from __future__ import annotations

import re

from apispec import BasePlugin
from marshmallow import fields
from werkzeug.routing import IntegerConverter


class ConventionsPlugin(BasePlugin):
    """Completes each operation from what the code already states, so views need no extra decorators.

    - `operationId`: the HTTP method and the view class (`getActorBySlug`), unique and stable;
    - `description`: the docstring's body when there is one, otherwise a description derived from
      the operation's own contract (pagination, strict query strings, 404 on unknown ids).
    """

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        rule = kwargs.get("rule")
        for method, operation in (operations or {}).items():
            if rule is not None:
                operation.setdefault("operationId", operation_id(method, rule.endpoint))
            operation["description"] = describe(operation)


def operation_id(method: str, endpoint: str) -> str:
    """`actors.ActorBySlug` + get -> `getActorBySlug`."""
    view = endpoint.rsplit(".", 1)[-1]
    return method.lower() + view[:1].upper() + view[1:]


def describe(operation: dict) -> str:
    """The docstring body if any (flask-smorest copies the first line into it), else derived facts."""
    summary = (operation.get("summary") or "").strip()
    body = (operation.get("description") or "").strip()
    if body.startswith(summary):
        body = body[len(summary):].strip()
    sentences = [summary.rstrip(".") + "."] if summary else []
    if body:
        sentences.append(body)
    names = [p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict)]
    if "cursor" in names:
        sentences.append("Cursor-paginated: follow `next` in the body (also sent as an RFC 8288 `Link` "
                         "header) until it is null.")
    if any(p.get("in") == "query" for p in operation.get("parameters", []) if isinstance(p, dict)):
        sentences.append("Unknown or malformed query parameters are a 400 problem naming each one.")
    if "404" in {str(status) for status in operation.get("responses", {})}:
        sentences.append("A 404 problem when no record has this identifier.")
    return re.sub(r"\n{3,}", "\n\n", "\n\n".join(sentences))


def decimal_as_string(self, field: fields.Field, **kwargs) -> dict:
    """`Decimal(as_string=True)` is sent as a JSON string, so document it as one (apispec says number)."""
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal"}
    return {}


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in a route is a record id, a PostgreSQL `integer`: a larger number is a 404 (no
    such record) rather than a database error, and the spec states the bound."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


def init_api(api) -> None:
    """Called by the Api subclass once its spec exists, before any blueprint is registered."""
    api._app.url_map.converters["int"] = RecordIdConverter
    api.ma_plugin.converter.add_attribute_function(decimal_as_string)
