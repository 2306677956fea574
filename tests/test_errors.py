"""Every failure is an RFC 9457 problem+json body; never HTML, never a bare 500."""

from tests.conftest import make_app
from tests.helpers import assert_problem


def test_unknown_url_is_404_problem(client):
    assert_problem(client.get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_405_problem_with_allow_header(client):
    response = client.delete("/api/v1/actors")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD", "OPTIONS"}


def test_non_integer_id_is_404_problem(client):
    assert_problem(client.get("/api/v1/positions/abc"), 404)


def test_unhandled_exception_is_500_problem_without_internals(app):
    app = make_app(app.config["DATABASE_URL"])

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    body = assert_problem(app.test_client().get("/boom-for-test"), 500)
    assert "secret internals" not in body["detail"]
