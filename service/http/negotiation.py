"""Which endpoints negotiate on Accept and between which media types, read once from the spec the views state;
a request's Accept reduced to what can change the answer of any of them; and one rule for every GET of the
spec: an Accept that none of the operation's 200 media types satisfies is a 406 problem listing them.

A missing Accept, `*/*` or `application/*` is served the operation's first media type (JSON); a problem is
always `application/problem+json` whatever the Accept, so `Accept: application/problem+json` alone (a client
that takes only errors) gets the 406 problem, while `application/json, application/problem+json` gets the 200.

The response cache keys on that reduction instead of the raw header, so that junk Accept values share an
entry instead of each filling the cache with a full render (service/http/response_cache.py); the security headers
send `Vary: Accept` on the negotiated endpoints' responses (service/http/security_headers.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from apispec import BasePlugin
from flask import Flask, current_app, request
from flask_smorest import abort
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from service.extensions import api

EXTENSION = "negotiation"


@dataclass(frozen=True)
class Negotiation:
    offers: dict[str, tuple[str, ...]]  # endpoint -> its 200's media types, for endpoints with more than one
    media_types: tuple[str, ...]  # every media type a 200 of the API may have (sorted)
    gets: dict[str, tuple[str, ...]]  # endpoint -> its 200's media types, for every GET of the spec


class NotAcceptablePlugin(BasePlugin):
    """Documents the 406 problem (the shared NOT_ACCEPTABLE response) on every GET operation."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for method, operation in (operations or {}).items():
            if method.lower() == "get":
                operation.setdefault("responses", {}).setdefault("406", "NOT_ACCEPTABLE")


def from_spec(app: Flask) -> Negotiation:
    """Read the 200 responses' media types of every GET in the spec, and map the paths to the URL rules."""
    with app.app_context():
        paths = api.spec.to_dict()["paths"]
    content = {path: tuple(operations["get"].get("responses", {}).get("200", {}).get("content", {}))
               for path, operations in paths.items() if "get" in operations}
    offers, gets = {}, {}
    for rule in app.url_map.iter_rules():
        types = content.get(re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule), ())
        if types and "GET" in (rule.methods or ()):
            gets[rule.endpoint] = types
        if len(types) > 1:
            offers[rule.endpoint] = types
    return Negotiation(offers, tuple(sorted({t for types in content.values() for t in types})), gets)


def refuse_unacceptable() -> None:
    """before_request: the 406 problem when Accept takes none of this GET's media types (before any view)."""
    if request.method not in ("GET", "HEAD"):
        return
    types = current_app.extensions[EXTENSION].gets.get(request.endpoint)
    if not types or not request.accept_mimetypes or request.accept_mimetypes.best_match(types):
        return
    abort(406, message=f"This resource is available as {', '.join(types)}; the Accept header "
                       f"({_cut(request.headers.get('Accept', ''))}) takes none of them.")


def _cut(header: str, limit: int = 200) -> str:
    return header if len(header) <= limit else header[:limit - 1] + "\u2026"


@functools.lru_cache(maxsize=1024)
def preference(header: str, media_types: tuple[str, ...]) -> str:
    """HEADER as the order in which it prefers MEDIA_TYPES ('>' before, '=' a tie), without those it refuses.

    A view's answer depends on Accept only through best_match() over some of MEDIA_TYPES, and best_match() only
    through this order (and whether the header parses to anything at all: '' when it does not, '!' when it
    accepts none of them). So two headers with the same preference get the same answer from every view, and
    there are a bounded number of preferences, whatever the number of distinct headers."""
    accept = parse_accept_header(header or None, MIMEAccept)
    if not accept:
        return ""
    accepted = [t for t in media_types if accept.best_match([t])]
    if not accepted:
        return "!"

    def compare(a: str, b: str) -> int:  # best_match breaks ties by the server's order: try both
        first, second = accept.best_match([a, b]), accept.best_match([b, a])
        return 0 if first != second else (-1 if first == a else 1)

    ranked = sorted(accepted, key=functools.cmp_to_key(compare))
    out = ranked[0]
    for before, after in zip(ranked, ranked[1:], strict=False):
        out += ("=" if compare(before, after) == 0 else ">") + after
    return out


def init_app(app: Flask) -> None:
    """After every blueprint is registered: the spec is complete."""
    app.extensions[EXTENSION] = from_spec(app)
    app.before_request(refuse_unacceptable)
