"""Deploy files checked without a Docker engine: lint, compose spec, cross-references, config, boot script."""

from __future__ import annotations

import fnmatch
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from service.config import ConfigError, load_config
from tests.deploy_support import (
    IMAGE_ROOT,
    PROJECT_ROOT,
    compose,
    dockerfile_stages,
    exec_form,
    image_env,
    instructions,
    interpolate,
)

BIN = Path(sys.executable).parent
RUNTIME = dockerfile_stages()[-1]
SERVICES = compose()["services"]


def test_lint_dockerfile_passes_hadolint():
    done = subprocess.run([BIN / "hadolint", "Dockerfile"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_validate_compose_file_against_compose_spec():
    done = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec",
                           "docker-compose.yml"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_base_images_are_pinned_to_a_patch_release():
    for stage in dockerfile_stages():
        image = instructions(stage, "FROM")[0].split()[0]
        assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+", image), image


def test_dockerfile_runtime_user_is_not_root():
    users = instructions(RUNTIME, "USER")
    assert users, "the runtime stage sets no USER"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_healthcheck_probes_readyz():
    (healthcheck,) = instructions(RUNTIME, "HEALTHCHECK")
    command = exec_form(healthcheck.split(" CMD ", 1)[1])
    script = PROJECT_ROOT / command[-1].removeprefix(IMAGE_ROOT + "/")
    assert command[0] == "python" and "/readyz" in script.read_text()


def test_dockerfile_seed_dir_is_where_the_seeds_are_copied():
    seed_copies = [c.split() for c in instructions(RUNTIME, "COPY") if c.split()[0] == "seeds"]
    assert seed_copies, "the runtime stage does not copy seeds/"
    destination = seed_copies[0][-1].replace("./", instructions(RUNTIME, "WORKDIR")[-1] + "/")
    assert image_env(RUNTIME)["SEED_DIR"] == destination


def test_dockerfile_copies_only_what_dockerignore_lets_in():
    patterns = [p for p in (PROJECT_ROOT / ".dockerignore").read_text().splitlines()
                if p and not p.startswith("#")]
    for stage in dockerfile_stages():
        for copy in instructions(stage, "COPY"):
            if copy.startswith("--from"):
                continue
            for source in copy.split()[:-1]:
                assert _in_context(source.rstrip("/"), patterns), f"{source} is excluded from the build"


def _in_context(path: str, patterns: list[str]) -> bool:
    included = True  # the last matching pattern wins, as in Docker
    for pattern in patterns:
        negated, pattern = pattern.startswith("!"), pattern.lstrip("!").rstrip("/")
        if fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/"):
            included = negated
    return included


def test_compose_services_mount_only_declared_secrets():
    declared = compose()["secrets"]
    for name, service in SERVICES.items():
        for secret in service.get("secrets", []):
            assert (secret if isinstance(secret, str) else secret["source"]) in declared, name


def test_compose_secret_files_are_git_ignored_with_an_example():
    for secret in compose()["secrets"].values():
        path = Path(secret["file"])
        ignored = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=PROJECT_ROOT,
                                 timeout=30)
        assert ignored.returncode == 0, f"{path} is not git-ignored"
        assert (PROJECT_ROOT / "docker" / "secrets.example" / path.name).is_file()


def test_compose_passwords_come_from_mounted_secret_files():
    for name, service in SERVICES.items():
        mounted = set(service.get("secrets", []))
        for key, value in (service.get("environment") or {}).items():
            if "PASSWORD" in key:
                assert key.endswith("_FILE"), f"{name}: {key} is a plain variable"
                assert value.removeprefix("/run/secrets/") in mounted, f"{name}: {key}={value}"


def test_compose_named_volumes_are_declared():
    declared = compose().get("volumes") or {}
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source and not source.startswith((".", "/", "~")):
                assert source in declared, f"{name}: volume {source!r} is not declared"


def test_compose_depends_on_names_existing_services():
    for name, service in SERVICES.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in SERVICES, f"{name} depends on unknown {dependency!r}"


def test_compose_api_waits_for_healthy_db_and_finished_migration():
    depends_on = SERVICES["api"]["depends_on"]
    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    assert "pg_isready" in " ".join(SERVICES["db"]["healthcheck"]["test"])


def test_compose_api_restarts_and_is_published_only_through_the_proxy():
    api, proxy = SERVICES["api"], SERVICES["proxy"]
    assert api["restart"] in ("always", "unless-stopped", "on-failure")
    assert "ports" not in api and api["expose"] == ["8000"]
    assert proxy["restart"] in ("always", "unless-stopped", "on-failure")
    assert [str(port).rsplit(":", 1)[1] for port in proxy["ports"]] == [proxy["environment"]["PROXY_PORT"]]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in SERVICES["db"]["volumes"])


