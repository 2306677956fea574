"""Fixtures: every API test runs twice, on SQLite and on the PostgreSQL at 127.0.0.1:5432.

Each test session gets fresh databases built by the migrations (never create_all): a seeded one
shared by read-only tests, and empty ones for tests that write.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service import create_app, migrate
from service.config import PROJECT_ROOT

BACKENDS = ("sqlite", "postgresql")
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SEED_DIR = PROJECT_ROOT / "seeds"
SEED_FOLDER = SEED_DIR / "coalition-of-the-willing-paris-2025"
SOURCE_FILE = SEED_FOLDER / "000_1f0f2164c84a68db.txt"


class DatabaseFactory:
    """Creates migrated, empty databases and drops them when the test session ends."""

    def __init__(self, tmp: Path):
        self.tmp, self.created = tmp, []
        self.admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")

    def new(self, backend: str, *, migrated: bool = True) -> str:
        name = f"briefing_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            url = f"sqlite:///{self.tmp / (name + '.sqlite3')}"
        else:
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            self.created.append(name)
            url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        if migrated:
            migrate.upgrade(url)
        return url

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
