"""Hostile requests generated from the committed spec: for every operation, each path and query parameter and
each field of its JSON body (nested objects and list items included) gets the inputs a database or a parser
chokes on, each with the parameter or field the answer must name (tests/test_hostile_inputs.py sends them).

A body starts from the operation's recorded example, completed with every optional property, so every field of
the schema is reached; the one mutated field must be named among the errors, whatever else is wrong.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import quote, unquote

import yaml

from service.config import PROJECT_ROOT
from service.http.request_bounds import MAX_TARGET

SPEC = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
METHODS = ("get", "post", "patch", "delete")
HUGE = "9" * 5000  # past int()'s 4,300 digits
HUGE_TOKEN = "__hostile_huge_integer__"
DEEP = 1000
# Cursors a client could craft (base64 of JSON): wrong types, huge integers, nested values, non-dates, NULs.
CRAFTED_CURSORS = [
    {"s": "", "v": [], "id": 10**30}, {"s": "", "v": [], "id": True}, {"s": "", "v": [], "id": "1"},
    {"s": "", "v": [], "id": -(2**63) - 1}, {"s": "", "v": [{"a": [1]}], "id": 1}, {"s": [], "v": [], "id": 1},
    {"s": "", "v": {"a": 1}, "id": 1}, {"s": "", "v": [], "id": 1.5}, ["s", "v", "id"], "just a string",
    {"s": "", "v": ["\u0000"], "id": 1}, {"s": "", "v": [], "id": int(HUGE[:300])},
]
# Past the recursion limit, yet short enough for a request target (service/http/request_bounds.py MAX_TARGET).
RAW_CURSORS = ["%%%", "e30", base64.urlsafe_b64encode(b"[" * 1100 + b"]" * 1100).decode(), "A" * 5000]


@dataclass
class Case:
    """One hostile request and what its answer must say."""

    operation: str                  # "POST /api/v1/actors"
    method: str
    url: str
    body: str | None = None
    headers: dict = field(default_factory=dict)
    status: tuple[int, ...] = (400, 422)  # the statuses that are right (any 4xx when empty)
    location: str | None = None     # where the named field was sent: path, query, json, header
    field: str | None = None        # the parameter or field the problem must name (None: any or none)


def operations() -> Iterator[tuple[str, str, dict]]:
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            if method in item:  # path parameters are declared on the path, beside its operations
                op = item[method]
                yield path, method, {**op, "parameters": [*item.get("parameters", []), *op.get("parameters", [])]}


def resolve(schema: dict) -> dict:
    while True:
        if "$ref" in schema:
            schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        elif "allOf" in schema or "anyOf" in schema:
            schema = (schema.get("allOf") or schema["anyOf"])[0]
        else:
            return schema


def complete(schema: dict, example=None):
    """EXAMPLE with every property SCHEMA defines filled in (a value of the property's type)."""
    schema = resolve(schema)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        given = example if isinstance(example, dict) else {}
        return {name: complete(sub, given.get(name)) for name, sub in schema.get("properties", {}).items()
                if not sub.get("readOnly")}
    if kind == "array":
        first = example[0] if isinstance(example, list) and example else None
        return [complete(schema.get("items", {}), first)]
    if example is not None:
        return example
    if "enum" in schema:
        return schema["enum"][0]
    return {"integer": 1, "number": 1, "boolean": True}.get(kind, "2025-03-26" if schema.get("format") == "date"
                                                              else "x")


def leaves(schema: dict, value, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict]]:
    """(path, schema) of every field of VALUE (a completed body), arrays and objects included."""
    schema = resolve(schema)
    yield path, schema
    if isinstance(value, dict):
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                yield from leaves(sub, value[name], (*path, name))
    elif isinstance(value, list) and value:
        yield from leaves(schema.get("items", {}), value[0], (*path, "0"))


