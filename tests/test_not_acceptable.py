"""Content negotiation is one rule for every GET: an Accept that none of the operation's media types satisfies
is a 406 problem listing them; a missing Accept, `*/*` and `application/*` get the operation's default."""

import re

import pytest

from tests.helpers import PROBLEM, assert_problem

BRIEFING = "coalition-of-the-willing-paris-2025"


def get_operations(spec: dict):
    """(path with its parameters filled, the 200's media types) for every GET of the spec.

    Path parameters get a placeholder of their type (the 406 comes before any lookup); required query
    parameters (`q` of the search) get a value, or the request would be a 400 for missing them."""
    for path, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
        filled = path
        query = []
        for parameter in parameters:
            if "$ref" in parameter:
                parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
            value = "1" if parameter.get("schema", {}).get("type") == "integer" else "x"
            if parameter["in"] == "path":
                filled = filled.replace("{" + parameter["name"] + "}", value)
            elif parameter["in"] == "query" and parameter.get("required"):
                query.append(f"{parameter['name']}={value}")
        assert not re.search(r"\{[^}]+\}", filled), filled
        yield filled + ("?" + "&".join(query) if query else ""), tuple(operation["responses"]["200"]["content"])


@pytest.fixture()
def spec(client) -> dict:
    return client.get("/openapi.json").get_json()


def test_get_every_operation_unacceptable_accept_is_406_listing_media_types(client, spec):
    operations = list(get_operations(spec))
    assert any(url.startswith("/api/v1/search?q=") for url, _ in operations)
    assert any(url == "/healthz" for url, _ in operations)
    for url, media_types in operations:
        response = client.get(url, headers={"Accept": "application/xml"})
        body = assert_problem(response, 406)
        assert all(media_type in body["detail"] for media_type in media_types), (url, body)


def test_get_every_operation_documents_406(spec):
    for path, item in spec["paths"].items():
        if "get" in item:
            assert item["get"]["responses"]["406"] == {"$ref": "#/components/responses/NOT_ACCEPTABLE"}, path


@pytest.mark.parametrize("url", ["/api/v1/actors", "/api/v1/actors/emmanuel-macron", "/healthz",
                                 f"/api/v1/briefings/{BRIEFING}", "/api/v1/search?q=Macron"])
@pytest.mark.parametrize("accept", [None, "*/*", "application/*", "application/json",
                                    "application/json, application/problem+json",
                                    "text/html;q=0.9, application/xml;q=0.8, */*;q=0.1"])
def test_get_acceptable_accept_is_200(client, url, accept):
    response = client.get(url, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.get_data(as_text=True)
    expected = "application/json"
    if accept and accept.startswith("text/html"):
        expected = "text/html" if "/actors/" in url or "/briefings/" in url else "application/json"
    assert response.mimetype == expected, (url, accept, response.mimetype)


def test_get_list_accept_only_problem_json_is_406(client):
    body = assert_problem(client.get("/api/v1/actors", headers={"Accept": "application/problem+json"}), 406)
    assert "application/json" in body["detail"]


def test_head_unacceptable_accept_is_406(client):
    response = client.head("/api/v1/positions", headers={"Accept": "image/png"})
    assert response.status_code == 406 and response.mimetype == PROBLEM


def test_get_unknown_parameter_with_unacceptable_accept_is_400_first(client):
    assert_problem(client.get("/api/v1/actors?bogus=1", headers={"Accept": "application/xml"}), 400)


def test_get_unknown_slug_acceptable_accept_is_404(client):
    assert_problem(client.get("/api/v1/actors/no-such-actor", headers={"Accept": "*/*"}), 404)
