"""Security headers on every response (service/http/security_headers.py), a Content-Security-Policy that hashes the
pages' own inline blocks, and one `Vary: Accept` on every response negotiated on Accept."""

from __future__ import annotations

import re

import pytest

from service import create_app
from service.http.security_headers import inline_scripts, sha256_source
from tests.conftest import SEED_DIR
from tests.helpers import BRIEFING

DOCUMENT = "lemonde-2025-03-26-coalition-of-the-willing"
HTML = {"Accept": "text/html"}
PAGES = [(f"/api/v1/briefings/{BRIEFING}", HTML), (f"/api/v1/documents/{DOCUMENT}", HTML), ("/docs", {})]
NEGOTIATED = [
    ("/api/v1/positions?limit=2", {}), ("/api/v1/positions/export", {"Accept": "text/csv"}),
    ("/api/v1/events/export", {"Accept": "application/x-ndjson"}), ("/api/v1/actors/export?format=csv", {}),
    (f"/api/v1/briefings/{BRIEFING}", {"Accept": "text/markdown"}), (f"/api/v1/briefings/{BRIEFING}", {}),
    (f"/api/v1/documents/{DOCUMENT}", HTML), (f"/api/v1/documents/{DOCUMENT}", {}),
    (f"/api/v1/briefings/{BRIEFING}", {"Accept": "application/pdf"}),  # the 406 depends on Accept too
]


def policy(response) -> dict[str, list[str]]:
    directives = [d.split() for d in response.headers["Content-Security-Policy"].split(";")]
    return {d[0]: d[1:] for d in directives}


@pytest.mark.parametrize(("url", "headers"), [
    ("/api/v1/actors/france", {}), ("/api/v1/actors/nobody-at-all", {}), ("/healthz", {}), ("/openapi.json", {}),
    ("/docs/assets/swagger-ui.css", {}), *PAGES,
])
def test_get_any_response_sends_nosniff_no_framing_and_no_referrer(client, url, headers):
    for response in (client.get(url, headers=headers), client.get(url, headers=headers)):  # a cache hit too
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert policy(response)["frame-ancestors"] == ["'none'"]


def test_get_304_keeps_the_security_headers(client):
    etag = client.get("/api/v1/actors/france").headers["ETag"]
    response = client.get("/api/v1/actors/france", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("url", "headers"), PAGES)
def test_get_html_page_policy_allows_own_assets_and_exactly_its_inline_blocks(client, url, headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html, directives = response.get_data(as_text=True), policy(response)
    assert directives["default-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert all(source == "'self'" or source.startswith("'sha256-") for source in directives["script-src"])
    assert set(directives["img-src"]) == {"'self'", "data:"}
    styles, scripts = re.findall(r"<style>(.*?)</style>", html, flags=re.S), inline_scripts(html)
    assert styles or scripts
    assert {sha256_source(block) for block in styles} <= set(directives["style-src"])
    assert {sha256_source(block) for block in scripts} <= set(directives["script-src"])
    assert not re.search(r"\sstyle=|\son[a-z]+=", html)  # no inline attribute the policy would block
    assert all(src.startswith("/") for src in re.findall(r'(?:src|href)="([^"#]+)"', html) if src != "data:,"), html


@pytest.mark.parametrize(("url", "headers"), NEGOTIATED)
def test_get_negotiated_response_varies_on_accept_once(client, url, headers):
    for _ in range(2):  # the second may be a cache hit
        with client.get(url, headers=headers) as response:  # an export streams: closed at the end
            [vary] = response.headers.getlist("Vary")  # one line: Accept once (with Accept-Encoding, compressible)
            assert [v.strip() for v in vary.split(",")].count("Accept") == 1, (response.status_code, response.headers)
            assert set(v.strip() for v in vary.split(",")) <= {"Accept", "Accept-Encoding"}


def test_get_record_not_negotiated_does_not_vary_on_accept(client):
    # (actors and proposals are negotiated now, JSON or their HTML page: tests/test_pages.py checks their Vary)
    response = client.get("/api/v1/documents/lemonde-2025-03-26-coalition-of-the-willing/coverage")
    assert response.status_code == 200 and response.headers.getlist("Vary") == ["Accept-Encoding"]


def test_get_negotiated_response_with_cors_has_one_vary_line_naming_accept_and_origin(app):
    cors_app = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SEED_DIR": str(SEED_DIR),
                           "RATELIMIT_ENABLED": False, "CORS_ORIGINS": "https://a.example.org,https://b.example.org"})
    response = cors_app.test_client().get("/api/v1/positions?limit=1", headers={"Origin": "https://a.example.org"})
    [vary] = response.headers.getlist("Vary")
    assert sorted(v.strip() for v in vary.split(",")) == ["Accept", "Accept-Encoding", "Origin"]
