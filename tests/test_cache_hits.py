"""Cache hits answered in front of Flask (service/http/cache_hits.py): the app's answer, the app's rate limits."""

from __future__ import annotations

import uuid

import pytest

from service import create_app
from tests.conftest import SEED_DIR
from tests.helpers import assert_problem

URL = "/api/v1/positions?limit=3&sort=-date"


@pytest.fixture()
def make_app(seeded_app):
    """Apps over the seeded database, cache on, with rate limits of their own; app.inner counts the requests
    that reach Flask."""
    def make(**config):
        app = create_app({"TESTING": True, "DATABASE_URL": seeded_app.config["DATABASE_URL"],
                          "SEED_DIR": str(SEED_DIR), "RATELIMIT_ENABLED": True,
                          "RATELIMIT_KEY_PREFIX": f"test-hits-{uuid.uuid4().hex[:12]}", **config})
        middleware = app.wsgi_app if hasattr(app.wsgi_app, "wsgi_app") else app.wsgi_app.app  # under ProxyFix
        inner = middleware.wsgi_app
        app.inner = []

        def counting(environ, start_response):
            app.inner.append(environ["PATH_INFO"])
            return inner(environ, start_response)

        middleware.wsgi_app = counting
        return app

    return make


def test_get_twice_second_is_answered_before_flask_with_the_same_representation(make_app):
    app = make_app()
    client = app.test_client()
    miss = client.get(URL)
    hit = client.get(URL, headers={"X-Request-ID": "trace-42"})
    assert (miss.headers["X-Cache"], hit.headers["X-Cache"]) == ("miss", "hit")
    assert app.inner == ["/api/v1/positions"]
    assert hit.data == miss.data and hit.status_code == 200
    for name in ("ETag", "Content-Type", "Cache-Control", "Link", "Content-Length"):
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
    assert app.inner == ["/api/v1/positions"]


def test_get_hits_count_against_the_route_rate_limit_and_the_429_is_the_apps(make_app):
    app = make_app(RATELIMIT_DEFAULT="3/minute")
    client = app.test_client()
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(URL)
    assert_problem(refused, 429)
    assert int(refused.headers["Retry-After"]) >= 1 and refused.headers["X-Request-ID"]
    assert app.inner == ["/api/v1/positions", "/api/v1/positions"]  # the miss, then the refusal
    # Another route keeps its own budget, hits or not.
    assert client.get("/api/v1/actors?limit=1").status_code == 200


def test_get_hits_behind_a_trusted_proxy_count_each_forwarded_client(make_app):
    app = make_app(RATELIMIT_DEFAULT="2/minute", TRUSTED_PROXIES=1)
    client = app.test_client()
    for address in ("203.0.113.7", "198.51.100.9"):
        statuses = [client.get(URL, headers={"X-Forwarded-For": address}).status_code for _ in range(3)]
        assert statuses == [200, 200, 429], address


@pytest.mark.parametrize(("config", "headers"), [
    ({}, {"Authorization": "Bearer made-up"}),  # the token must be looked up
    ({}, {"Cache-Control": "no-cache"}),
    ({"CORS_ORIGINS": ["https://analyst.example.org"]}, {"Origin": "https://analyst.example.org"}),
    ({"RESPONSE_CACHE": False}, {}),
])
def test_get_that_may_need_more_than_the_stored_response_goes_to_the_app(make_app, config, headers):
    app = make_app(**config)
    client = app.test_client()
    first, second = client.get(URL, headers=headers), client.get(URL, headers=headers)
    assert first.status_code == second.status_code == 200
    assert app.inner == ["/api/v1/positions"] * 2


def test_get_entry_stored_without_its_endpoint_is_replayed_by_the_app(make_app):
    """An entry from Redis written before entries named their view: the app replays it, rate limit and all."""
    app = make_app()
    client = app.test_client()
    client.get(URL)
    cache = app.extensions["response_cache"]
    (key, entry), = cache.local.entries.items()
    cache.local.put(key, type(entry)(entry.status, entry.headers, entry.body))
    again = client.get(URL)
    assert again.headers["X-Cache"] == "hit" and again.data == entry.body
    assert app.inner == ["/api/v1/positions"] * 2
