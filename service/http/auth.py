"""Bearer tokens: stored as SHA-256 hashes, scoped read < write < admin, managed by `flask tokens`."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

import click
from flask import Flask, g, request
from flask.cli import AppGroup
from sqlalchemy import select

from service.extensions import api, db
from service.http.errors import problem
from service.models import ApiToken

SCOPES = ("read", "write", "admin")
REALM = 'Bearer realm="briefing-api"'
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def grants(held: str, needed: str) -> bool:
    return SCOPES.index(held) >= SCOPES.index(needed)


class AuthError(Exception):
    def __init__(self, status: int, detail: str, error: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.error = status, detail, error


TOKEN_ROWS = "service.token_rows"  # in the request's environ: token hash -> its ApiToken row or None


def bearer_token() -> str | None:
    """The request's bearer token, None without one (or with another scheme)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def token_row(token: str) -> ApiToken | None:
    """The stored token TOKEN hashes to (revoked or not), looked up once per request: the rate limiter counts
    against it, then the view's scope check reads it."""
    digest = hash_token(token)
    found = request.environ.setdefault(TOKEN_ROWS, {})  # the request's own (an app context may hold several)
    if digest not in found:
        found[digest] = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    return found[digest]


def authenticate(needed: str) -> str:
    """Return the name of the token that grants NEEDED, or raise AuthError (401/403)."""
    header = request.headers.get("Authorization", "")
    token = bearer_token()
    if not header:
        raise AuthError(401, f"This operation needs a bearer token with the '{needed}' scope.")
    if token is None:
        raise AuthError(401, "The Authorization header must be 'Bearer <token>'.", "invalid_request")
    row = token_row(token)
    if row is None or row.revoked_at is not None:
        raise AuthError(401, "The bearer token is unknown or revoked.", "invalid_token")
    if not grants(row.scope, needed):
        raise AuthError(403, f"The token's scope '{row.scope}' does not allow this; it needs '{needed}'.",
                        "insufficient_scope")
    return row.name


def auth_problem(exc: AuthError):
    challenge = REALM + (f', error="{exc.error}"' if exc.error else "")
    return problem(exc.status, exc.detail, headers={"WWW-Authenticate": challenge})


def require(scope: str):
    """View decorator: the request must carry a token with SCOPE; its name becomes g.principal."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            try:
                g.principal = authenticate(scope)
            except AuthError as exc:
                return auth_problem(exc)
            return view(*args, **kwargs)

        return wrapper

    return decorator


tokens_cli = AppGroup("tokens", help="Create, list and revoke API bearer tokens.")


@tokens_cli.command("create")
@click.argument("name")
@click.option("--scope", type=click.Choice(SCOPES), default="write", show_default=True)
def create_token(name: str, scope: str) -> None:
    """Create a token; it is printed once, alone on the last line."""
    if db.session.scalar(select(ApiToken.id).where(ApiToken.name == name)):
        raise click.ClickException(f"a token named {name!r} exists; revoke it or choose another name")
    token = "brf_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(name=name, token_hash=hash_token(token), scope=scope))
    db.session.commit()
    click.echo(f"created token {name!r} with scope {scope}; store it now, it is not shown again:")
    click.echo(token)


@tokens_cli.command("revoke")
@click.argument("name")
def revoke_token(name: str) -> None:
    """Revoke a token by name."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == name))
    if row is None:
        raise click.ClickException(f"no token named {name!r}")
    if row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.UTC)
        db.session.commit()
    click.echo(f"revoked {name!r}")


@tokens_cli.command("list")
def list_tokens() -> None:
    """List tokens (names, scopes, dates; never secrets)."""
    for row in db.session.scalars(select(ApiToken).order_by(ApiToken.name)):
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
        click.echo(f"{row.name}\t{row.scope}\t{row.created_at:%Y-%m-%d}\t{state}")


def init_app(app: Flask) -> None:
    app.cli.add_command(tokens_cli)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "Created with `flask --app service tokens create NAME --scope write`"})

    @app.before_request
    def reads_may_need_a_token():
        if app.config.get("READ_REQUIRES_TOKEN") and request.method in ("GET", "HEAD") \
                and request.path.startswith("/api/"):
            try:
                g.principal = authenticate("read")
            except AuthError as exc:
                return auth_problem(exc)
        return None
