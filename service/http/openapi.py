"""OpenAPI conventions applied to every operation in one place: operationId, description, field types."""

from __future__ import annotations

import json
import re
from pathlib import Path

from apispec import APISpec, BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest.spec.plugins import FlaskPlugin
from marshmallow import fields
from werkzeug.routing import IntegerConverter

from service.http.errors import ProblemResponsesPlugin
from service.http.json_bodies import EXTENSION as JSON_BODIES
from service.http.json_bodies import JsonBodiesPlugin
from service.http.limits import LimitsPlugin
from service.http.negotiation import NotAcceptablePlugin
from service.http.query_rules import EXTENSION as QUERY_RULES
from service.http.query_rules import QueryRulesPlugin
from service.resources.common import SELECTOR_SCHEMAS, LinkSchema


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


# Recorded from the real API by `python -m tools.examples` (tools/examples.py).
EXAMPLES_FILE = Path(__file__).resolve().parents[1] / "openapi_examples.json"  # service/, packaged


class ExamplesPlugin(BasePlugin):
    """Sets `example` on each documented body from EXAMPLES_FILE: request bodies and responses by
    operationId, status and media type; the shared error responses by component name."""

    def init_spec(self, spec: APISpec) -> None:
        self.spec = spec
        self.examples = load_examples()

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            recorded = self.examples["operations"].get(operation.get("operationId"), {})
            set_examples(operation.get("requestBody", {}), recorded.get("requestBody", {}))
            for status, response in operation.get("responses", {}).items():
                if isinstance(response, str):  # a component's name, e.g. "NOT_FOUND"
                    self.component_examples(response)
                else:
                    set_examples(response, recorded.get("responses", {}).get(str(status), {}))

    def component_examples(self, name: str) -> None:
        components = self.spec.components
        response = components.responses.get(name) or components.responses_lazy.get(name)
        if response is not None:
            set_examples(response, self.examples["components"]["responses"].get(name, {}))


class LinksPlugin(BasePlugin):
    """References in the spec: the span selectors' components, and each schema that extends Link (a Link with
    display fields, like the briefing's actor references) as `allOf` Link and its own properties, so that a
    client reads one Link shape everywhere."""

    def init_spec(self, spec: APISpec) -> None:
        self.spec = spec
        for name, schema in SELECTOR_SCHEMAS.items():
            spec.components.schema(name, schema=schema)

    def schema_helper(self, name, definition, **kwargs) -> None:
        schema = kwargs.get("schema")
        cls = schema if isinstance(schema, type) else type(schema)
        if not isinstance(cls, type) or not issubclass(cls, LinkSchema):
            return
        if cls is LinkSchema:  # "at least slug and url": a schema that extends it adds its own
            definition.pop("additionalProperties", None)
            return
        link_fields = set(LinkSchema().fields)
        own = {key: value for key, value in definition.pop("properties", {}).items() if key not in link_fields}
        required = [key for key in definition.pop("required", []) if key in own]
        definition.pop("type", None)
        definition.pop("additionalProperties", None)  # beside allOf it would refuse the Link's own properties
        definition["allOf"] = [{"$ref": "#/components/schemas/Link"},
                               {"type": "object", "properties": own, "required": required}]


def load_examples(path: Path = EXAMPLES_FILE) -> dict:
    examples = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {"operations": examples.get("operations", {}),
            "components": {"responses": examples.get("components", {}).get("responses", {})}}


def set_examples(body: dict, by_media_type: dict) -> None:
    """`example` on each media type of BODY (a requestBody or a response) that has a recorded one.

    Each media type gets a copy: the decorators may share one dict between several (CSV and NDJSON)."""
    content = body.get("content", {})
    for media_type in content:
        if media_type in by_media_type:
            content[media_type] = {**content[media_type], "example": by_media_type[media_type]}


def operation_id(method: str, endpoint: str) -> str:
    """`actors.ActorBySlug` + get -> `getActorBySlug`."""
    view = endpoint.rsplit(".", 1)[-1]
    return method.lower() + view[:1].upper() + view[1:]


# What each documented error status means here; every one is an RFC 9457 problem.
ERROR_SENTENCES = {
    "401": "Needs a bearer token: a 401 problem without a valid one.",
    "403": "A 403 problem when the token's scope does not allow this.",
    "404": "A 404 problem when no record has this identifier.",
    "406": "A 406 problem listing the available media types when `Accept` takes none of them.",
    "409": "A 409 problem when the change conflicts with existing data (a duplicate, a reference).",
    "412": "A 412 problem when `If-Match` is not the record's current version.",
    "415": "A 415 problem when the body is not `application/json` (UTF-8), the only type accepted: not form "
           "data, not `application/merge-patch+json`.",
    "422": "A 422 problem names each invalid field of the body.",
    "428": "A 428 problem when `If-Match` is missing.",
}


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
    sentences.append("Unknown, repeated or malformed query parameters are a 400 problem naming each one.")
    statuses = {str(status) for status in operation.get("responses", {})}
    sentences.extend(sentence for status, sentence in ERROR_SENTENCES.items() if status in statuses)
    return re.sub(r"\n{3,}", "\n\n", "\n\n".join(sentences))


def field_types(self, field: fields.Field, **kwargs) -> dict:
    """Types as they are on the wire: `Decimal(as_string=True)` is a JSON string (apispec says number);
    integers are PostgreSQL `integer`s, so int32."""
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal"}
    if isinstance(field, fields.Integer):
        return {"format": "int32"}
    return {}


def record_id_param(converter: IntegerConverter) -> dict:
    schema = {"type": "integer", "format": "int32", "minimum": 0}
    if converter.max is not None:
        schema["maximum"] = converter.max
    return schema


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in a route is a record id, a PostgreSQL `integer`: a larger number is a 404 (no
    such record) rather than a database error, and the spec states the bound."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


class TypedMarshmallowPlugin(MarshmallowPlugin):
    """apispec's marshmallow plugin with `field_types`, in place before any schema is converted."""

    def init_spec(self, spec: APISpec) -> None:
        super().init_spec(spec)
        assert self.converter is not None  # set by super().init_spec
        self.converter.add_attribute_function(field_types)


def spec_plugins() -> dict:
    """The plugins of the spec, as flask-smorest's `spec_kwargs` (new instances for each app: some collect
    what the app's blueprints declare)."""
    flask_plugin = FlaskPlugin()
    flask_plugin.register_converter(RecordIdConverter, record_id_param)
    return {"flask_plugin": flask_plugin, "marshmallow_plugin": TypedMarshmallowPlugin(),
            "extra_plugins": [ProblemResponsesPlugin(), LimitsPlugin(), JsonBodiesPlugin(), QueryRulesPlugin(),
                              NotAcceptablePlugin(), ConventionsPlugin(), LinksPlugin(),
                              ExamplesPlugin()]}


def init_api(app: Flask, api) -> None:
    """Called once the app's spec exists (api.init_app), before any blueprint is registered."""
    app.url_map.converters["int"] = RecordIdConverter
    # The operations taking JSON, filled in as blueprints are registered; json_bodies checks requests against them.
    json_bodies = next(plugin for plugin in api.spec.plugins if isinstance(plugin, JsonBodiesPlugin))
    app.extensions[JSON_BODIES] = json_bodies.operations
    query_rules = next(plugin for plugin in api.spec.plugins if isinstance(plugin, QueryRulesPlugin))
    app.extensions[QUERY_RULES] = query_rules.allowed  # filled as blueprints register; checked per request
