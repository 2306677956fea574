"""Security headers on every response, and `Vary: Accept` on every response of an endpoint negotiated on Accept.

A small after_request hook rather than flask-talisman: the policy's hashes are computed here, at start, from
the pages' own inline blocks; the headers must be set before the response cache stores a response, so its
replays carry them (and this hook leaves a replay alone); `Vary` must be merged with the values other layers
add (flask-cors adds its own line); and talisman's other work (HTTPS redirects, HSTS, cookie flags) is the TLS
proxy's here.

The policy allows the service's own assets and nothing else: no inline script or style except the exact blocks
the pages ship (by their SHA-256), no frame may embed a page, no form posts anywhere. The briefing and document
pages keep their CSS inline (templates/*.css, included in the page and hashed here) so a saved page stays
self-contained; /docs keeps flask-smorest's Swagger UI page, its one inline script hashed as rendered at start.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, request

from service.http import negotiation, response_cache

# The pages' inline style blocks: `<style>{% include NAME %}</style>` in briefing.html and document_view.html.
INLINE_STYLES = ("briefing.css", "document_view.css")
SWAGGER_UI_ENDPOINT = "api-docs.openapi_swagger_ui"
HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_scripts(html: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", html, flags=re.S)


def content_security_policy(app: Flask) -> str:
    styles = [sha256_source(app.jinja_env.get_template(name).render()) for name in INLINE_STYLES]
    scripts = []
    if SWAGGER_UI_ENDPOINT in app.view_functions:
        with app.test_request_context("/docs"):
            page = str(app.view_functions[SWAGGER_UI_ENDPOINT]())  # flask-smorest renders a template: a str
        scripts = [sha256_source(script) for script in inline_scripts(page)]
    directives = {
        "default-src": ["'none'"],
        "script-src": ["'self'", *scripts],
        "style-src": ["'self'", *styles],
        "img-src": ["'self'", "data:"],  # Swagger UI's icons are data: URIs in its CSS
        "font-src": ["'self'"],
        "connect-src": ["'self'"],  # Swagger UI reads /openapi.json and sends "Try it out" requests here
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def merge_vary(response: Response) -> Response:
    """One Vary line, each field once, whichever layers added to it (flask-cors adds a line of its own)."""
    lines = response.headers.getlist("Vary")
    if len(lines) > 1:
        merged = dict.fromkeys(v.strip() for line in lines for v in line.split(",") if v.strip())
        response.headers["Vary"] = ", ".join(merged)
    return response


def init_merge_vary(app: Flask) -> None:
    """Registered before cors.init_app, so it runs after flask-cors (Flask runs after_request hooks in reverse)."""
    app.after_request(merge_vary)


def init_app(app: Flask) -> None:
    """Registered after http_caching.init_app, so it runs before the response cache stores the response."""
    policy = content_security_policy(app)
    offers = app.extensions[negotiation.EXTENSION].offers

    @app.after_request
    def security_headers(response: Response) -> Response:
        if response_cache.is_hit(response):  # stored with them
            return response
        response.headers.setdefault("Content-Security-Policy", policy)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        merge_vary(response)  # response.vary reads the first line only
        if request.endpoint in offers:
            response.vary.add("Accept")
        return response
