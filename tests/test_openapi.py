"""The committed openapi.yaml is exactly what the code serves, and it is a valid OpenAPI 3.0 document."""

import json

import yaml
from openapi_spec_validator import validate

from service.config import PROJECT_ROOT


def test_committed_openapi_yaml_equals_served_spec(client):
    committed = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    served = json.loads(client.get("/openapi.json").data)
    assert committed == served, "regenerate: make openapi"


def test_served_spec_is_valid_openapi(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"] == "3.0.3"
    validate(spec)


def test_errors_are_documented_as_problem_json(client):
    spec = client.get("/openapi.json").get_json()
    assert "application/problem+json" in spec["components"]["responses"]["NOT_FOUND"]["content"]
    op = spec["paths"]["/api/v1/actors"]["get"]
    assert op["responses"]["400"] == {"$ref": "#/components/responses/BAD_REQUEST"}


def test_every_operation_has_a_summary_and_tag(client):
    spec = client.get("/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                assert op.get("summary") and op.get("tags"), f"{method} {path}"
