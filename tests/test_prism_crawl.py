"""The crawl of tests/crawl.py through Stoplight Prism in proxy mode (`prism proxy openapi.yaml <server>
--errors`) in front of a live test server: every response Prism finds off the committed spec fails.

Prism validates each upstream response against the spec; a violation is reported in the `sl-violations`
response header (a JSON list), and with `--errors` an error-level violation turns the answer into a
problem response instead of the upstream's. The negative test proves a violation is caught."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from service.config import PROJECT_ROOT
from tests.conftest import make_app
from tests.crawl import Crawl, described
from tests.deploy_support import free_port, wait_for
from tests.helpers import serving
from tests.serving import port_open

PRISM = PROJECT_ROOT / "node_modules" / ".bin" / "prism"
SPEC_FILE = PROJECT_ROOT / "openapi.yaml"


@pytest.fixture(scope="module")
def served_app(backend, databases):
    """A seeded app of this module's own, on SQLite and PostgreSQL, behind tests/helpers.serving (a thread per
    request: the response cache closes an ended thread's connection, so the crawl holds a few, not hundreds)."""
    app = make_app(databases.new(backend))
    result = app.test_cli_runner().invoke(args=["seed", "load"])
    assert result.exit_code == 0, result.output
    return app


@contextmanager
def prism_proxy(spec: Path, upstream: str, log: Path):
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen([str(PRISM), "proxy", str(spec), upstream, "--errors", "--port", str(port),
                                    "--host", "127.0.0.1"], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: process.poll() is None and port_open(port), 90, f"prism (log {log})")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def fetcher(base: str, violations: list, spec: dict | None = None, upstream: str = ""):
    """Fetch through Prism at BASE; with SPEC, a path the spec does not describe (the index links to /docs and
    /openapi.json, the spec's own pages) goes to UPSTREAM directly: Prism would only say it knows no such path."""
    def fetch(path: str) -> tuple[int, str, bytes]:
        origin = base if spec is None or described(spec, path) else upstream
        try:
            with urllib.request.urlopen(origin + path, timeout=30) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        if headers.get("sl-violations"):
            violations.append((path, json.loads(headers["sl-violations"])))
        return status, headers.get("Content-Type", ""), body
    return fetch


def test_crawl_through_prism_finds_no_violation(served_app, tmp_path):
    violations: list = []
    with serving(served_app) as upstream, prism_proxy(SPEC_FILE, upstream, tmp_path / "prism.log") as base:
        started = time.monotonic()
        spec = yaml.safe_load(SPEC_FILE.read_text())
        crawl = Crawl(spec, fetcher(base, violations, spec, upstream), origin=base).run()
        print(f"\nprism crawl: {len(crawl.answers)} requests in {time.monotonic() - started:.1f}s")
    assert len(crawl.answers) > 150
    assert violations == []
    assert "prism/errors#VIOLATIONS" not in (tmp_path / "prism.log").read_text()
    assert crawl.failures() == []


def test_prism_reports_a_response_off_the_spec(served_app, tmp_path):
    """A copy of the spec whose Actor requires a property the API never sends: Prism must flag the answer."""
    spec = json.loads(SPEC_FILE.read_text())  # openapi.yaml is written as JSON (a YAML subset)
    spec["components"]["schemas"]["Actor"].setdefault("required", []).append("never_served")
    spec["components"]["schemas"]["Actor"]["properties"]["never_served"] = {"type": "string"}
    altered = tmp_path / "altered.yaml"
    altered.write_text(json.dumps(spec))
    violations: list = []
    with serving(served_app) as upstream, prism_proxy(altered, upstream, tmp_path / "prism.log") as base:
        fetch = fetcher(base, violations)
        status, content_type, body = fetch("/api/v1/actors/france")
        untouched = fetch("/api/v1/briefings")  # Briefing is unaltered: passes through as the API sent it
    # --errors: the error-level violation replaces the upstream 200 with Prism's own 500 problem
    assert status == 500 and content_type.startswith("application/problem+json")
    problem = json.loads(body)
    assert problem["type"] == "https://stoplight.io/prism/errors#VIOLATIONS"
    assert any("never_served" in v["message"] and v["location"] == ["response", "body"] for v in problem["validation"])
    # and the sl-violations header, which the crawl's fetcher collects, names it
    assert [path for path, _ in violations] == ["/api/v1/actors/france"]
    assert "never_served" in json.dumps(violations)
    assert untouched[0] == 200 and json.loads(untouched[2])["items"]
