"""Idempotent POST: a retry with the same Idempotency-Key and body replays the first outcome, concurrent
retries included; the key is claimed in the request's one transaction (the view commits it with the record)."""

from __future__ import annotations

import hashlib
import json
import re

from flask import Response, g, request
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.extensions import db
from service.models import IdempotencyKey

IDEMPOTENCY_KEY_PATTERN = re.compile(r"[!-~]{1,255}")  # visible ASCII: no spaces, controls or NUL
IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False,
                   "schema": {"type": "string", "minLength": 1, "maxLength": 255,
                              "pattern": f"^{IDEMPOTENCY_KEY_PATTERN.pattern}$"},
                   "description": "Retrying a POST with the same key (1-255 visible ASCII characters) and body "
                                  "replays the first outcome (`Idempotent-Replayed: true`); a retry sent while the "
                                  "first is still in progress waits for it, then replays it (a 409 with "
                                  "`Retry-After` only if that first request's key vanished meanwhile: retry). "
                                  "The same key with another body is a 422"}


def _request_hash() -> str:
    return hashlib.sha256(request.method.encode() + request.path.encode() + request.get_data()).hexdigest()


def _stored_key() -> IdempotencyKey | None:
    return db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.principal == g.principal, IdempotencyKey.key == request.headers["Idempotency-Key"]))


def claim_key() -> Response | None:
    """The stored outcome of this request's Idempotency-Key, replayed; else the key is claimed for this request.

    The claim is the key's row, flushed before anything else is written and filled with the outcome by
    remember in the same transaction. A concurrent request with the same key waits at its own flush until
    the first commits (PostgreSQL's unique index, SQLite's write lock), then finds the key taken and replays
    the outcome; if the first was refused and rolled back, the key is free and the second goes on."""
    replay = replayed()
    if replay is not None or "Idempotency-Key" not in request.headers:
        return replay
    claim = IdempotencyKey(principal=g.principal, key=request.headers["Idempotency-Key"],
                           request_hash=_request_hash(), status=0, body="", headers="{}")
    db.session.add(claim)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        replay = replayed()
        if replay is None:  # the committed row that refused this one was deleted meanwhile: let the client retry
            abort(409, message="A request with this Idempotency-Key is in progress; retry it.",
                  headers={"Retry-After": "1"})
        return replay
    g.idempotency_claim = claim
    return None


def replayed() -> Response | None:
    """The stored outcome of this request's Idempotency-Key (a 422 when the key went with another body)."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if IDEMPOTENCY_KEY_PATTERN.fullmatch(key) is None:
        abort(400, errors={"header": {"Idempotency-Key": ["Must be 1 to 255 visible ASCII characters."]}})
    stored = _stored_key()
    if stored is None:
        return None
    if stored.request_hash != _request_hash():
        abort(422, errors={"header": {"Idempotency-Key": [
            "This key was already used for a different request; use a new key."]}})
    response = Response(stored.body, status=stored.status, mimetype="application/json")
    response.headers.update(json.loads(stored.headers))
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(response: Response) -> None:
    """Fill the key claimed by claim_key with RESPONSE, to replay it."""
    claim = g.get("idempotency_claim")
    if claim is not None:
        claim.status, claim.body = response.status_code, response.get_data(as_text=True)
        claim.headers = json.dumps({k: v for k, v in response.headers.items() if k in ("Location", "ETag")})
