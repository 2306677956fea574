"""What a request may carry before any schema reads it: no NUL character in its path, query or JSON body, and a
JSON body whose integers Python can convert and whose nesting stays shallow.

PostgreSQL cannot store or compare text with a NUL (psycopg refuses it: a 500), while SQLite stores it, so the
two databases would disagree; refusing NUL here covers every parameter and field, present and future, in one
place (a validator per field would be one more thing each new field must remember). webargs parses JSON with
the standard library, which raises ValueError for an integer of more than 4,300 digits and RecursionError for
deep nesting, neither of which webargs turns into a 400: Parser.load_json (its public loader) is replaced here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from typing import Any

import flask_smorest
from flask import Flask, request
from flask_smorest import abort
from marshmallow.utils import missing
from webargs import core
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict

NUL = "\x00"
NUL_MESSAGE = "Must not contain a NUL character (\\u0000)."
MAX_DEPTH = 20  # a position's condition's citation is 4 deep: far below any stack limit


class Unconvertible:
    """A JSON integer too long for int() (sys.get_int_max_str_digits): no field accepts it, so the schema
    names the field ("Not a valid integer.") instead of the parser failing on the whole body."""

    def __init__(self, digits: int):
        self.digits = digits

    def __str__(self) -> str:
        return f"<an integer of {self.digits} digits>"

    __repr__ = __str__


def _integer(text: str) -> int | Unconvertible:
    try:
        return int(text)
    except ValueError:
        return Unconvertible(len(text))


def _bad_body(status: int, field: str, message: str) -> None:
    abort(status, errors={"json": {field: [message]}})


def _check_body(body: Any) -> None:
    """A 400 when BODY nests deeper than MAX_DEPTH, a 422 naming the first field holding a NUL (key or value)."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(body, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > MAX_DEPTH:
            _bad_body(400, ".".join(path[:MAX_DEPTH]), f"The body nests deeper than {MAX_DEPTH} levels.")
        if isinstance(node, str) and NUL in node:
            _bad_body(422, ".".join(path) or "body", NUL_MESSAGE)
        elif isinstance(node, dict):
            for key, value in node.items():
                if NUL in key:
                    _bad_body(422, ".".join((*path, key.replace(NUL, "\\u0000"))), NUL_MESSAGE)
                stack.append((value, (*path, key)))
        elif isinstance(node, list):
            stack.extend((value, (*path, str(i))) for i, value in enumerate(node))


class QueryPairs(MutableMapping):
    """The query string's parameters as webargs reads them (get, getlist, iteration), read-only. werkzeug's
    MultiDict answers `get` of an absent key by raising and catching a BadRequestKeyError, an HTTPException built
    for nothing: a list's schema asks for each of its twenty-odd parameters, most of them absent."""

    def __init__(self, args: MultiDict):
        self.values_of = dict(args.lists())

    def __getitem__(self, key: str) -> str:
        return self.values_of[key][0]

    def get(self, key: str, default: Any = None) -> Any:
        values = self.values_of.get(key)
        return default if values is None else values[0]

    def getlist(self, key: str) -> list[str]:
        return list(self.values_of.get(key, ()))

    def __iter__(self) -> Iterator[str]:
        return iter(self.values_of)

    def __setitem__(self, key: str, value: Any) -> None:
        raise TypeError("the query string is read-only")  # as werkzeug's ImmutableMultiDict

    def __delitem__(self, key: str) -> None:
        raise TypeError("the query string is read-only")

    def __len__(self) -> int:
        return len(self.values_of)


class Parser(FlaskParser):
    def load_querystring(self, req, schema) -> MultiDictProxy:
        """The query string as FlaskParser loads it (a MultiDictProxy for SCHEMA), read through QueryPairs."""
        return MultiDictProxy(QueryPairs(req.args), schema, tuple(self.KNOWN_MULTI_FIELDS))

    def load_json(self, req, schema) -> Any:
        """The JSON body as FlaskParser loads it, with the bounds above (400 for a body that is not JSON)."""
        if not core.is_json(req.mimetype):
            return missing
        data = req.get_data(cache=True)
        if not data:
            return missing
        try:
            body = json.loads(data.decode("utf-8"), parse_int=_integer)
        except (ValueError, UnicodeDecodeError):
            _bad_body(400, "body", "Invalid JSON body.")
        except RecursionError:
            _bad_body(400, "body", f"The body nests deeper than {MAX_DEPTH} levels.")
        _check_body(body)
        if not isinstance(body, dict):  # every body this API takes is one object
            _bad_body(422, "body", "The body must be a JSON object.")
        return body


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the parser above (its documented ARGUMENTS_PARSER attribute)."""

    ARGUMENTS_PARSER = Parser()


def refuse_nul_in_url() -> None:
    """before_request: a 400 naming the path or query parameter that holds a NUL (`%00`)."""
    for location, pairs in (("path", (request.view_args or {}).items()), ("query", request.args.items(multi=True))):
        for name, value in pairs:
            if NUL in name or NUL in str(value):
                abort(400, errors={location: {name.replace(NUL, "\\u0000"): [NUL_MESSAGE]}})


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_in_url)
