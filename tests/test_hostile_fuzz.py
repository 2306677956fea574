"""Schemathesis in negative mode with the write token: for every operation, inputs that break the committed spec
(wrong types, NUL characters, strings past maxLength, numbers past maximum, lists past maxItems, unknown fields),
generated from it, on both databases. Each must be refused with a problem, never a 5xx, and write nothing.

tests/test_hostile_inputs.py sends the classes of input the issue names, each checked to name its field; this
module lets Hypothesis look for what those lists miss.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from service.config import PROJECT_ROOT
from tests import hostile
from tests.helpers import PROBLEM
from tests.test_hostile_inputs import stored

EXAMPLES = 25
schema = schemathesis.openapi.from_path(PROJECT_ROOT / "openapi.yaml")
schema.config.generation.update(modes=[GenerationMode.NEGATIVE], allow_x00=True)
# Generated cases only: the recorded examples are valid (they would write), and the coverage phase's negative
# cases include extra headers on an otherwise valid body, which HTTP allows.
schema.config.phases.update(phases=["fuzzing"])
SENT: Counter[str] = Counter()
# Not minLength: a path segment of 1 character or more is all a request can send.
CONSTRAINTS = ("pattern", "maxLength", "format", "enum", "maximum", "minimum")


def negatable(operation) -> bool:
    """Whether the spec leaves room for an input outside it: a body, a query or header parameter, or a path
    parameter with a type or constraint to break. A path of bare string slugs has none (every string is a valid
    slug and answers 404): schemathesis cannot make a negative case for it, and would skip it. Those operations
    get their hostile slugs (NUL, over-long, trailing newline) from tests/test_hostile_inputs.py instead."""
    if operation.body:
        return True
    for parameter in operation.iter_parameters():
        definition = parameter.definition.get("schema", {})
        location = getattr(parameter.location, "value", parameter.location)
        if location != "path" or definition.get("type", "string") != "string":
            return True
        if any(key in definition for key in CONSTRAINTS):
            return True
    return False


LEFT_OUT = sorted(result.ok().label for result in schema.get_all_operations() if not negatable(result.ok()))
schema = schema.exclude(name=LEFT_OUT)


@pytest.fixture(scope="module", autouse=True)
def record_request_counts():
    yield
    artifacts = PROJECT_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    report = {"examples_per_operation": EXAMPLES, "total": sum(SENT.values()), "requests": dict(sorted(SENT.items()))}
    (artifacts / "hostile-fuzz.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nhostile fuzz: {report['total']} requests")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_fuzz_operation_with_input_outside_the_spec_is_refused_without_write(case, writable_app, tokens, backend):
    before = stored(writable_app)
    headers = {"Authorization": f"Bearer {tokens['write']}"}
    if case.method in ("PATCH", "DELETE"):
        headers["If-Match"] = '"hostile"'  # should validation let it through, a 412 and never a write
    response = case.call(app=writable_app, headers=headers)
    SENT[f"{backend} {case.operation.label}"] += 1
    case.validate_response(response, checks=[not_a_server_error])
    # A negative case can reach the wire valid (schemathesis drops a header it cannot send, and the rest of
    # the request is a valid one): its 201 is right. Every refused one is a problem, and wrote nothing.
    if response.status_code >= 400:
        media_type = response.headers.get("content-type", [""])[0]  # schemathesis: lower-case names, lists
        assert media_type.startswith(PROBLEM), (response.status_code, media_type, case.as_curl_command())
        assert stored(writable_app) == before, (case.as_curl_command(), response.status_code, response.text[:300])


def test_every_operation_left_out_of_the_fuzz_gets_hostile_input_elsewhere():
    left_out = set(LEFT_OUT)
    fuzzed = {result.ok().label for result in schema.get_all_operations()}
    assert left_out and fuzzed and not left_out & fuzzed
    assert left_out <= set(hostile.cases()), sorted(left_out - set(hostile.cases()))
