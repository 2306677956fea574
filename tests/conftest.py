"""Fixtures: every API test runs twice, on SQLite and on the PostgreSQL at 127.0.0.1:5432.

Each test session gets fresh databases built by the migrations (never create_all): a seeded one
shared by read-only tests, and empty ones for tests that write.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service import create_app, migrate
from service.config import PROJECT_ROOT
from tests.helpers import BRIEFING, OUTLET, said_by

BACKENDS = ("sqlite", "postgresql")
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SEED_DIR = PROJECT_ROOT / "seeds"
SEED_FOLDER = SEED_DIR / "coalition-of-the-willing-paris-2025"
SOURCE_FILE = SEED_FOLDER / "000_1f0f2164c84a68db.txt"


class DatabaseFactory:
    """Creates migrated, empty databases and drops them when the test session ends.

    The migrations run once per backend and session, into a template; each migrated database a test asks for is a
    copy of it (PostgreSQL's CREATE DATABASE ... TEMPLATE, a file copy on SQLite), the same bytes the migrations
    write, at a fraction of their cost. `migrated=False` gives a bare database for the tests of the migrations."""

    def __init__(self, tmp: Path):
        self.tmp, self.created = tmp, []
        self.admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self.templates: dict[str, str] = {}

    def new(self, backend: str, *, migrated: bool = True) -> str:
        name = f"briefing_test_{uuid.uuid4().hex[:12]}"
        template = self.template(backend) if migrated else None
        if backend == "sqlite":
            path = self.tmp / (name + ".sqlite3")
            if template is not None:
                shutil.copyfile(template, path)
            return f"sqlite:///{path}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        self.created.append(name)
        return self._postgres_url(name)

    def template(self, backend: str) -> str:
        """The migrated template of BACKEND (a file path on SQLite, a database name on PostgreSQL), made once."""
        if backend in self.templates:
            return self.templates[backend]
        name = f"briefing_template_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            path = self.tmp / (name + ".sqlite3")
            migrate.upgrade(f"sqlite:///{path}")
            with sqlite3.connect(path) as conn:  # the copy is one file: nothing left in the write-ahead log
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            self.templates[backend] = str(path)
            return str(path)
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        migrate.upgrade(self._postgres_url(name))
        with self.admin.connect() as conn:  # a template must have no session open while it is copied
            conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                         {"name": name})
        self.templates[backend] = name
        return name

    @staticmethod
    def _postgres_url(name: str) -> str:
        return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    factory = DatabaseFactory(tmp_path_factory.mktemp("db"))
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def seeded_app(backend, databases):
    """An app over a database loaded from the real seed; tests using it must not write."""
    app = make_app(databases.new(backend))
    with app.app_context():  # Flask's CLI would run in any app context left pushed: make it this app's
        result = app.test_cli_runner().invoke(args=["seed", "load"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture()
def app(seeded_app):
    return seeded_app


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def empty_app(backend, databases):
    """An app over a fresh, migrated, empty database of its own."""
    return make_app(databases.new(backend))


@pytest.fixture()
def runner(empty_app):
    return empty_app.test_cli_runner()


@pytest.fixture()
def seed_copy(tmp_path) -> Path:
    """A writable copy of the real seed folder, for tests that break it on purpose."""
    target = tmp_path / SEED_FOLDER.name
    shutil.copytree(SEED_FOLDER, target)
    return target


class BufferedClient(FlaskClient):
    """Reads each response whole and closes it, as a server does, unless a test asks `buffered=False`: a
    streamed export left unread kept its request context until the garbage collector closed it, in
    whichever later test was running ("Working outside of request context")."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


Flask.test_client_class = BufferedClient  # every app the tests build, those of test modules' own factories too


def make_app(database_url: str):
    # Rate limits are off here (the suite is one fast client); tests/test_limits.py turns them on.
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SEED_DIR": str(SEED_DIR),
                       "RATELIMIT_ENABLED": False})


