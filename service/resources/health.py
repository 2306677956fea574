"""/healthz and /readyz: liveness of the process and readiness of the database."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from service.extensions import db
from service.http.request_input import Blueprint

blp = Blueprint("health", __name__, url_prefix="", description="Liveness and readiness probes.")


class HealthSchema(ma.Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        """Report that the process is alive

        Answers 200 without touching the database: a liveness probe for the process manager.
        """
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self):
        """Report whether the database is reachable

        Answers 200 when a `SELECT 1` succeeds, else a 503 problem with `Retry-After`: a readiness
        probe for the load balancer.
        """
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            db.session.rollback()
            abort(503, message="The database is unreachable.", headers={"Retry-After": "5"})
        return {"status": "ok"}
