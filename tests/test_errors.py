"""Every failure is an RFC 9457 problem+json body; never HTML, never a bare 500."""

import json
import uuid

from service import create_app
from tests.conftest import SEED_DIR, make_app
from tests.helpers import assert_problem


def test_unknown_url_is_404_problem(client):
    assert_problem(client.get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_405_problem_with_allow_header(client):
    response = client.delete("/api/v1/actors")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD", "OPTIONS"}


def test_non_integer_id_is_404_problem(client):
    assert_problem(client.get("/api/v1/positions/abc"), 404)


def test_unhandled_exception_is_500_problem_without_internals(app):
    app = make_app(app.config["DATABASE_URL"])

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    body = assert_problem(app.test_client().get("/boom-for-test"), 500)
    assert "secret internals" not in body["detail"]


# Write operations take `application/json` (UTF-8) only; any other body is a 415 problem saying so.
ACTOR = {"briefing": "coalition-of-the-willing-paris-2025", "slug": "media-type-test-actor", "name": "Keir Starmer",
         "kind": "person", "citations": [{"quote": "led by the British"}]}


def assert_unsupported_media_type(response, accept_header: str) -> dict:
    body = assert_problem(response, 415)
    assert "`application/json`" in body["detail"]
    assert response.headers[accept_header] == "application/json"
    return body


def test_post_text_plain_body_is_415_problem_naming_application_json(writer):
    response = writer.post("/api/v1/actors", data=json.dumps(ACTOR), content_type="text/plain")
    body = assert_unsupported_media_type(response, "Accept-Post")
    assert "text/plain" in body["detail"]
    assert_problem(writer.get(f"/api/v1/actors/{ACTOR['slug']}"), 404)


def test_post_form_data_is_415_problem(writer):
    response = writer.post("/api/v1/aid-items", data={"slug": "form-item", "category": "drone"})
    assert "application/x-www-form-urlencoded" in assert_unsupported_media_type(response, "Accept-Post")["detail"]


def test_post_body_without_content_type_is_415_problem(writer):
    response = writer.post("/api/v1/events", data=json.dumps(ACTOR).encode())
    assert "Content-Type" not in response.request.headers
    assert "no Content-Type" in assert_unsupported_media_type(response, "Accept-Post")["detail"]


def test_post_without_any_body_is_422_naming_each_missing_field(writer):
    assert_problem(writer.post("/api/v1/actors"), 422, "slug")


def test_post_json_in_another_charset_is_415_problem(writer):
    response = writer.post("/api/v1/actors", data=json.dumps(ACTOR).encode("latin-1"),
                           content_type="application/json; charset=latin-1")
    assert_unsupported_media_type(response, "Accept-Post")


def test_patch_merge_patch_json_is_415_with_accept_patch_and_changes_nothing(writer):
    before = writer.get("/api/v1/actors/emmanuel-macron")
    response = writer.patch("/api/v1/actors/emmanuel-macron", data=json.dumps({"role": "Merged"}),
                            content_type="application/merge-patch+json", headers={"If-Match": before.headers["ETag"]})
    assert "application/merge-patch+json" in assert_unsupported_media_type(response, "Accept-Patch")["detail"]
    assert writer.get("/api/v1/actors/emmanuel-macron").headers["ETag"] == before.headers["ETag"]


def test_patch_text_plain_body_is_415_not_an_empty_update(writer):
    etag = writer.get("/api/v1/actors/emmanuel-macron").headers["ETag"]
    response = writer.patch("/api/v1/actors/emmanuel-macron", data='{"role": "Plain"}', content_type="text/plain",
                            headers={"If-Match": etag})
    assert_unsupported_media_type(response, "Accept-Patch")
    assert writer.get("/api/v1/actors/emmanuel-macron").get_json()["role"] != "Plain"


def test_delete_with_a_body_of_any_type_is_not_415(writer):
    created = writer.post("/api/v1/actors", json={**ACTOR, "slug": f"media-type-delete-{uuid.uuid4().hex[:8]}"})
    assert created.status_code == 201, created.get_json()
    response = writer.delete(created.headers["Location"], data="remove it", content_type="text/plain",
                             headers={"If-Match": created.headers["ETag"]})
    assert response.status_code == 204


def test_unsupported_media_type_still_counts_against_the_rate_limit(writable_app):
    app = create_app({"TESTING": True, "DATABASE_URL": writable_app.config["DATABASE_URL"], "SEED_DIR": str(SEED_DIR),
                      "RATELIMIT_ENABLED": True, "RATELIMIT_DEFAULT": "2/minute",
                      "RATELIMIT_KEY_PREFIX": f"test-415-{uuid.uuid4().hex[:8]}"})
    client = app.test_client()
    for _ in range(2):
        assert_problem(client.post("/api/v1/actors", data="x", content_type="text/plain"), 415)
    assert_problem(client.post("/api/v1/actors", data="x", content_type="text/plain"), 429)


def test_spec_documents_415_on_each_operation_taking_json_and_no_other(client):
    spec = client.get("/openapi.json").get_json()
    operations = [(f"{method} {path}", op) for path, item in spec["paths"].items() for method, op in item.items()
                  if method in ("get", "put", "post", "patch", "delete")]
    takes_json = {label for label, op in operations
                  if "application/json" in op.get("requestBody", {}).get("content", {})}
    assert {label.split()[0] for label in takes_json} == {"post", "patch"}
    assert {label for label, op in operations if "415" in op["responses"]} == takes_json
    assert spec["components"]["responses"]["BODY_NOT_JSON"]["content"]["application/problem+json"]


# An error body is bounded, however many bad fields the request has.

def test_post_actor_with_200000_unknown_keys_is_a_422_listing_the_first_50(writer):
    body = {**ACTOR, "slug": "bounded-errors-actor", **{f"unknown_{n}": 1 for n in range(200_000)}}
    response = writer.post("/api/v1/actors", data=json.dumps(body), content_type="application/json")
    problem = assert_problem(response, 422)
    assert len(response.data) < 20_000, len(response.data)
    assert len(problem["errors"]) == 50 and problem["errors_omitted"] == 200_000 - 50
    assert all(e["field"].startswith("unknown_") and e["message"] == "Unknown field." for e in problem["errors"])
    assert "first 50 field errors" in problem["detail"] and "199950 more" in problem["detail"]
    assert_problem(writer.get("/api/v1/actors/bounded-errors-actor"), 404)


def test_post_actor_with_a_megabyte_key_is_a_422_with_the_key_cut(writer):
    key = "k" * 1_000_000
    response = writer.post("/api/v1/actors", data=json.dumps({**ACTOR, key: 1}), content_type="application/json")
    problem = assert_problem(response, 422)
    assert len(response.data) < 10_000, len(response.data)
    assert [e["field"][:10] for e in problem["errors"]] == ["k" * 10] and "errors_omitted" not in problem
