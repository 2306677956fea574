"""The real image, built by docker/verify.sh with buildah (on a stand-in base, see the script), run as
compose runs `migrate` then `api`, against a private PostgreSQL, and behind the compose proxy's nginx."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.deploy_support import (
    PROJECT_ROOT,
    SECRETS_IN_CONTAINER,
    compose,
    compose_database,
    free_port,
    http_get,
    interpolate,
    wait_for,
)
from tests.serving import Nginx, nginx_binary

VERIFY = PROJECT_ROOT / "docker" / "verify.sh"
BUILD_TIMEOUT = 40 * 60  # a cold build (debootstrap, then the image) takes a few minutes; warm, one
SERVICES = compose()["services"]
MISSING = [tool for tool in ("buildah", "debootstrap", "unshare") if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING) or os.geteuid() != 0,
    reason=f"building the image needs root and buildah, debootstrap, unshare (missing: {MISSING or 'root'}); "
           ".ci/run installs them",
)


def verify(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(VERIFY), *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def container_args(service: str, overrides: dict[str, str], secret_dir: Path) -> list[str]:
    """-e and -v for verify.sh: the compose service's environment and secrets, with what differs on one
    host network (the database's address, the api's port) overridden."""
    env = {key: interpolate(value, {}) for key, value in SERVICES[service]["environment"].items()}
    env.update(overrides)
    args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    for name in SERVICES[service].get("secrets", []):
        args += ["-v", f"{secret_dir / name}:{SECRETS_IN_CONTAINER}{name}"]
    return args


@pytest.fixture(scope="module")
def image():
    built = verify("build", timeout=BUILD_TIMEOUT)
    assert built.returncode == 0, built.stderr[-4000:]
    print(built.stderr.strip().splitlines()[-1])  # "built ... in N s; size ..."
    return built


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    secret_dir = tmp_path_factory.mktemp("secrets")
    with compose_database(secret_dir) as postgres:
        postgres.secret_dir = secret_dir
        yield postgres


@pytest.fixture(scope="module")
def api(image, database, tmp_path_factory):
    """`migrate` (one shot), then `api`, each the image's ENTRYPOINT with its compose command."""
    where = {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(database.port)}
    migrate = verify("run", *container_args("migrate", where, database.secret_dir), *SERVICES["migrate"]["command"],
                     timeout=300)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    port = free_port()
    args = container_args("api", {**where, "HOST": "127.0.0.1", "PORT": str(port)}, database.secret_dir)
    log = tmp_path_factory.mktemp("api") / "api.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(VERIFY), "run", *args, *SERVICES["api"]["command"]], cwd=PROJECT_ROOT,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    process.base_url, process.port, process.args, process.log = f"http://127.0.0.1:{port}", port, args, log
    try:
        def ready():
            assert process.poll() is None, log.read_text()[-4000:]
            return http_get(process.base_url + "/readyz", timeout=2)[0] == 200

        wait_for(ready, 180, "the api container's /readyz")
        yield process
    finally:
        process.send_signal(signal.SIGTERM)  # docker stop: verify.sh passes it to gunicorn, PID 1
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_image_passes_its_own_checks(image):
    checked = verify("check")
    assert checked.returncode == 0, checked.stderr


def test_image_runs_as_the_service_user_on_a_read_only_root(image):
    done = verify("cmd", "sh", "-c", "id -u; touch /app/x 2>/dev/null || echo read-only; touch /tmp/x && echo tmp")
    assert done.stdout.split() == ["10001", "read-only", "tmp"], done.stdout + done.stderr
    assert SERVICES["api"]["read_only"] is True and SERVICES["api"]["tmpfs"] == ["/tmp"]


def test_image_holds_no_pip_configuration_from_the_build(image):
    done = verify("cmd", "pip", "config", "list")
    settings = {line.split("=", 1)[0].rsplit(".", 1)[-1] for line in done.stdout.splitlines()}
    assert done.returncode == 0 and settings <= {"disable-pip-version-check"}, done.stdout  # the Dockerfile's ENV


def test_image_api_reports_ready(api):
    status, _, body = http_get(api.base_url + "/readyz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})


def test_image_api_serves_seeded_list_and_briefing(api):
    status, _, body = http_get(api.base_url + "/api/v1/actors")
    assert status == 200 and json.loads(body)["items"], body[:300]
    slug = next(p.name for p in sorted((PROJECT_ROOT / "seeds").iterdir()) if (p / "briefing.yaml").is_file())
    status, headers, body = http_get(api.base_url + f"/api/v1/briefings/{slug}")
    assert status == 200 and json.loads(body)["slug"] == slug, body[:300]


def test_image_healthcheck_command_passes_against_the_running_api(api):
    done = verify("healthcheck", *api.args)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(nginx_binary() is None, reason="Debian's nginx is not installed (apt-get install nginx-light)")
def test_image_api_answers_through_the_compose_proxy(api):
    with Nginx(f"127.0.0.1:{api.port}") as proxy:
        status, headers, body = http_get(proxy.base_url + "/api/v1/actors?limit=1")
    assert (status, headers["Server"]) == (200, "nginx") and json.loads(body)["items"]
