"""GET /: the index, JSON by default (links to the docs, the spec, the briefings, every collection and its export),
an HTML page of the same links with Accept: text/html."""

from __future__ import annotations

import re

from tests.helpers import BRIEFING, assert_problem


def test_get_index_links_docs_spec_briefings_and_collections(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    links = {link["name"]: link["url"] for link in body["links"]}
    assert links["docs"] == "/docs" and links["openapi"] == "/openapi.json"
    assert f"/api/v1/briefings/{BRIEFING}" in [b["url"] for b in body["briefings"]]
    collections = {c["name"]: c for c in body["collections"]}
    assert collections["aid-items"] == {"name": "aid-items", "url": "/api/v1/aid-items",
                                        "export": "/api/v1/aid-items/export"}
    assert collections["documents"]["export"] is None
    assert "search" not in collections  # it needs `q`: not a link that answers by itself


def test_get_index_every_link_answers_200(client):
    body = client.get("/").get_json()
    urls = [link["url"] for link in body["links"]] + [b["url"] for b in body["briefings"]]
    for collection in body["collections"]:
        urls += [collection["url"]] + ([collection["export"]] if collection["export"] else [])
    for url in urls:
        response = client.get(url)
        response.get_data()  # an export streams: read it to the end
        assert response.status_code == 200, url


def test_get_index_as_html_links_the_same_without_external_assets(client):
    response = client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    hrefs = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert "/docs" in hrefs and "/openapi.json" in hrefs and f"/api/v1/briefings/{BRIEFING}" in hrefs
    assert all(h.startswith("/") or h == "data:," for h in hrefs), hrefs
    assert response.headers["Vary"].split(", ").count("Accept") == 1


def test_get_index_with_unacceptable_accept_is_406(client):
    assert_problem(client.get("/", headers={"Accept": "application/xml"}), 406)


def test_get_index_with_a_query_is_400_naming_it(client):
    assert_problem(client.get("/?bogus=1"), 400, "bogus")
