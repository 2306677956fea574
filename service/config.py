"""Settings read from the environment once, validated at start."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from sqlalchemy.engine import URL, make_url
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


def _positive_int(name: str, default: str, minimum: int = 1) -> int:
    value = _env(name, default) or ""
    if not value.isdigit() or int(value) < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer of at least {minimum}"
        raise ConfigError(f"{name} must be {kind}, not {value!r}")
    return int(value)


def _seconds(name: str, default: str, minimum: float = 0.0) -> float:
    value = _env(name, default) or ""
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= minimum or seconds == float("inf"):
        raise ConfigError(f"{name} must be a number of seconds of at least {minimum:g}, not {value!r}")
    return seconds


def postgres_url_from_parts() -> str | None:
    """Build a URL from POSTGRES_HOST/PORT/DB/USER/PASSWORD(_FILE), the postgres image's names,
    so compose can hand the same password secret file to the database and to the service."""
    host = _env("POSTGRES_HOST")
    if not host:
        return None
    user = _env("POSTGRES_USER") or "postgres"
    url = URL.create(
        "postgresql+psycopg",
        username=user,
        password=_env("POSTGRES_PASSWORD") or None,
        host=host,
        port=_positive_int("POSTGRES_PORT", "5432"),
        database=_env("POSTGRES_DB") or user,
    )
    return url.render_as_string(hide_password=False)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def load_config() -> dict:
    """Return the settings the app factory applies, read from the environment."""
    database_url = _env("DATABASE_URL") or postgres_url_from_parts() or DEFAULT_DATABASE_URL
    log_level = (_env("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}")
    return {
        "DATABASE_URL": database_url,
        "SEED_DIR": _env("SEED_DIR") or str(DEFAULT_SEED_DIR),
        "PAGE_MAX_LIMIT": _positive_int("PAGE_MAX_LIMIT", "500"),
        # A database or Redis that stops answering costs a request a bounded wait, then a 503 (or, for Redis,
        # the fallback): service/extensions.py, service/http/db_deadlines.py, service/http/response_cache.py, limits.py.
        "DATABASE_CONNECT_TIMEOUT": _positive_int("DATABASE_CONNECT_TIMEOUT", "5", minimum=2),  # libpq's least
        "DATABASE_STATEMENT_TIMEOUT": _seconds("DATABASE_STATEMENT_TIMEOUT", "10"),
        "REDIS_TIMEOUT": _seconds("REDIS_TIMEOUT", "0.5", minimum=0.01),
        "LOG_LEVEL": log_level,
        # An outage's repeated warning (database or Redis down) is logged once per this many seconds and cause.
        "LOG_REPEAT_SECONDS": _positive_int("LOG_REPEAT_SECONDS", "60", minimum=0),
        "READ_REQUIRES_TOKEN": _flag("READ_REQUIRES_TOKEN", "0"),
        # Response cache (service/http/response_cache.py): on by default, in-process LRU plus Redis when set.
        "RESPONSE_CACHE": _flag("RESPONSE_CACHE", "1"),
        "RESPONSE_CACHE_BYTES": _positive_int("RESPONSE_CACHE_MB", "64") * 1024 * 1024,
        "CACHE_URL": _env("CACHE_URL") or _env("REDIS_URL") or None,
        # Limits (service/http/limits.py, service/http/cors.py); the limit strings are checked in finalize().
        "MAX_CONTENT_LENGTH": _positive_int("MAX_CONTENT_LENGTH", str(4 * 1024 * 1024)),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", "1"),
        "RATELIMIT_DEFAULT": _env("RATELIMIT_DEFAULT") or "300/minute",
        "RATELIMIT_WRITE": _env("RATELIMIT_WRITE") or "60/minute",
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_KEY_PREFIX": _env("RATELIMIT_KEY_PREFIX") or "briefing",
        "CORS_ORIGINS": _env("CORS_ORIGINS") or "",
        # How many reverse proxies stand in front (their X-Forwarded-For/-Proto/-Host are trusted, so
        # rate limits count the real client); 0 trusts none, so a client cannot pose as another.
        "TRUSTED_PROXIES": _positive_int("TRUSTED_PROXIES", "0", minimum=0),
        # Seconds a request body may take to arrive after the headers (service/http/request_bounds.py): 408.
        "BODY_TIMEOUT": _positive_int("BODY_TIMEOUT", "15"),
    }


def _flag(name: str, default: str) -> bool:
    raw = (_env(name) or default).strip().lower()
    if raw not in ("0", "1", "true", "false", "yes", "no"):
        raise ConfigError(f"{name} must be 0 or 1, not {raw!r}")
    return raw in ("1", "true", "yes")


def finalize(config: dict) -> dict:
    """Validate settings after overrides (tests pass their own) have been applied."""
    config["DATABASE_URL"] = normalize_database_url(str(config["DATABASE_URL"]))
    for name in ("RATELIMIT_DEFAULT", "RATELIMIT_WRITE"):
        _check_rate_limit(name, config.get(name, ""))
    _check_storage_uri(config.get("RATELIMIT_STORAGE_URI", "memory://"))
    config["CORS_ORIGINS"] = parse_origins(config.get("CORS_ORIGINS") or "")
    return config


def _check_rate_limit(name: str, value: str) -> None:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(f"{name} must be a limit like '300/minute' or '10/second;300/hour', "
                          f"not {value!r}") from None


def _check_storage_uri(uri: str) -> None:
    from limits.storage import SCHEMES

    scheme = uri.partition("://")[0]
    if "://" not in uri or scheme not in SCHEMES:
        raise ConfigError(f"RATELIMIT_STORAGE_URI must be memory:// or redis://host:port[/db], not {uri!r}")


def parse_origins(raw: str | list) -> list[str]:
    """CORS_ORIGINS: comma-separated origins (scheme://host[:port]) or '*'; empty means no CORS."""
    origins = [o.strip() for o in (raw.split(",") if isinstance(raw, str) else raw) if o.strip()]
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ConfigError(f"CORS_ORIGINS must list origins like https://app.example.org, not {origin!r}")
    return origins


def main() -> int:
    """Validate the environment before anything starts; one line on stderr when it is wrong."""
    try:
        finalize(load_config())
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    return 0
