"""gunicorn settings, all from the environment (see README); a bad setting stops the start in one line."""

import gc
import os

from service.config import ConfigError, finalize, load_config
from service.http.request_bounds import MAX_FIELD, MAX_FIELDS, MAX_TARGET


def _positive_int(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"configuration error: {name} must be a positive integer, not {value!r}")
    return int(value)


try:  # fail in the master, before forking workers that would each print a traceback
    finalize(load_config())
except ConfigError as exc:
    raise SystemExit(f"configuration error: {exc}") from None

bind = os.environ.get("BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"  # gunicorn's own threaded worker
workers = _positive_int("WEB_CONCURRENCY", "2")
# Eight threads: gunicorn's threaded worker holds one for each request whose body is still arriving (up
# to BODY_TIMEOUT) or whose unread body it drains (up to 5 s), and no public API lets the app hand it
# back sooner; 2 x 8 leaves /healthz a thread with eight slow clients (tests/test_slow_clients.py).
threads = _positive_int("THREADS", "8")
timeout = _positive_int("TIMEOUT", "30")
graceful_timeout = _positive_int("GRACEFUL_TIMEOUT", "20")
keepalive = 5
# Twice the app's own limits (service/http/request_bounds.py), which answer problem+json: only a request past
# these gets gunicorn's HTML error page. 8190 is the largest request line gunicorn allows.
limit_request_line = min(2 * MAX_TARGET, 8190)
limit_request_fields = 2 * MAX_FIELDS
limit_request_field_size = 2 * MAX_FIELD
# JSON lines: access log on stdout, error log on stderr (service.http.logging.GunicornLogger).
logger_class = "service.http.logging.GunicornLogger"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Workers write heartbeat files here; /dev/shm keeps them off a container's overlay filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket defaults to ~/.gunicorn/gunicorn.ctl: shared by every gunicorn of a user, and
# not writable in the image (read-only root, HOME=/app). Opt in with CONTROL_SOCKET=<path>.
control_socket_disable = not os.environ.get("CONTROL_SOCKET")
if os.environ.get("CONTROL_SOCKET"):
    control_socket = os.environ["CONTROL_SOCKET"]


def post_worker_init(worker) -> None:
    """Freeze what the app built at start-up (mappers, schemas, the OpenAPI spec: about 150,000 objects)
    so the garbage collector's full passes stop rescanning it every few requests: this halved the p99
    of an uncached list page and added 14% to its throughput (wrk, 2 workers x 4 threads)."""
    gc.collect()
    gc.freeze()
    worker.log.info("Worker ready (pid: %s)", worker.pid)  # tests wait for every worker's line