@pytest.fixture(scope="session")
def writable_app(backend, databases):
    """A seeded app shared by write tests; each test writes records with slugs of its own."""
    app = make_app(databases.new(backend))
    with app.app_context():  # Flask's CLI would run in any app context left pushed: make it this app's
        result = app.test_cli_runner().invoke(args=["seed", "load"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture(scope="session")
def tokens(writable_app) -> dict[str, str]:
    """One bearer token per scope, created with the CLI as an operator would."""
    made = {}
    for scope in ("read", "write", "admin"):
        with writable_app.app_context():
            result = writable_app.test_cli_runner().invoke(
                args=["tokens", "create", f"test-{scope}", "--scope", scope])
        assert result.exit_code == 0, result.output
        made[scope] = result.output.strip().splitlines()[-1]
    return made


@pytest.fixture()
def writer(writable_app, tokens):
    """A client that sends the write token."""
    client = writable_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['write']}"
    return client


# Builders: a valid write body of each resource, with a fresh slug; keyword arguments override any field.
# They read like the API's manual: `make_position(writer, stance="urges")` is "POST a position that urges".
# Quotes are the seed's own words, so the citations verify; claim keys say who says it (tests/helpers.py).
def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def actor_body(**overrides) -> dict:
    return {"briefing": BRIEFING, "slug": unique("actor"), "name": "Keir Starmer", "kind": "person",
            "citations": [{"quote": "led by the British"}], **overrides}


def proposal_body(**overrides) -> dict:
    return {"briefing": BRIEFING, "slug": unique("prop"), "name": "P", "kind": "other", "description": "D",
            "status": "floated", **OUTLET, "citations": [{"quote": "the slightest security backstop"}], **overrides}


def position_body(holder: str = "emmanuel-macron", **overrides) -> dict:
    """Macron "deemed" it "far too early" to lift the sanctions: a position the reading rules accept."""
    return {"briefing": BRIEFING, "slug": unique("pos"), "holder": holder, "topic": "sanctions",
            "stance": "opposes", "summary": 'It is "far too early" to consider lifting the sanctions.',
            **said_by(holder, "Macron deemed", "partial"), "quoted_words": [{"quote": "far too early"}],
            "citations": [{"quote": 'it was "far too early" to consider lifting the sanctions imposed on Moscow'}],
            **overrides}


def aid_package_body(**overrides) -> dict:
    return {"briefing": BRIEFING, "slug": unique("pkg"), "donor": "france", "recipient": "ukraine", **OUTLET,
            "citations": [{"quote": "worth €2 billion"}], **overrides}


def aid_item_body(package: str, **overrides) -> dict:
    return {"package": package, "slug": unique("item"), "category": "drone", "description": "Drones",
            "status": "announced", **said_by("emmanuel-macron", "detailed Macron"),
            "citations": [{"quote": "and drones"}], **overrides}


def event_body(**overrides) -> dict:
    return {"briefing": BRIEFING, "slug": unique("ev"), "date": "2025-02-28", "name": "Call", "status": "happened",
            "date_precision": "day", "date_provenance": "inferred", "date_reasoning": "February 28 before March.",
            **OUTLET, "citations": [{"quote": "on February 28"}], **overrides}


def relation_body(**overrides) -> dict:
    return {"briefing": BRIEFING, "slug": unique("rel"), "subject": "emmanuel-macron", "predicate": "represents",
            "object": "france", **OUTLET, "citations": [{"quote": "According to the French president"}], **overrides}


def document_body(**overrides) -> dict:
    return {"slug": unique("doc"), "name": "A note", "publisher": "Desk", "language": "en",
            "text": "On Friday, the ministers met in London. They agreed on nothing.", **overrides}


def briefing_body(**overrides) -> dict:
    return {"slug": unique("briefing"), "name": "Second briefing", "summary": "A test briefing.",
            "documents": ["lemonde-2025-03-26-coalition-of-the-willing"], **overrides}


def created(writer, collection: str, body: dict) -> dict:
    """POST BODY to COLLECTION, assert a 201, and return the record as served."""
    response = writer.post(f"/api/v1/{collection}", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def make_actor(writer, **overrides) -> dict:
    return created(writer, "actors", actor_body(**overrides))


def make_proposal(writer, **overrides) -> dict:
    return created(writer, "proposals", proposal_body(**overrides))


def make_position(writer, **overrides) -> dict:
    return created(writer, "positions", position_body(**overrides))


def make_aid_package(writer, **overrides) -> dict:
    return created(writer, "aid-packages", aid_package_body(**overrides))


def make_aid_item(writer, package: str | None = None, **overrides) -> dict:
    return created(writer, "aid-items", aid_item_body(package or make_aid_package(writer)["slug"], **overrides))


def make_event(writer, **overrides) -> dict:
    return created(writer, "events", event_body(**overrides))


def make_relation(writer, **overrides) -> dict:
    return created(writer, "relations", relation_body(**overrides))


def make_document(writer, **overrides) -> dict:
    return created(writer, "documents", document_body(**overrides))


def make_briefing(writer, **overrides) -> dict:
    return created(writer, "briefings", briefing_body(**overrides))
