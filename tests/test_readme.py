"""The README's examples work as written: every shell example of "Using it" and "Writing" runs against a
live server over a freshly seeded database, on SQLite and PostgreSQL, and every request it sends succeeds.

The examples are read out of the README (its indented blocks), not copied here, so an example that drifts
from the API fails this test. `localhost:8000` becomes the test server's address; `TOKEN=brf_...` becomes a
write token made by the CLI, as the README says to make one; the README's CLI lines run on the test's database.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from service.config import PROJECT_ROOT
from tests.helpers import serving

README = PROJECT_ROOT / "README.md"
SECTIONS = ("Using it", "Writing (curating a briefing)")


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.S | re.M)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def shell_blocks(markdown: str) -> list[str]:
    """The indented code blocks that send requests (curl), with their shell variables, in order."""
    blocks, current = [], []
    for line in markdown.splitlines() + ["."]:  # the sentinel ends the section's last block too
        if re.match(r"( {4,}|\t)\S", line):
            current.append(line.strip())
        elif line.strip() or not current:
            if current:
                blocks.append(current)
            current = []
    return ["\n".join(block) for block in blocks if any(line.startswith("curl ") for line in block)]


def script(blocks: list[str], base_url: str, token: str) -> str:
    body = "\n".join(blocks).replace("localhost:8000", base_url.removeprefix("http://"))
    body = re.sub(r"^TOKEN=\S+.*$", f"TOKEN={token}", body, flags=re.M)
    # Each curl fails the script on an HTTP error (>= 400) and says which; pipefail keeps `curl | grep` honest.
    prelude = ("set -euo pipefail\n"
               'curl() { command curl --silent --show-error --fail-with-body --max-time 30 "$@"; echo; }\n')
    return prelude + body + "\n"


def test_readme_has_examples_for_reading_and_writing():
    text = README.read_text(encoding="utf-8")
    using, writing = (shell_blocks(section(text, title)) for title in SECTIONS)
    assert sum(block.count("curl ") for block in using) >= 5
    assert any("-X POST" in block for block in writing) and any("-X PATCH" in block for block in writing)


@pytest.mark.parametrize("title", SECTIONS)
def test_readme_examples_run_against_a_live_server(title, empty_app, tmp_path):
    assert shutil.which("curl"), "curl is not installed"
    runner = empty_app.test_cli_runner()
    loaded = runner.invoke(args=["seed", "load"])
    assert loaded.exit_code == 0, loaded.output
    made = runner.invoke(args=["tokens", "create", "readme", "--scope", "write"])
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    blocks = shell_blocks(section(README.read_text(encoding="utf-8"), title))
    with serving(empty_app) as base_url:
        path = tmp_path / "examples.sh"
        path.write_text(script(blocks, base_url, token), encoding="utf-8")
        # The README's own `flask --app service tokens ...` lines run too, on the test's database.
        env = {**os.environ, "DATABASE_URL": empty_app.config["DATABASE_URL"], "RATELIMIT_ENABLED": "0"}
        run = subprocess.run(["bash", str(path)], capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
                             env=env)
    assert run.returncode == 0, f"{run.stderr[-2000:]}\n--- output ---\n{run.stdout[-2000:]}"


def test_readme_posts_never_go_without_idempotency_key():
    text = README.read_text(encoding="utf-8")
    assert "uuidgen" not in "\n".join(block for title in SECTIONS for block in shell_blocks(section(text, title)))
    posts = [command for title in SECTIONS for block in shell_blocks(section(text, title))
             for command in re.split(r"\n(?=curl |[A-Z]+=|\.venv/)", block) if command.startswith("curl -X POST")]
    assert len(posts) >= 5
    for command in posts:
        assert 'Idempotency-Key: ${KEY:?' in command, command


@pytest.mark.parametrize("example", [
    "/api/v1/search?q=", "/api/v1/positions?q=", "sort=", "fields=", "total=true", "/api/v1/positions?include=",
    "/api/v1/events/us-russia-peace-talks?include=",
    "/api/v1/relations?", "/api/v1/relations/", "-H 'Accept: text/html' localhost:8000/api/v1/documents/",
    "/coverage", "/api/v1/changes?since=0", "-X POST localhost:8000/api/v1/documents",
    "-X PATCH localhost:8000/api/v1/briefings/", "-X POST localhost:8000/api/v1/briefings"])
def test_readme_shows_each_capability_in_an_example(example):
    text = README.read_text(encoding="utf-8")
    assert any(example in block for title in SECTIONS for block in shell_blocks(section(text, title))), example
