"""Deploy-test helpers: read the Dockerfile and compose file, run a private PostgreSQL and the boot script."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from glob import glob
from pathlib import Path

import yaml

from service.config import PROJECT_ROOT

IMAGE_ROOT = "/app"  # the image's WORKDIR; the repository plays that role in the behavioural tests
SECRETS_IN_CONTAINER = "/run/secrets/"


def dockerfile_stages(path: Path = PROJECT_ROOT / "Dockerfile") -> list[list[tuple[str, str]]]:
    """The Dockerfile as stages of (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, args = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction.upper(), " ".join(args.split())))
    return stages


def instructions(stage: list[tuple[str, str]], name: str) -> list[str]:
    return [args for instruction, args in stage if instruction == name]


def image_env(stage: list[tuple[str, str]]) -> dict[str, str]:
    """ENV KEY=VALUE pairs of a stage (the form the Dockerfile uses)."""
    env: dict[str, str] = {}
    for args in instructions(stage, "ENV"):
        env.update(pair.split("=", 1) for pair in shlex.split(args))
    return env


def exec_form(args: str) -> list[str]:
    return json.loads(args)


def compose(path: Path = PROJECT_ROOT / "docker-compose.yml") -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ${NAME:-default} / ${NAME} interpolation, with `$$` as a literal dollar."""

    def replace(match: re.Match) -> str:
        name, default = match.group(1), match.group(3)
        return variables.get(name) or (default if default is not None else "")

    value = re.sub(r"\$\{(\w+)(:-([^}]*))?\}", replace, str(value))
    return value.replace("$$", "$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    """Poll PREDICATE until it returns a truthy value; fail with WHAT after TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def http_get(url: str, headers: dict | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
    """(status, headers, body) without raising on 4xx/5xx; (0, {}, b"") when nothing answers."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}, b""


def postgres_bin() -> Path | None:
    candidates = [os.environ.get("PG_BIN", "")] + sorted(glob("/usr/lib/postgresql/*/bin"), reverse=True)
    return next((Path(c) for c in candidates if c and (Path(c) / "pg_ctl").exists()), None)


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (temp dir, free port, password auth) that it may stop and
    start at will, never the shared one on 5432. As root, the server runs as the `postgres` user."""

    def __init__(self, bin_dir: Path, user: str, password: str):
        self.bin_dir, self.user, self.password = bin_dir, user, password
        self.root = Path(tempfile.mkdtemp(prefix="briefing-pg-"))
        self.data, self.port = self.root / "data", free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=90)
        assert done.returncode == 0, f"{program} failed: {done.stdout}{done.stderr}"

    def init(self) -> None:
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        if self.as_postgres:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", self.user, f"--pwfile={pwfile}",
                  "--auth=scram-sha-256", "-E", "UTF8")
        pwfile.unlink()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str) -> str:
        from sqlalchemy.engine import URL

        return URL.create("postgresql+psycopg", username=self.user, password=self.password,
                          host="127.0.0.1", port=self.port, database=database
                          ).render_as_string(hide_password=False)

    def create_database(self, name: str) -> None:
        from sqlalchemy import create_engine, text

        admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()

    def cleanup(self) -> None:
        try:
            if self.running():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def compose_database(secret_dir: Path):
    """A PrivatePostgres set up as compose's `db` service: its user, a fresh password written as the
    secret file SECRET_DIR/postgres_password (world-readable, as compose mounts it), and POSTGRES_DB
    created (what the postgres image does with it). `.database` names it."""
    import pytest

    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not found (set PG_BIN)")
    env = {key: interpolate(value, {}) for key, value in compose()["services"]["db"]["environment"].items()}
    password = secrets.token_urlsafe(16)
    postgres = PrivatePostgres(bin_dir, env["POSTGRES_USER"], password)
    secret = secret_dir / "postgres_password"
    secret.write_text(password + "\n")
    secret.chmod(0o644)
    try:
        postgres.init()
        postgres.start()
        postgres.database = env["POSTGRES_DB"]
        postgres.create_database(postgres.database)
        yield postgres
    finally:
        postgres.cleanup()


class BootProcess:
    """The image's ENTRYPOINT + the compose service's command, run here with a given environment."""

    def __init__(self, command: list[str], env: dict[str, str], log_dir: Path):
        self.command, self.env, self.log_dir = command, env, log_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        self.stdout = self.log_dir / f"stdout.{self.starts}"
        self.stderr = self.log_dir / f"stderr.{self.starts}"
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.process = subprocess.Popen(self.command, cwd=PROJECT_ROOT, env=self.env, stdout=out,
                                            stderr=err, start_new_session=True)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (graceful, as `docker stop` does), then SIGKILL the session after TIMEOUT."""
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
