"""openapi.yaml is complete for its readers: operations described and named, problem+json errors, linted."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from service.config import PROJECT_ROOT

SPEC = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
OPERATIONS = [(method, path, op) for path, item in SPEC["paths"].items()
              for method, op in item.items() if method in METHODS]
IDS = [f"{method.upper()} {path}" for method, path, _ in OPERATIONS]
SPECTRAL = PROJECT_ROOT / "node_modules" / ".bin" / "spectral"


def resolve(node: dict) -> dict:
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = SPEC["components"][section][name]
    return node


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=IDS)
def test_describe_operation_has_summary_description_tags_and_id(method, path, op):
    assert op.get("summary", "").strip(), "summary: the view docstring's first line"
    assert len(op.get("description", "").strip()) > len(op["summary"]) + 20, "description adds to the summary"
    assert op.get("tags") and all(t in {tag["name"] for tag in SPEC["tags"]} for t in op["tags"])
    assert re.fullmatch(r"[a-z]+[A-Za-z]+", op.get("operationId", "")), op.get("operationId")


def test_name_operations_with_unique_ids():
    ids = [op["operationId"] for _, _, op in OPERATIONS]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=IDS)
def test_document_operation_errors_as_problem_json(method, path, op):
    errors = {status: resolve(response) for status, response in op["responses"].items()
              if status == "default" or int(status) >= 400}
    assert "default" in errors, "every operation documents its error shape"
    for status, response in errors.items():
        assert set(response.get("content", {})) == {"application/problem+json"}, status
        schema = resolve(response["content"]["application/problem+json"]["schema"])
        assert {"type", "title", "status"} <= set(schema["required"]), status


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=IDS)
def test_document_operation_success_body_schema(method, path, op):
    success = {status: resolve(r) for status, r in op["responses"].items() if status.startswith("2")}
    redirects = {status: resolve(r) for status, r in op["responses"].items() if status.startswith("3")}
    assert success or redirects, "at least one documented 2xx response (or the redirect it answers with)"
    for status, response in redirects.items():  # the numeric id URLs: a 308 to the slug URL, without a body
        assert status == "308" and "Location" in response.get("headers", {}), status
        assert not response.get("content"), "a redirect has no body"
    for status, response in success.items():
        if status == "204":
            assert not response.get("content"), "a 204 has no body"
            continue
        assert response.get("content"), "a 2xx response documents its body"
        assert all("schema" in media for media in response["content"].values())


def test_lint_spec_with_spectral_passes_at_error_severity():
    assert SPECTRAL.exists(), "install the pinned Node tools: npm ci (make test does it)"
    result = subprocess.run(
        [str(SPECTRAL), "lint", "openapi.yaml", "--ruleset", ".spectral.yaml", "--fail-severity=error",
         "--format=text", "--display-only-failures"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_turn_off_spectral_rule_only_with_a_reason():
    lines = (PROJECT_ROOT / ".spectral.yaml").read_text(encoding="utf-8").splitlines()
    off = [i for i, line in enumerate(lines) if re.match(r"\s+\S+:\s*off\s*$", line)]
    assert off, "the ruleset turns rules off explicitly, never by omission"
    for i in off:
        assert lines[i - 1].strip().startswith("#"), f"no reason given above: {lines[i].strip()}"
