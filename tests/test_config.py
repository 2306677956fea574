"""Configuration comes from the environment and is validated at start with a clear message."""

import pytest

from service import create_app
from service.config import ConfigError, load_config, normalize_database_url


def test_postgres_urls_are_pinned_to_psycopg3():
    assert normalize_database_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    assert normalize_database_url("postgres://u@h/db").startswith("postgresql+psycopg://")


def test_malformed_database_url_is_a_clear_error():
    with pytest.raises(ConfigError, match="DATABASE_URL is not a valid database URL"):
        create_app({"DATABASE_URL": "not a url"})


def test_unsupported_database_is_a_clear_error():
    with pytest.raises(ConfigError, match="sqlite or postgresql"):
        normalize_database_url("mysql://u@h/db")


def test_database_url_can_come_from_a_secrets_file(tmp_path, monkeypatch):
    secret = tmp_path / "url"
    secret.write_text("postgresql://u:p@db/briefing\n")
    monkeypatch.setenv("DATABASE_URL_FILE", str(secret))
    assert load_config()["DATABASE_URL"] == "postgresql://u:p@db/briefing"


def test_default_database_is_a_sqlite_file(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL_FILE", raising=False)
    assert load_config()["DATABASE_URL"].startswith("sqlite:///")


@pytest.mark.parametrize(("name", "value"), [
    ("DATABASE_CONNECT_TIMEOUT", "1"), ("DATABASE_CONNECT_TIMEOUT", "soon"), ("DATABASE_STATEMENT_TIMEOUT", "-1"),
    ("DATABASE_STATEMENT_TIMEOUT", "inf"), ("REDIS_TIMEOUT", "0"), ("REDIS_TIMEOUT", "nan"),
    ("LOG_REPEAT_SECONDS", "x"),
])
def test_load_config_with_malformed_timeout_is_a_one_line_error(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_config()


def test_load_config_reads_timeouts_with_their_defaults(monkeypatch):
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT", "2.5")
    config = load_config()
    assert (config["DATABASE_CONNECT_TIMEOUT"], config["DATABASE_STATEMENT_TIMEOUT"], config["REDIS_TIMEOUT"],
            config["LOG_REPEAT_SECONDS"]) == (5, 2.5, 0.5, 60)
