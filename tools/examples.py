"""Body examples for openapi.yaml, recorded from the real API over a throwaway seeded SQLite database.

`python -m tools.examples` loads the seed into a fresh database, replays a scripted session
against the real endpoints with the test client (tools/example_session.py: a reader, an analyst
who adds and corrects records, and failing requests), and writes what was sent and what came back to
service/openapi_examples.json, keyed by operationId, status and media type (the shared error responses by
component name). service/http/openapi.py's ExamplesPlugin puts them in the spec.

Bodies are excerpts where the real one is long, always a prefix of the real output: arrays in JSON bodies
keep their first EXCERPT entries, exports their header and first EXCERPT rows, Markdown and HTML their
first TEXT_LINES lines (the HTML's inline stylesheet elided).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import click
from flask import Flask

from service.config import DEFAULT_SEED_DIR
from service.http.openapi import EXAMPLES_FILE

EXCERPT = 2
TEXT_LINES = 30
JSON_TYPES = ("application/json", "application/problem+json", "application/vnd.briefing.sparse+json")
PROBLEM = "application/problem+json"
METHODS = ("get", "put", "post", "patch", "delete")


class ExampleError(RuntimeError):
    """A scripted request did not get the answer the session expects: the API or the script changed."""


class Recorder:
    """Sends requests with a test client and keeps each body as the example of what it exercised."""

    def __init__(self, client, spec: dict):
        self.client = client
        self.operations = {op["operationId"]: (method, op) for item in spec["paths"].values()
                           for method, op in item.items() if method in METHODS}
        self.examples: dict = {"operations": {}, "components": {"responses": {}}}

    def record(self, operation_id: str, url: str, *, status: int = 200, body: dict | None = None,
               accept: str = "application/json", headers: dict | None = None):
        """Call OPERATION_ID at URL; keep the request body and the response as its examples."""
        method, operation = self.operations[operation_id]
        response = self._send(self.client, method, url, body, {"Accept": accept, **(headers or {})}, status)
        documented = operation["responses"].get(str(status), {}).get("content", {})
        if response.mimetype not in documented:
            raise ExampleError(f"{operation_id} does not document {status} {response.mimetype}")
        entry = self.examples["operations"].setdefault(operation_id, {})
        if body is not None:
            entry.setdefault("requestBody", {})["application/json"] = body
        entry.setdefault("responses", {}).setdefault(str(status), {})[response.mimetype] = excerpt(response)
        return response

    def record_problem(self, component: str, method: str, url: str, status: int, *, client=None,
                       body: dict | None = None, headers: dict | None = None):
        """Send a request that fails with STATUS; keep its problem as the COMPONENT response's example."""
        return self.keep_problem(component, self._send(client or self.client, method, url, body, headers or {},
                                                       status), status)

    def keep_problem(self, component: str, response, status: int):
        if response.status_code != status or response.mimetype != PROBLEM:
            raise ExampleError(f"{response.request.path}: expected a {status} problem, got {response.status_code} "
                               f"{response.mimetype}")
        self.examples["components"]["responses"][component] = {PROBLEM: excerpt(response)}
        return response

    @staticmethod
    def _send(client, method: str, url: str, body, headers: dict, status: int):
        response = client.open(url, method=method.upper(), json=body, headers=headers)
        if response.status_code != status:
            raise ExampleError(f"{method.upper()} {url}: expected {status}, got {response.status_code}: "
                               f"{response.get_data(as_text=True)[:500]}")
        return response


def excerpt(response):
    """The body as an example: parsed JSON or text, cut to a real prefix where it is long."""
    text = response.get_data(as_text=True)
    media_type = response.mimetype
    if media_type in JSON_TYPES:
        return first_entries(json.loads(text))
    if media_type == "text/csv":
        return "".join(line + "\r\n" for line in text.split("\r\n")[:1 + EXCERPT])
    if media_type == "application/x-ndjson":
        return "".join(line + "\n" for line in text.split("\n")[:EXCERPT])
    if media_type == "text/html":
        text = re.sub(r"<style>.*?</style>", "<style>/* … */</style>", text, flags=re.S)
    return "".join(line + "\n" for line in text.split("\n")[:TEXT_LINES])


def first_entries(value):
    if isinstance(value, list):
        return [first_entries(v) for v in value[:EXCERPT]]
    if isinstance(value, dict):
        return {k: first_entries(v) for k, v in value.items()}
    return value


def throwaway_app(database_url: str, seed_dir: str, **config) -> Flask:
    """An app over DATABASE_URL with every setting the examples depend on pinned (not read from the
    environment): no rate limits or response cache unless asked, the default body cap."""
    from service import create_app

    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SEED_DIR": seed_dir,
                       "RATELIMIT_ENABLED": False, "RESPONSE_CACHE": False, "CACHE_URL": None,
                       "READ_REQUIRES_TOKEN": False, "PAGE_MAX_LIMIT": 500, "CORS_ORIGINS": "",
                       "MAX_CONTENT_LENGTH": 4 * 1024 * 1024, **config})


def generate(seed_dir: str) -> dict:
    """Record every example from a fresh database loaded from the seeds in SEED_DIR."""
    from service import migrate
    from tools.example_session import play

    with tempfile.TemporaryDirectory(prefix="briefing-examples-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'examples.sqlite3'}"
        migrate.upgrade(url)
        apps: list[Flask] = []

        def make_app(**config) -> Flask:
            """An app over the examples' database (or config["DATABASE_URL"]), disposed of at the end."""
            apps.append(throwaway_app(url, seed_dir, **config))
            return apps[-1]

        app = make_app()
        cli = app.test_cli_runner()
        with app.app_context():  # else the commands would run in the invoking app's context
            _invoke(cli, ["seed", "load"])
            tokens = {scope: _invoke(cli, ["tokens", "create", name, "--scope", scope]).splitlines()[-1]
                      for name, scope in (("analyst-desk", "write"), ("newsroom-reader", "read"))}
        recorder = Recorder(app.test_client(), app.test_client().get("/openapi.json").get_json())
        try:
            play(recorder, app, tokens, make_app, tmp)
        finally:
            for each in apps:  # release the SQLite file before its folder goes
                each.extensions["database"].engine.dispose()
        return recorder.examples


def _invoke(cli, args: list[str]) -> str:
    result = cli.invoke(args=args)
    if result.exit_code != 0:
        raise ExampleError(f"flask {' '.join(args)} failed: {result.output}") from result.exception
    return result.output


def dumps(examples: dict) -> str:
    """The file's text: sorted keys and a fixed layout, so a regeneration diffs only real changes."""
    return json.dumps(examples, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=EXAMPLES_FILE)
@click.option("--seeds", type=click.Path(file_okay=False, exists=True), default=str(DEFAULT_SEED_DIR),
              show_default=True, help="The seed folder to load")
def main(path: Path, seeds: str) -> None:
    """Record the examples from a throwaway seeded database into PATH (default: the committed file).

    Then regenerate the spec (`flask --app service openapi write openapi.yaml`) to carry them."""
    examples = generate(seeds)
    path.write_text(dumps(examples), encoding="utf-8")
    operations = examples["operations"]
    click.echo(f"{path}: {len(operations)} operations, "
               f"{len(examples['components']['responses'])} error responses")


if __name__ == "__main__":
    main()
