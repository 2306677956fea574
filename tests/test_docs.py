"""/docs serves Swagger UI with every asset from the app itself, no CDN."""

import re


def test_docs_page_loads_assets_only_from_this_server(client):
    html = client.get("/docs").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source


def test_docs_assets_are_served(client):
    response = client.get("/docs/assets/swagger-ui-bundle.js")
    assert response.status_code == 200 and len(response.data) > 100_000


def test_unknown_docs_asset_is_404_problem(client):
    assert client.get("/docs/assets/../../etc/passwd").status_code == 404
    assert client.get("/docs/assets/nothing.js").mimetype == "application/problem+json"


def test_openapi_json_is_served(client):
    assert client.get("/openapi.json").get_json()["info"]["title"] == "Briefing API"
