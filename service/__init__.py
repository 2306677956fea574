"""The briefing API: create_app() reads like a contents page."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from service import cli
from service.config import finalize, load_config
from service.extensions import api, db
from service.http import (
    auth,
    compression,
    cors,
    docs,
    errors,
    http_caching,
    limits,
    logging,
    negotiation,
    openapi,
    query_rules,
    request_bounds,
    request_input,
    response_cache,
    security_headers,
)
from service.http.json_provider import OrjsonProvider
from service.resources import RESOURCES


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.config.update(API_SETTINGS)
    app.config.update(load_config())
    app.config.update(config or {})
    finalize(app.config)

    logging.init_app(app)
    db.init_app(app)
    api.init_app(app, spec_kwargs=openapi.spec_plugins())
    openapi.init_api(app, api)
    errors.init_app(app)
    limits.init_app(app)  # before auth and the response cache: a cached or refused request still counts
    security_headers.init_merge_vary(app)  # runs after flask-cors's hook: one Vary line
    cors.init_app(app)  # before the response cache, so CORS headers are never stored in it
    auth.init_app(app)
    # A hit is answered here: the checks below are functions of the path, query and Accept, which its key holds,
    # and the response stored under that key was a 200 that passed them.
    response_cache.init_app(app)
    request_input.init_app(app)  # before any view: no NUL reaches a database lookup
    query_rules.init_app(app)  # unknown or repeated query parameters: a 400, on every operation of the spec
    for resource in RESOURCES:
        api.register_blueprint(resource.blp)
    docs.init_app(app)
    negotiation.init_app(app)  # what each endpoint negotiates on Accept, from the complete spec
    app.before_request(response_cache.held_outage)  # a database the cache could not read: 503, after the 400s/406
    compression.init_app(app)  # called by http_caching's hook, not a hook of its own
    http_caching.init_app(app)
    security_headers.init_app(app)  # after http_caching: its headers are set before a response is stored
    request_bounds.init_app(app)  # WSGI: body deadline, header limits
    compression.init_wsgi(app)  # WSGI: Accept-Encoding reduced to the coding chosen, for flask-compress
    behind_proxies(app, app.config.get("TRUSTED_PROXIES", 0))  # outermost: every layer sees the client
    cli.init_app(app)
    return app


def behind_proxies(app: Flask, count: int) -> None:
    """Take the client's address, scheme and host from the X-Forwarded-* headers set by COUNT proxies."""
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]


API_SETTINGS = {
    "API_TITLE": "Briefing API",
    "API_VERSION": "1.0.0",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "A relational, cited model of source documents about a diplomatic crisis: actors, "
                "their positions, aid packages and items, proposals and events. Every record carries "
                "citations: the document, the character span and the verbatim quote. Errors are "
                "RFC 9457 `application/problem+json`. Lists are cursor-paginated: follow `next` "
                "(also sent as an RFC 8288 `Link` header)."
            ),
            "license": {"name": "Proprietary"},
        },
    },
}
