"""Request bodies are JSON: an operation that takes a JSON body answers any other body with a 415 problem.

Which operations take one is read from the spec as flask-smorest builds it (a `requestBody` of
`application/json`, from `@blp.arguments`), so the check and openapi.yaml cannot disagree, and bodiless
operations (DELETE) are never checked. Only `application/json` in UTF-8 is accepted: a PATCH body is a
partial record, not an `application/merge-patch+json` document, and form data is not read at all.
"""

from __future__ import annotations

from apispec import APISpec, BasePlugin
from flask import Response, current_app, request

from service.http.errors import PROBLEM_MEDIA_TYPE, ProblemSchema, problem

JSON = "application/json"
# A 415 says what would have been accepted: Accept-Patch (RFC 5789) for PATCH, Accept-Post (W3C LDP) for POST.
ACCEPT_HEADERS = {"POST": "Accept-Post", "PATCH": "Accept-Patch"}
EXTENSION = "json_bodies"  # app.extensions[EXTENSION]: the (endpoint, METHOD) of each operation taking JSON


def require_json_body() -> Response | None:
    """before_request of each API blueprint: the 415 problem when an operation taking JSON gets another body."""
    if (request.endpoint, request.method) not in current_app.extensions[EXTENSION]:
        return None
    if request.mimetype == JSON and request.mimetype_params.get("charset", "utf-8").lower() in ("utf-8", "utf8"):
        return None
    if not request.mimetype and not has_body():
        return None  # nothing sent at all: validation names each missing field (422)
    sent = f"`Content-Type: {request.content_type}`" if request.mimetype else "no Content-Type"
    header = ACCEPT_HEADERS.get(request.method)
    return problem(415, f"The body was sent with {sent}; this operation takes `application/json` (UTF-8) only.",
                   headers={header: JSON} if header else None)


def has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


class JsonBodiesPlugin(BasePlugin):
    """Documents the 415 on each operation whose request body is JSON, and collects those operations for
    `require_json_body` (service/http/openapi.py's init_api hands them to the app)."""

    def __init__(self) -> None:
        self.operations: set[tuple[str, str]] = set()

    def init_spec(self, spec: APISpec) -> None:
        spec.components.response("BODY_NOT_JSON", {
            "description": "Unsupported Media Type: the body is not `application/json` (UTF-8), the only type "
                           "accepted (not form data, not `application/merge-patch+json`)",
            "headers": {name: {"description": f"On {method}: the body type accepted, `{JSON}`",
                               "schema": {"type": "string", "enum": [JSON]}}
                        for method, name in ACCEPT_HEADERS.items()},
            "content": {PROBLEM_MEDIA_TYPE: {"schema": ProblemSchema}},
        }, lazy=True)

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        rule = kwargs.get("rule")
        for method, operation in (operations or {}).items():
            if JSON not in operation.get("requestBody", {}).get("content", {}):
                continue
            responses = operation.setdefault("responses", {})
            if "415" not in {str(code) for code in responses}:
                responses["415"] = "BODY_NOT_JSON"
            if rule is not None:
                self.operations.add((rule.endpoint, method.upper()))
