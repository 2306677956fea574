"""clients/typescript: a client generated from the served spec with openapi-typescript, the walk program
type-checked by `tsc --strict` and run (node) against a live server: every collection through openapi-fetch
with typed paths (`data.items` without a cast: a list's 200 is one JSON schema), every `next`, every `url` in
every record and in the composed briefing, each a 200; and each list's export operation, read as text."""

from __future__ import annotations

import re
import subprocess

import pytest

from service.config import PROJECT_ROOT
from tests.conftest import make_app
from tests.crawl import urls_in
from tests.helpers import serving

CLIENT = PROJECT_ROOT / "clients" / "typescript"
BIN = PROJECT_ROOT / "node_modules" / ".bin"


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=CLIENT, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def served_app(backend, databases):
    """A seeded app of this module's own, on SQLite and PostgreSQL, behind tests/helpers.serving (a thread per
    request: the response cache closes an ended thread's connection, so the crawl holds a few, not hundreds)."""
    app = make_app(databases.new(backend))
    result = app.test_cli_runner().invoke(args=["seed", "load"])
    assert result.exit_code == 0, result.output
    return app


def test_walk_uses_no_casts_on_response_data():
    assert " as " not in (CLIENT / "walk.ts").read_text()


def test_generated_client_type_checks_and_walks_the_live_api(served_app, tmp_path):
    client = served_app.test_client()
    spec = tmp_path / "served-openapi.json"
    spec.write_bytes(client.get("/openapi.json").get_data())
    run(str(BIN / "openapi-typescript"), str(spec), "-o", "schema.d.ts")
    run(str(BIN / "tsc"), "-p", "tsconfig.json")  # strict, noUncheckedIndexedAccess
    with serving(served_app) as base_url:
        out = run("node", "dist/walk.js", base_url).stdout
    counts = dict(re.findall(r"^(/api/v1/[\w-]+): (\d+) records$", out, re.M))
    assert len(counts) == 8 and all(int(n) > 0 for n in counts.values()), out
    assert int(counts["/api/v1/positions"]) == len(client.get("/api/v1/positions?limit=500").get_json()["items"])
    rows = dict(re.findall(r"^(/api/v1/[\w-]+)/export: (\d+) rows$", out, re.M))  # each export, read as text
    assert len(rows) == 6 and all(rows[path] == counts[path] for path in rows), out
    followed = re.search(r"^links followed: (\d+); failures: 0$", out, re.M)
    expected = set()  # every distinct `url` of every record and of the composed briefing
    for collection in counts:
        expected.update(urls_in(client.get(f"{collection}?limit=500").get_json()["items"]))
    expected.update(urls_in(client.get("/api/v1/briefings/coalition-of-the-willing-paris-2025").get_json()))
    # A fragment (a citation's #span-S-E) is not sent to the server: the walk fetches each document once.
    local = {u.split("#")[0] for u in expected if not re.match(r"https?://", u)}
    assert followed and int(followed.group(1)) == len(local) > 50, out
