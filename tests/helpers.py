"""Small helpers the test modules share."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

PROBLEM = "application/problem+json"


def all_items(client, url: str) -> list[dict]:
    """Follow `next` links to the end and return every item."""
    items, seen_urls = [], set()
    while url:
        assert url not in seen_urls, f"pagination loops at {url}"
        seen_urls.add(url)
        response = client.get(url)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        items.extend(body["items"])
        url = body["next"]
    return items


def slugs(items: list[dict]) -> list[str]:
    return [item["slug"] for item in items]


def assert_problem(response, status: int, field: str | None = None) -> dict:
    """The response is an RFC 9457 problem with STATUS, naming FIELD when given."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["title"] and body["type"] == "about:blank"
    assert body["instance"] == response.request.path
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


@contextmanager
def serving(app):
    """APP on a real socket (127.0.0.1, a free port), served by a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


BRIEFING = "coalition-of-the-willing-paris-2025"
# Who says a claim: the outlet in its own voice, or an actor with the words that introduce it.
OUTLET = {"speaker": "le-monde", "speech": "outlet"}


def said_by(speaker: str, cue: str, speech: str = "reported", **extra) -> dict:
    """The claim keys of a write body for words SPEAKER says, introduced by CUE (verbatim in the seed)."""
    return {"speaker": speaker, "reported_by": "le-monde", "speech": speech, "cue": {"quote": cue}, **extra}


def outlet_says(cue: str, **extra) -> dict:
    """The claim keys of a position in the outlet's own voice (held by the outlet), marked by CUE."""
    return {**OUTLET, "holder": "le-monde", "cue": {"quote": cue}, **extra}


def slug(ref: dict | None) -> str | None:
    """The slug a reference names: a Link (`{slug, url}`, its url ending in the slug), or None for null."""
    if ref is None:
        return None
    assert isinstance(ref, dict) and ref["url"].endswith("/" + ref["slug"]), ref
    return ref["slug"]


@contextmanager
def recorded_statements(app):
    """The SQL statements APP's engine runs inside the block, as a list filled as they run."""
    from sqlalchemy import event

    from service.extensions import db

    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def first_write(statements: list[str]) -> int:
    """The index of the first INSERT, UPDATE or DELETE among STATEMENTS (as recorded_statements lists them)."""
    return next(i for i, s in enumerate(statements) if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")))


def count_statements(app, url: str, headers: dict | None = None) -> int:
    """The SQL statements a GET of URL runs (it must answer 200)."""
    with recorded_statements(app) as statements:
        response = app.test_client().get(url, headers=headers or {})
    assert response.status_code == 200, response.data[:300]
    return len(statements)
