"""Structured JSON logs carrying a per-request id, also returned in the X-Request-ID header."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from gunicorn.glogging import Logger as GunicornBaseLogger

from service.http.log_throttle import Throttle

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is reused only when it is short and harmless in logs and headers.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Stamp records logged while handling a request with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None) and has_request_context():
            record.request_id = g.get("request_id")
        return True


def request_id_from(incoming: str | None) -> str:
    """Reuse a well-formed incoming id (a proxy's), else make a new one."""
    if incoming and WELL_FORMED_ID.fullmatch(incoming):
        return incoming
    return os.urandom(16).hex()


def configure_root(level: str) -> None:
    """Send the root logger's records to stderr as JSON; idempotent across app instances."""
    root = logging.getLogger()
    root.setLevel(level)
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)


def init_app(app: Flask) -> None:
    configure_root(app.config.get("LOG_LEVEL", "INFO"))
    # Shared by the layers whose warnings an outage repeats (errors, response_cache, limits).
    app.extensions["log_throttle"] = Throttle(app.config.get("LOG_REPEAT_SECONDS", 60))

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))

    @app.after_request
    def return_request_id(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id") or request_id_from(None)
        return response


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's logger with JSON error and access logs (`logger_class` in gunicorn.conf.py)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.logconfig_dict):
            return
        headers = {name.lower(): value for name, value in resp.headers}
        fields = {
            "request_id": headers.get(REQUEST_ID_HEADER.lower()),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING") or None,
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        try:
            self.access_log.info("%s %s %s", fields["method"], fields["path"], fields["status"],
                                 extra={"fields": fields})
        except Exception:  # a broken access log must never break a response
            self.exception("access log failed")
