"""Every body openapi.yaml documents has an example, the example conforms to its schema, and the examples are
what the real API answers today (`python -m tools.examples` records them; `make openapi` publishes)."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner
from openapi_schema_validator import OAS30Validator

from service.config import PROJECT_ROOT
from service.http.openapi import EXAMPLES_FILE
from tools import examples

SPEC = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
METHODS = ("get", "put", "post", "patch", "delete")
OPERATIONS = [(f"{method.upper()} {path}", op) for path, item in SPEC["paths"].items()
              for method, op in item.items() if method in METHODS]


def resolve(node: dict) -> dict:
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = SPEC["components"][section][name]
    return node


def bodies(op: dict) -> dict[str, dict]:
    """Each media type object of the operation's request body and responses (referenced ones resolved)."""
    found = {f"request {media_type}": media
             for media_type, media in resolve(op.get("requestBody", {})).get("content", {}).items()}
    for status, response in op["responses"].items():
        for media_type, media in resolve(response).get("content", {}).items():
            found[f"{status} {media_type}"] = media
    return found


@pytest.mark.parametrize("op", [op for _, op in OPERATIONS], ids=[label for label, _ in OPERATIONS])
def test_document_operation_bodies_each_with_an_example(op):
    missing = [where for where, media in bodies(op).items() if "example" not in media]
    assert not missing, f"no example for {missing}: record them with `python -m tools.examples`"


# Each example once: the operations' own bodies, then the shared error responses they refer to.
EXAMPLES = {f"{label} {where}": (media["schema"], media["example"])
            for label, op in OPERATIONS
            for where, media in bodies({**op, "responses": {s: r for s, r in op["responses"].items()
                                                            if "$ref" not in r}}).items()
            if "example" in media}
EXAMPLES |= {f"components {name} {media_type}": (media["schema"], media["example"])
             for name, response in SPEC["components"]["responses"].items()
             for media_type, media in response.get("content", {}).items() if "example" in media}


def conformance_errors(schema: dict, example) -> list[str]:
    """Validate against the schema with the spec's components beside it, so `#/components/...` resolves."""
    validator = OAS30Validator({**schema, "components": SPEC["components"]},
                               format_checker=OAS30Validator.FORMAT_CHECKER)
    return [f"{'.'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in validator.iter_errors(example)]


@pytest.mark.parametrize(("schema", "example"),
                         [pytest.param(*EXAMPLES[where], id=where) for where in sorted(EXAMPLES)])
def test_example_conforms_to_its_schema(schema, example):
    assert not conformance_errors(schema, example)


def test_validate_example_rejects_a_body_that_breaks_its_schema():
    actor = SPEC["paths"]["/api/v1/actors/{slug}"]["get"]["responses"]["200"]["content"]["application/json"]
    broken = {**actor["example"], "kind": "wizard", "id": "121"}
    assert sorted(e.split(":")[0] for e in conformance_errors(actor["schema"], broken)) == ["id", "kind"]


def test_examples_file_equals_what_the_seeded_api_answers_now(tmp_path):
    written = tmp_path / "examples.json"
    result = CliRunner().invoke(examples.main, [str(written), "--seeds", str(PROJECT_ROOT / "seeds")])
    assert result.exit_code == 0, (result.output, result.exception)
    committed = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    assert json.loads(written.read_text(encoding="utf-8")) == committed, \
        "the API's answers changed: python -m tools.examples, then make openapi"
    assert written.read_text(encoding="utf-8") == EXAMPLES_FILE.read_text(encoding="utf-8"), "write it with the CLI"


def test_spec_examples_are_the_recorded_ones():
    recorded = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    post = SPEC["paths"]["/api/v1/actors"]["post"]
    assert post["requestBody"]["content"]["application/json"]["example"] == \
        recorded["operations"]["postActors"]["requestBody"]["application/json"]
    not_found = SPEC["components"]["responses"]["NOT_FOUND"]["content"]["application/problem+json"]["example"]
    assert not_found == recorded["components"]["responses"]["NOT_FOUND"]["application/problem+json"]
