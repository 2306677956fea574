"""/healthz and /readyz: liveness, and readiness that reports a missing database."""

from service import create_app
from tests.helpers import assert_problem


def test_healthz_says_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_says_ok_when_database_answers(client):
    assert client.get("/readyz").get_json() == {"status": "ok"}


def test_readyz_is_503_problem_when_database_is_unreachable():
    app = create_app({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/readyz")
    assert_problem(response, 503)
    assert response.headers["Retry-After"]


def test_data_endpoint_is_503_problem_when_database_is_unreachable():
    app = create_app({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert_problem(app.test_client().get("/api/v1/actors"), 503)
