"""Settings read from the environment once, validated at start."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'briefing.sqlite3'}"
DEFAULT_SEED_DIR = PROJECT_ROOT / "seeds"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is meant for an operator."""


def _env(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the file named by NAME_FILE (docker secrets), or the default."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={file_name!r} cannot be read: {exc.strerror}") from exc
    return os.environ.get(name, default)


def normalize_database_url(raw: str) -> str:
    """Check DATABASE_URL and pin PostgreSQL URLs to the psycopg 3 driver."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ConfigError(f"DATABASE_URL is not a valid database URL: {raw!r}") from exc
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise ConfigError(f"DATABASE_URL must name sqlite or postgresql, not {backend!r}")
    return url.render_as_string(hide_password=False)


def load_config() -> dict:
    """Return the settings the app factory applies, read from the environment."""
    database_url = _env("DATABASE_URL") or DEFAULT_DATABASE_URL
    max_limit = _env("PAGE_MAX_LIMIT", "500")
    if not (max_limit or "").isdigit() or int(max_limit or 0) < 1:
        raise ConfigError(f"PAGE_MAX_LIMIT must be a positive integer, not {max_limit!r}")
    return {
        "DATABASE_URL": database_url,
        "SEED_DIR": _env("SEED_DIR") or str(DEFAULT_SEED_DIR),
        "PAGE_MAX_LIMIT": int(max_limit or 500),
    }


def finalize(config: dict) -> dict:
    """Validate settings after overrides (tests pass their own) have been applied."""
    config["DATABASE_URL"] = normalize_database_url(str(config["DATABASE_URL"]))
    return config
