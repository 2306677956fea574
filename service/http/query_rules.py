"""One rule for every query string: a parameter the operation's spec does not list, or one given twice, is a
400 problem naming it.

The allowed names are read from the spec the views state (QueryRulesPlugin collects each operation's query
parameters as blueprints are registered), so no view keeps its own list: an item endpoint that declares no
query parameter rejects `?bogus=1`, and `limit=2&limit=3` is refused instead of silently taking the first.
Each operation documents that 400 (the shared BAD_REQUEST response). Endpoints outside the spec (the docs
page, the spec itself) are not checked.
"""

from __future__ import annotations

from apispec import BasePlugin
from flask import Flask, request
from flask_smorest import abort

EXTENSION = "query_rules"


class QueryRulesPlugin(BasePlugin):
    """Collects {(endpoint, METHOD): allowed query names} and documents the 400 on every operation."""

    def __init__(self) -> None:
        self.allowed: dict[tuple[str, str], frozenset[str]] = {}

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        rule = kwargs.get("rule")
        for method, operation in (operations or {}).items():
            names = frozenset(p["name"] for p in operation.get("parameters", [])
                              if isinstance(p, dict) and p.get("in") == "query")
            operation.setdefault("responses", {}).setdefault("400", "BAD_REQUEST")
            if rule is not None:
                self.allowed[(rule.endpoint, method.upper())] = names


def init_app(app: Flask) -> None:
    """The allowed names are in app.extensions[EXTENSION] (service/http/openapi.py's init_api puts them there)."""

    @app.before_request
    def strict_query_string() -> None:
        method = "GET" if request.method == "HEAD" else request.method
        names = app.extensions[EXTENSION].get((request.endpoint, method))
        if names is None:
            return
        for name in request.args:
            if name not in names:
                listed = ", ".join(sorted(names)) or "none"
                abort(400, errors={"query": {name: [f"Unknown parameter; this operation takes: {listed}."]}})
            if len(request.args.getlist(name)) > 1:
                abort(400, errors={"query": {name: ["Given more than once; give it once."]}})
