"""Cursor pagination: limit, next links in body and Link header, no gaps or duplicates."""

import pytest

from tests.helpers import all_items, assert_problem


def test_list_positions_walks_pages_without_gaps_or_duplicates(client):
    everything = client.get("/api/v1/positions?limit=500").get_json()["items"]
    walked = all_items(client, "/api/v1/positions?limit=7")
    assert [p["id"] for p in walked] == [p["id"] for p in everything]
    assert len(everything) > 7


def test_list_page_sends_link_header_matching_next(client):
    response = client.get("/api/v1/positions?limit=5&topic=reassurance_force")
    body = response.get_json()
    assert len(body["items"]) == 5 and body["limit"] == 5
    assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
    assert "topic=reassurance_force" in body["next"]


def test_last_page_has_no_next_and_no_link(client):
    response = client.get("/api/v1/briefings")
    assert response.get_json()["next"] is None
    assert "Link" not in response.headers


def test_default_limit_is_50(client):
    assert client.get("/api/v1/actors").get_json()["limit"] == 50


@pytest.mark.parametrize("limit", ["0", "501", "-1", "ten"])
def test_list_with_bad_limit_is_400_naming_limit(client, limit):
    assert_problem(client.get(f"/api/v1/actors?limit={limit}"), 400, "limit")


@pytest.mark.parametrize("cursor", ["garbage", "aWQ6eA", "%FF"])
def test_list_with_bad_cursor_is_400_naming_cursor(client, cursor):
    assert_problem(client.get(f"/api/v1/actors?cursor={cursor}"), 400, "cursor")


def test_list_with_unknown_parameter_is_400_naming_it(client):
    body = assert_problem(client.get("/api/v1/aid-items?colour=red"), 400, "colour")
    assert "colour" in body["detail"]
