"""One rule for every query string: unknown or repeated parameters are a 400 problem naming them."""

import pytest

from service.extensions import api
from tests.helpers import assert_problem

ITEMS = ["/api/v1/actors/france", "/api/v1/briefings/coalition-of-the-willing-paris-2025",
         "/api/v1/documents/lemonde-2025-03-26-coalition-of-the-willing",
         "/api/v1/documents/lemonde-2025-03-26-coalition-of-the-willing/coverage"]


def spec_paths(app):
    with app.app_context():
        return api.spec.to_dict()["paths"]


def get_paths_without_parameters(app):
    return [path for path, ops in spec_paths(app).items() if "get" in ops and "{" not in path]


def test_every_operation_documents_the_400(app):
    for path, operations in spec_paths(app).items():
        for method, operation in operations.items():
            if method in ("get", "post", "patch", "put", "delete"):
                assert "400" in operation["responses"], (method, path)


def test_every_get_without_path_parameters_rejects_an_unknown_parameter(client, app):
    paths = get_paths_without_parameters(app)
    assert "/api/v1/actors" in paths and "/healthz" in paths
    for path in paths:
        assert_problem(client.get(path + "?bogus=1"), 400, "bogus")


@pytest.mark.parametrize("path", ITEMS)
def test_item_with_unknown_parameter_is_400_naming_it(client, path):
    assert client.get(path).status_code == 200
    body = assert_problem(client.get(path + "?bogus=1"), 400, "bogus")
    assert body["errors"][0]["location"] == "query"


def test_repeated_parameter_is_400_naming_it(client):
    assert client.get("/api/v1/actors?limit=2").status_code == 200
    body = assert_problem(client.get("/api/v1/actors?limit=2&limit=3"), 400, "limit")
    assert "more than once" in body["errors"][0]["message"]


def test_known_parameters_still_pass_and_are_validated(client):
    assert client.get("/api/v1/actors?limit=2&sort=slug").status_code == 200
    assert_problem(client.get("/api/v1/actors?limit=0"), 400, "limit")


def test_head_follows_the_same_rule(client):
    assert client.head("/api/v1/actors/france?bogus=1").status_code == 400
    assert client.head("/api/v1/actors/france").status_code == 200


def test_pages_outside_the_spec_are_not_checked(client):
    assert client.get("/openapi.json?v=1").status_code == 200
