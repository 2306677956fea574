"""The flask-smorest Api of the service: problem+json errors, and the JSON-body check on every blueprint."""

from __future__ import annotations

from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

from service.http.errors import ProblemSchema, describe, flatten_messages, problem
from service.http.json_bodies import require_json_body


class ProblemApi(Api):
    """flask-smorest Api that speaks problem+json and keeps the headers werkzeug sets (Allow)."""

    ERROR_SCHEMA = ProblemSchema

    def register_blueprint(self, blp, **options):
        # The JSON-body check runs after the app's own before_request hooks (the body cap and the rate limiter
        # count the request first) and before the view. A blueprint outlives the apps it is registered in
        # (the tests build many), and takes hooks only before its first registration: add it once.
        if require_json_body not in blp.before_request_funcs.get(None, []):
            blp.before_request(require_json_body)
        super().register_blueprint(blp, **options)

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        data = getattr(error, "data", None) or {}
        headers.update(data.get("headers") or {})
        messages = data.get("messages") or data.get("errors")
        if messages:
            errors = flatten_messages(messages)
            return problem(status, data.get("message") or describe(errors), errors, headers)
        detail = data.get("message") or error.description
        if isinstance(error, InternalServerError):
            detail = "The server could not complete the request; it has been logged."
        return problem(status, detail, headers=headers)