def replaced(value, path: tuple[str, ...], new):
    """A copy of VALUE with the node at PATH replaced by NEW."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        return [replaced(item, rest, new) if str(i) == head else item for i, item in enumerate(value)]
    return {key: replaced(item, rest, new) if key == head else item for key, item in value.items()}


def encode(body) -> str:
    return json.dumps(body).replace(json.dumps(HUGE_TOKEN), HUGE)


def anchored(schema: dict) -> bool:
    """A pattern the whole value must match (^...$), which a trailing newline breaks."""
    return schema.get("pattern", "").endswith("$")


def existing(path: str, name: str) -> str:
    """A value of path parameter NAME that names a record of the seed: the recorded example of the GET of the
    item it names (`/api/v1/actors/{slug}` for `/api/v1/actors/{slug}/positions`)."""
    item = path[:path.index("{" + name + "}") + len(name) + 2]
    example = SPEC["paths"][item]["get"]["responses"]["200"]["content"]["application/json"]["example"]
    return str(example["slug" if name == "slug" else "id"])


def body_variants(schema: dict) -> Iterator[tuple[str, object, str]]:
    """(what, value, expected status class) of the hostile values a field of SCHEMA gets."""
    kind = schema.get("type")
    if kind == "string":
        yield "NUL", "a\u0000b", "422"
        if "maxLength" in schema:
            yield "over-long", "a" * (schema["maxLength"] + 1), "422"
        if anchored(schema) or "enum" in schema:
            yield "trailing newline", (schema.get("enum") or ["x"])[0] + "\n", "422"
    elif kind in ("integer", "number"):
        yield "5,000 digits", HUGE_TOKEN, "422"
        if "maximum" in schema:
            yield "past maximum", schema["maximum"] + 1, "422"
    elif kind == "array" and "maxItems" in schema:
        yield "past maxItems", None, "422"  # filled in by the caller: copies of the item


def body_cases(operation: str, method: str, url: str, op: dict, headers: dict) -> Iterator[Case]:
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return
    full = complete(content["schema"], content.get("example"))
    for path, schema in leaves(content["schema"], full):
        dotted = ".".join(path)
        for _what, value, _ in body_variants(schema):
            if value is None:  # past maxItems
                item = _at(full, path)[0]
                value = [item] * (schema["maxItems"] + 1)
            yield Case(operation, method, url, encode(replaced(full, path, value)), headers, (422,), "json", dotted)
        if path and schema.get("type") == "string":
            deep = "[" * DEEP + "]" * DEEP
            text = encode(replaced(full, path, "__deep__")).replace('"__deep__"', deep)
            yield Case(operation, method, url, text, headers, (400,), "json")
    nul_key = {**full, "x\u0000": 1}
    yield Case(operation, method, url, encode(nul_key), headers, (422,), "json", "x\\u0000")


def _at(value, path):
    for part in path:
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def parameter_cases(operation: str, method: str, path: str, op: dict, headers: dict) -> Iterator[Case]:
    parameters = op.get("parameters", [])
    base = {p["name"]: existing(path, p["name"]) for p in parameters if p["in"] == "path"}
    required = {p["name"]: "macron" for p in parameters if p["in"] == "query" and p.get("required")}

    def url(path_values: dict, query: dict) -> str:
        query_string = "&".join(f"{quote(k)}={quote(str(v), safe='')}" for k, v in {**required, **query}.items())
        return path.format(**{k: quote(str(v), safe="") for k, v in path_values.items()}) + \
            (f"?{query_string}" if query_string else "")

    for p in parameters:
        name, schema = p["name"], p.get("schema", {})
        if p["in"] == "path" and schema.get("type") == "integer":  # not an integer: no route matches
            yield Case(operation, method, url({**base, name: "1\u0000"}, {}), None, headers, (404,), None, None)
        elif p["in"] == "path":
            yield Case(operation, method, url({**base, name: "a\u0000b"}, {}), None, headers, (400,), "path", name)
        if p["in"] == "path":
            for junk in (HUGE, "a" * 5000, "-1", "x\n"):  # a value no record has: a 404 is right too
                yield Case(operation, method, url({**base, name: junk}, {}), None, headers, (), None, None)
        elif p["in"] == "query":
            yield Case(operation, method, url(base, {name: "a\u0000b"}), None, headers, (400,), "query", name)
            number = schema.get("type") in ("integer", "number")
            junk = [(HUGE, number), ("9" * 40, number), ("a" * 5000, "maxLength" in schema),
                    (str((schema.get("enum") or ["x"])[0]) + "\n", "enum" in schema or anchored(schema)),
                    ("2147483648", name == "since"), ("9" * 40, name == "since")]
            for value, refused in junk:
                expect = ((400,), "query", name) if refused else ((), None, None)
                yield Case(operation, method, url(base, {name: value}), None, headers, *expect)
            if name == "cursor":
                for crafted in CRAFTED_CURSORS:
                    token = base64.urlsafe_b64encode(json.dumps(crafted).encode()).decode().rstrip("=")
                    yield Case(operation, method, url(base, {name: token}), None, headers, (400,), "query", name)
                for token in RAW_CURSORS:
                    yield Case(operation, method, url(base, {name: token}), None, headers, (400,), "query", name)
    example = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("example")
    if method == "post" and example is not None:  # a valid body: the key is what is refused
        for key in ("k\u0000", "k" * 256, "k\u00e9", " "):
            yield Case(operation, method, url(base, {}), json.dumps(example), {**headers, "Idempotency-Key": key},
                       (400,), "header", "Idempotency-Key")
    yield from body_cases(operation, method, url(base, {}), op, headers)


def arrives(case: Case) -> Case:
    """CASE, or a 414 when its request target is longer than one may be (a 5,000-digit query value is): the
    request is refused before the app reads it (service/http/request_bounds.py), naming no parameter."""
    path, _, query = case.url.partition("?")
    if len(unquote(path)) + len(query) + 1 > MAX_TARGET:
        return replace(case, status=(414,), location=None, field=None)
    return case


def cases() -> dict[str, list[Case]]:
    """Every operation's hostile cases, by "METHOD /path"."""
    found = {}
    for path, method, op in operations():
        operation = f"{method.upper()} {path}"
        # A write that got through validation would meet this ETag and stop at a 412: never a write.
        headers = {"If-Match": '"hostile"'} if method in ("patch", "delete") else {}
        found[operation] = [arrives(case) for case in parameter_cases(operation, method, path, op, headers)]
    return found