def test_compose_proxy_renders_the_committed_template_towards_the_api():
    proxy = SERVICES["proxy"]
    (mount,) = proxy["volumes"]
    source, target, mode = mount.split(":")
    assert (PROJECT_ROOT / source).is_file() and mode == "ro"
    assert target.startswith("/etc/nginx/templates/") and target.endswith(".conf.template")
    assert proxy["environment"]["API_UPSTREAM"] == f"api:{SERVICES['api']['environment']['PORT']}"
    assert proxy["depends_on"]["api"]["condition"] == "service_healthy"


def test_compose_api_trusts_exactly_the_one_proxy_in_front():
    env = {key: interpolate(value, {}) for key, value in SERVICES["api"]["environment"].items()}
    assert env["TRUSTED_PROXIES"] == "1" and env["FORWARDED_ALLOW_IPS"]


def test_proxy_body_cap_is_max_content_length(monkeypatch):
    monkeypatch.delenv("MAX_CONTENT_LENGTH", raising=False)
    template = (PROJECT_ROOT / "docker" / "nginx.conf.template").read_text()
    (megabytes,) = re.findall(r"^\s*client_max_body_size (\d+)m;", template, re.M)
    assert int(megabytes) * 1024 * 1024 == load_config()["MAX_CONTENT_LENGTH"]


def test_build_database_url_from_postgres_parts_and_password_file(tmp_path, monkeypatch):
    secret = tmp_path / "postgres_password"
    secret.write_text("p@ss/w:rd\n")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL_FILE", raising=False)
    for key, value in {"POSTGRES_HOST": "db", "POSTGRES_PORT": "5433", "POSTGRES_DB": "briefing",
                       "POSTGRES_USER": "api", "POSTGRES_PASSWORD_FILE": str(secret)}.items():
        monkeypatch.setenv(key, value)
    assert load_config()["DATABASE_URL"] == "postgresql+psycopg://api:p%40ss%2Fw%3Ard@db:5433/briefing"


def test_build_database_url_with_bad_postgres_port_is_a_one_line_error(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL_FILE", raising=False)
    monkeypatch.setenv("POSTGRES_HOST", "db")
    monkeypatch.setenv("POSTGRES_PORT", "five")
    with pytest.raises(ConfigError, match=r"^POSTGRES_PORT must be a positive integer, not 'five'$"):
        load_config()


def test_boot_with_malformed_database_url_stops_with_one_line():
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "DATABASE_URL": "not a url"}
    done = subprocess.run([PROJECT_ROOT / "docker" / "boot.sh", "serve"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert done.stderr == "configuration error: DATABASE_URL is not a valid database URL: 'not a url'\n"


def test_gunicorn_config_reads_workers_threads_and_timeouts_from_env(monkeypatch):
    for key, value in {"WEB_CONCURRENCY": "3", "THREADS": "7", "GRACEFUL_TIMEOUT": "11",
                       "HOST": "0.0.0.0", "PORT": "9001"}.items():
        monkeypatch.setenv(key, value)
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert (settings["workers"], settings["threads"], settings["graceful_timeout"]) == (3, 7, 11)
    assert settings["bind"] == "0.0.0.0:9001" and settings["accesslog"] == "-"
    assert settings["logger_class"] == "service.http.logging.GunicornLogger"


def test_gunicorn_config_with_bad_threads_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv("THREADS", "many")
    with pytest.raises(SystemExit, match=r"^configuration error: THREADS must be a positive"):
        runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
