"""What a response-cache hit answers (service/http/response_cache.py): the miss's representation, the app's rate
limits, If-None-Match and HEAD, with the view not run again."""

from __future__ import annotations

import uuid

import pytest

from service import create_app
from tests.conftest import SEED_DIR
from tests.helpers import assert_problem

URL = "/api/v1/positions?limit=3&sort=-date"


@pytest.fixture()
def make_app(seeded_app):
    """Apps over the seeded database, cache on, with rate limits of their own; app.views counts the requests
    that reached the positions' list view."""
    def make(**config):
        app = create_app({"TESTING": True, "DATABASE_URL": seeded_app.config["DATABASE_URL"],
                          "SEED_DIR": str(SEED_DIR), "RATELIMIT_ENABLED": True,
                          "RATELIMIT_KEY_PREFIX": f"test-hits-{uuid.uuid4().hex[:12]}", **config})
        endpoint = next(rule.endpoint for rule in app.url_map.iter_rules() if rule.rule == "/api/v1/positions")
        view = app.view_functions[endpoint]
        app.views = []

        def counting(*args, **kwargs):
            app.views.append(endpoint)
            return view(*args, **kwargs)

        app.view_functions[endpoint] = counting
        return app

    return make


def test_get_twice_second_is_a_hit_with_the_same_representation(make_app):
    app = make_app()
    client = app.test_client()
    miss = client.get(URL)
    hit = client.get(URL, headers={"X-Request-ID": "trace-42"})
    assert (miss.headers["X-Cache"], hit.headers["X-Cache"]) == ("miss", "hit")
    assert len(app.views) == 1
    assert hit.data == miss.data and hit.status_code == 200
    for name in ("ETag", "Content-Type", "Cache-Control", "Link", "Content-Length", "Vary"):
        assert hit.headers[name] == miss.headers[name], name
    assert hit.headers["X-Request-ID"] == "trace-42"
    assert client.get(URL).headers["X-Request-ID"] != miss.headers["X-Request-ID"]


def test_get_hit_with_matching_if_none_match_is_304_and_head_has_no_body(make_app):
    app = make_app()
    client = app.test_client()
    etag = client.get(URL).headers["ETag"]
    revalidated = client.get(URL, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304 and revalidated.data == b"" and revalidated.headers["ETag"] == etag
    assert client.get(URL, headers={"If-None-Match": '"stale"'}).status_code == 200
    head = client.head(URL)
    assert head.status_code == 200 and head.data == b"" and head.headers["X-Cache"] == "hit"
    assert len(app.views) == 1


def test_get_hits_count_against_the_route_rate_limit(make_app):
    app = make_app(RATELIMIT_DEFAULT="3/minute")
    client = app.test_client()
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(URL)
    assert_problem(refused, 429)
    assert int(refused.headers["Retry-After"]) >= 1 and refused.headers["X-Request-ID"]
    assert len(app.views) == 1  # the miss; the hits and the refusal ran no view
    # Another route keeps its own budget, hits or not.
    assert client.get("/api/v1/actors?limit=1").status_code == 200


def test_get_hits_behind_a_trusted_proxy_count_each_forwarded_client(make_app):
    app = make_app(RATELIMIT_DEFAULT="2/minute", TRUSTED_PROXIES=1)
    client = app.test_client()
    for address in ("203.0.113.7", "198.51.100.9"):
        statuses = [client.get(URL, headers={"X-Forwarded-For": address}).status_code for _ in range(3)]
        assert statuses == [200, 200, 429], address


@pytest.mark.parametrize(("config", "headers"), [
    ({}, {"Cache-Control": "no-cache"}),
    ({"RESPONSE_CACHE": False}, {}),
])
def test_get_that_asks_for_or_configures_no_cache_runs_the_view_each_time(make_app, config, headers):
    app = make_app(**config)
    client = app.test_client()
    first, second = client.get(URL, headers=headers), client.get(URL, headers=headers)
    assert first.status_code == second.status_code == 200 and first.data == second.data
    assert len(app.views) == 2


def test_get_hit_with_cors_on_carries_the_requests_own_cors_headers(make_app):
    app = make_app(CORS_ORIGINS=["https://analyst.example.org", "https://desk.example.org"])
    client = app.test_client()
    first = client.get(URL, headers={"Origin": "https://analyst.example.org"})
    hit = client.get(URL, headers={"Origin": "https://desk.example.org"})
    assert hit.headers["X-Cache"] == "hit" and hit.data == first.data and len(app.views) == 1
    assert first.headers["Access-Control-Allow-Origin"] == "https://analyst.example.org"
    assert hit.headers["Access-Control-Allow-Origin"] == "https://desk.example.org"
    unlisted = client.get(URL, headers={"Origin": "https://elsewhere.example.net"})
    assert unlisted.headers["X-Cache"] == "hit" and "Access-Control-Allow-Origin" not in unlisted.headers


def test_get_while_the_data_version_cannot_be_read_is_503_after_the_requests_own_400_and_406(make_app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from service.http import response_cache

    def down(_app):
        raise OperationalError("SELECT version FROM data_version", None, Exception("connection refused"))

    app = make_app()
    monkeypatch.setattr(response_cache, "current_versions", down)
    client = app.test_client()
    assert_problem(client.get(URL + "&bogus=1"), 400)
    assert_problem(client.get(URL, headers={"Accept": "application/xml"}), 406)
    assert_problem(client.get(URL), 503)
    assert app.views == []  # the view never waited for the database again
