"""Hostile input to every operation of the spec, on SQLite and PostgreSQL (the cases: tests/hostile.py): NUL
characters, over-long strings, trailing newlines, 5,000-digit integers, values past their maximum, lists past
maxItems, deep JSON, crafted cursors, bad Idempotency-Keys. Every answer is below 500; every error is a problem
naming the parameter or field; nothing is written. The number of requests goes to test-artifacts/.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import func, select

from service.config import PROJECT_ROOT
from service.extensions import db
from service.models import Briefing, Change, Document, IdempotencyKey, Record
from tests import hostile
from tests.helpers import PROBLEM

CASES = hostile.cases()
SENT: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def record_request_counts():
    """Write how many requests each operation got (and the total) to test-artifacts/, and print the total."""
    yield
    artifacts = PROJECT_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    report = {"total": sum(SENT.values()), "requests": dict(sorted(SENT.items()))}
    (artifacts / "hostile-inputs.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nhostile inputs: {report['total']} requests, no 500")


def stored(app) -> dict[str, int]:
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
                for model in (Record, Briefing, Document, Change, IdempotencyKey)}


def failure(case: hostile.Case, response) -> str | None:
    """What is wrong with RESPONSE to CASE, or None."""
    if response.status_code >= 500:
        return f"{response.status_code}: {response.get_data(as_text=True)[:300]}"
    if case.status and response.status_code not in case.status:
        return f"{response.status_code}, expected {case.status}: {response.get_data(as_text=True)[:300]}"
    if response.status_code < 400:
        return None
    if response.mimetype != PROBLEM:
        return f"{response.status_code} as {response.mimetype}, not a problem"
    named = [(e["location"], e["field"]) for e in response.get_json().get("errors", [])]
    if case.field is not None and (case.location, case.field) not in named:
        return f"{response.status_code} names {named}, not {case.location} {case.field!r}"
    return None


@pytest.mark.parametrize("operation", sorted(CASES))
def test_hostile_input_to_operation_is_refused_by_name_without_500_or_write(operation, writable_app, tokens):
    client = writable_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['write']}"
    before, failures = stored(writable_app), []
    for case in CASES[operation]:
        response = client.open(case.url, method=case.method.upper(), data=case.body, headers=case.headers,
                               content_type="application/json" if case.body is not None else None)
        SENT[operation] += 1
        problem = failure(case, response)
        if problem:
            failures.append(f"{case.url[:120]!r} {(case.body or '')[:160]!r}: {problem}")
    assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} of {len(CASES[operation])} cases)"
    assert stored(writable_app) == before
