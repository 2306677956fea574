"""Bearer tokens: hashed at rest, scoped, managed with `flask tokens`; reads public by default."""

import uuid

from sqlalchemy import event, select

from service import create_app
from service.extensions import db
from service.models import ApiToken
from tests.conftest import SEED_DIR, make_app
from tests.helpers import assert_problem, recorded_statements

ACTOR = {"briefing": "coalition-of-the-willing-paris-2025", "slug": "auth-probe", "name": "Probe",
         "kind": "person", "citations": [{"quote": "led by the British"}]}


def test_write_without_token_is_401_with_challenge(writable_app):
    response = writable_app.test_client().post("/api/v1/actors", json={})
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="briefing-api"')


def test_write_with_unknown_token_is_401_invalid_token(writable_app):
    response = writable_app.test_client().post(
        "/api/v1/actors", json=ACTOR, headers={"Authorization": "Bearer brf_not-a-real-token"})
    assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert "brf_not-a-real-token" not in response.get_data(as_text=True)


def test_write_with_malformed_authorization_is_401(writable_app):
    response = writable_app.test_client().post("/api/v1/actors", json=ACTOR,
                                                headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_problem(response, 401)


def test_write_with_read_scope_is_403_insufficient_scope(writable_app, tokens):
    response = writable_app.test_client().delete(
        "/api/v1/actors/france", headers={"Authorization": f"Bearer {tokens['read']}", "If-Match": "*"})
    assert_problem(response, 403)
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_admin_scope_may_write(writable_app, tokens):
    response = writable_app.test_client().patch(
        "/api/v1/actors/nobody", json={},
        headers={"Authorization": f"Bearer {tokens['admin']}", "If-Match": "*"})
    assert_problem(response, 404)


def test_reads_are_public_by_default(writable_app):
    assert writable_app.test_client().get("/api/v1/actors").status_code == 200


def test_reads_need_a_token_when_configured(writable_app, tokens):
    app = make_app(writable_app.config["DATABASE_URL"])
    app.config["READ_REQUIRES_TOKEN"] = True
    client = app.test_client()
    assert_problem(client.get("/api/v1/actors"), 401)
    with_token = client.get("/api/v1/actors", headers={"Authorization": f"Bearer {tokens['read']}"})
    assert with_token.status_code == 200
    assert client.get("/healthz").status_code == 200


def test_tokens_are_stored_only_as_hashes(writable_app, tokens):
    with writable_app.app_context():
        stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert stored and all(len(h) == 64 for h in stored)
    assert not set(tokens.values()) & set(stored)


def test_tokens_create_prints_token_alone_on_last_line(writable_app):
    output = writable_app.test_cli_runner().invoke(args=["tokens", "create", "cli-probe"]).output
    token = output.strip().splitlines()[-1]
    assert token.startswith("brf_") and " " not in token and len(token) > 40


def test_tokens_list_shows_no_secrets(writable_app, tokens):
    output = writable_app.test_cli_runner().invoke(args=["tokens", "list"]).output
    assert "test-write\twrite" in output
    assert not any(token in output for token in tokens.values())


def limited(writable_app):
    """An app over WRITABLE_APP's database with rate limits on (the suite's apps have them off)."""
    return create_app({"TESTING": True, "DATABASE_URL": writable_app.config["DATABASE_URL"], "SEED_DIR": str(SEED_DIR),
                       "RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": f"test-auth-{uuid.uuid4().hex[:12]}"})


def test_a_write_looks_its_token_up_once_for_its_rate_limit_and_its_scope(writable_app, tokens):
    app = limited(writable_app)
    with recorded_statements(app) as statements:
        response = app.test_client().patch(
            "/api/v1/actors/nobody", json={}, headers={"Authorization": f"Bearer {tokens['write']}", "If-Match": "*"})
    assert_problem(response, 404)
    assert len([s for s in statements if "FROM api_tokens" in s]) == 1, statements


def test_a_read_with_a_token_takes_one_connection_from_the_pool(writable_app, tokens):
    """The token's lookup begins the session's transaction; the page, the item and the briefing read their
    stored text on that connection, not on a second one taken from the pool meanwhile (a thread holding one
    while it waits for another could wait for the pool's timeout, THREADS at once)."""
    app = limited(writable_app)
    app.config["RESPONSE_CACHE"] = False
    with app.app_context():
        engine = db.engine
    checkouts = []
    event.listen(engine, "checkout", lambda *_: checkouts.append(1))
    client = app.test_client()
    for url in ("/api/v1/positions?limit=3", "/api/v1/actors/emmanuel-macron",
                "/api/v1/briefings/coalition-of-the-willing-paris-2025"):
        checkouts.clear()
        assert client.get(url, headers={"Authorization": f"Bearer {tokens['read']}"}).status_code == 200
        assert len(checkouts) == 1, url


def test_revoked_token_is_401(writable_app):
    runner = writable_app.test_cli_runner()
    token = runner.invoke(args=["tokens", "create", "to-revoke"]).output.strip().splitlines()[-1]
    assert runner.invoke(args=["tokens", "revoke", "to-revoke"]).exit_code == 0
    response = writable_app.test_client().post("/api/v1/actors", json=ACTOR,
                                                headers={"Authorization": f"Bearer {token}"})
    assert_problem(response, 401)


def test_tokens_create_with_taken_name_fails(writable_app, tokens):
    result = writable_app.test_cli_runner().invoke(args=["tokens", "create", "test-write"])
    assert result.exit_code != 0 and "exists" in result.output
