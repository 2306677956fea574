"""The image's entrypoint run as compose runs `api`, against a private PostgreSQL the test can stop."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from service.models import Base
from tests.deploy_support import (
    IMAGE_ROOT,
    PROJECT_ROOT,
    SECRETS_IN_CONTAINER,
    BootProcess,
    PrivatePostgres,
    compose,
    compose_database,
    dockerfile_stages,
    exec_form,
    free_port,
    http_get,
    image_env,
    instructions,
    interpolate,
    wait_for,
)

PROBLEM = "application/problem+json"
STARTUP_TIMEOUT = 120


def compose_api_environment(postgres: PrivatePostgres, secret_dir: Path, port: int) -> dict[str, str]:
    """The api container's environment: image ENV, then compose's, with host-side stand-ins for what
    differs here (the database's address, the secrets' mount point, the image root, a free port)."""
    env = dict(image_env(dockerfile_stages()[-1]))
    raw = compose()["services"]["api"]["environment"]
    env.update({key: interpolate(value, {}) for key, value in raw.items()})
    env = {key: value.replace(SECRETS_IN_CONTAINER, f"{secret_dir}/") for key, value in env.items()}
    env = {key: value.replace(IMAGE_ROOT + "/", f"{PROJECT_ROOT}/") for key, value in env.items()}
    env.update(POSTGRES_HOST="127.0.0.1", POSTGRES_PORT=str(postgres.port), HOST="127.0.0.1",
               PORT=str(port), PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
    return env


def boot_command() -> list[str]:
    entrypoint = exec_form(instructions(dockerfile_stages()[-1], "ENTRYPOINT")[-1])
    entrypoint[0] = str(PROJECT_ROOT / entrypoint[0].removeprefix(IMAGE_ROOT + "/"))
    return entrypoint + compose()["services"]["api"]["command"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Private PostgreSQL + the api's boot command, started once; always torn down."""
    secret_dir = tmp_path_factory.mktemp("secrets")
    boot = BootProcess(boot_command(), {}, tmp_path_factory.mktemp("boot"))
    with compose_database(secret_dir) as postgres:
        try:
            port = free_port()
            boot.env = compose_api_environment(postgres, secret_dir, port)
            boot.base_url = f"http://127.0.0.1:{port}"
            boot.database_url = postgres.url(postgres.database)
            boot.postgres = postgres
            start_and_wait(boot)
            yield boot
        finally:
            boot.stop()


def start_and_wait(boot: BootProcess) -> None:
    boot.start()

    def ready():
        assert boot.alive(), f"boot exited with {boot.process.returncode}:\n{boot.output()}"
        return http_get(boot.base_url + "/readyz", timeout=2)[0] == 200

    wait_for(ready, STARTUP_TIMEOUT, "/readyz to answer 200 after boot")


def snapshot(database_url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))]
                    for t in Base.metadata.sorted_tables}
            rows["alembic_version"] = conn.execute(text("SELECT * FROM alembic_version")).all()
            return rows
    finally:
        engine.dispose()


def test_boot_stack_reports_ready(stack):
    status, _, body = http_get(stack.base_url + "/readyz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})


def test_boot_stack_serves_seeded_aid_items(stack):
    status, headers, body = http_get(stack.base_url + "/api/v1/aid-items")
    assert status == 200, body
    assert json.loads(body)["items"], "the seed was not loaded"
    assert headers["X-Request-ID"]


def test_boot_stack_writes_json_access_log_with_request_id(stack):
    status, headers, _ = http_get(stack.base_url + "/healthz", {"X-Request-ID": "probe-42"})
    assert (status, headers["X-Request-ID"]) == (200, "probe-42")

    def access_line():
        lines = [json.loads(line) for line in stack.stdout.read_text().splitlines()
                 if line.startswith("{")]
        return next((entry for entry in lines if entry.get("request_id") == "probe-42"), None)

    entry = wait_for(access_line, 10, "the access log line")
    assert (entry["path"], entry["status"], entry["method"]) == ("/healthz", 200, "GET")


def test_boot_stack_again_changes_nothing(stack):
    before = snapshot(stack.database_url)
    stack.stop()
    start_and_wait(stack)
    assert snapshot(stack.database_url) == before
    assert not re.search(r"^briefing .*: ", stack.output(), re.M), "the seed was loaded again"


def test_get_aid_items_while_database_down_is_503_problem(stack):
    stack.postgres.stop()
    try:
        status, headers, body = http_get(stack.base_url + "/api/v1/aid-items")
        assert (status, headers["Content-Type"]) == (503, PROBLEM), body
        assert json.loads(body)["status"] == 503 and headers["Retry-After"]
        assert http_get(stack.base_url + "/readyz")[0] == 503
    finally:
        stack.postgres.start()


def test_healthcheck_fails_while_database_down(stack):
    command = [sys.executable, str(PROJECT_ROOT / "docker" / "healthcheck.py")]
    assert subprocess.run(command, env=stack.env, capture_output=True, timeout=30).returncode == 0
    stack.postgres.stop()
    try:
        assert subprocess.run(command, env=stack.env, capture_output=True, timeout=30).returncode == 1
    finally:
        stack.postgres.start()


def test_get_aid_items_after_database_restart_recovers_without_service_restart(stack):
    pid = stack.process.pid
    stack.postgres.stop()
    assert http_get(stack.base_url + "/api/v1/aid-items")[0] == 503
    stack.postgres.start()
    wait_for(lambda: http_get(stack.base_url + "/readyz", timeout=2)[0] == 200, 30, "recovery")
    statuses = {http_get(stack.base_url + "/api/v1/aid-items")[0] for _ in range(20)}
    assert statuses == {200}
    assert stack.alive() and stack.process.pid == pid
