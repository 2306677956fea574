"""CORS: off by default; for the origins in CORS_ORIGINS on /api/* and /openapi.json, preflight included."""

from __future__ import annotations

import pytest

from service import create_app
from service.config import ConfigError, finalize, load_config
from tests.conftest import SEED_DIR

ORIGIN = "https://analyst.example.org"
OTHER = "https://elsewhere.example.net"


@pytest.fixture()
def make_client(seeded_app):
    def make(**config):
        return create_app({"TESTING": True, "DATABASE_URL": seeded_app.config["DATABASE_URL"],
                           "SEED_DIR": str(SEED_DIR), "RATELIMIT_ENABLED": False, **config}).test_client()

    return make


def test_get_actors_without_cors_origins_sends_no_cors_headers(make_client):
    response = make_client().get("/api/v1/actors", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert not [name for name in response.headers.keys() if name.startswith("Access-Control-")]


def test_get_actors_from_allowed_origin_gets_allow_origin_and_exposed_headers(make_client):
    client = make_client(CORS_ORIGINS=f"{OTHER}, {ORIGIN}")
    response = client.get("/api/v1/actors", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Link", "Location", "Retry-After", "X-Request-ID"} <= exposed


def test_get_actors_from_unlisted_origin_gets_no_allow_origin(make_client):
    response = make_client(CORS_ORIGINS=ORIGIN).get("/api/v1/actors", headers={"Origin": OTHER})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_get_actors_cached_response_is_not_replayed_with_another_origins_cors(make_client):
    client = make_client(CORS_ORIGINS=ORIGIN)
    first = client.get("/api/v1/actors?limit=3", headers={"Origin": ORIGIN})
    again = client.get("/api/v1/actors?limit=3", headers={"Origin": OTHER})
    assert first.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert again.headers.get("X-Cache") == "hit"
    assert "Access-Control-Allow-Origin" not in again.headers


def test_preflight_patch_actor_from_allowed_origin_allows_method_and_headers(make_client):
    response = make_client(CORS_ORIGINS=ORIGIN).options("/api/v1/actors/emmanuel-macron", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "Authorization, Content-Type, If-Match"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "PATCH" in response.headers["Access-Control-Allow-Methods"]
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "if-match"} <= allowed


def test_get_openapi_json_from_allowed_origin_gets_allow_origin(make_client):
    response = make_client(CORS_ORIGINS=ORIGIN).get("/openapi.json", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_get_healthz_from_allowed_origin_gets_no_cors_headers(make_client):
    response = make_client(CORS_ORIGINS=ORIGIN).get("/healthz", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_get_actors_with_wildcard_origin_allows_any_origin(make_client):
    response = make_client(CORS_ORIGINS="*").get("/api/v1/actors", headers={"Origin": OTHER})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_get_actors_rate_limited_from_allowed_origin_exposes_retry_after(make_client):
    client = make_client(CORS_ORIGINS=ORIGIN, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="1/minute",
                         RATELIMIT_KEY_PREFIX="test-cors")
    client.get("/api/v1/actors", headers={"Origin": ORIGIN})
    response = client.get("/api/v1/actors", headers={"Origin": ORIGIN})
    assert response.status_code == 429
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("value", ["analyst.example.org", "https://analyst.example.org/app", "ftp://x.org"])
def test_load_config_with_malformed_cors_origin_raises_one_line_error(monkeypatch, value):
    monkeypatch.setenv("CORS_ORIGINS", f"{ORIGIN},{value}")
    with pytest.raises(ConfigError, match="CORS_ORIGINS") as caught:
        finalize(load_config())
    assert "\n" not in str(caught.value)


def test_load_config_splits_cors_origins(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", f" {ORIGIN} ,http://localhost:5173,")
    assert finalize(load_config())["CORS_ORIGINS"] == [ORIGIN, "http://localhost:5173"]
