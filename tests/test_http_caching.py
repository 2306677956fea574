"""ETags on GET, and 304 on a matching If-None-Match."""


def test_get_sends_strong_etag_and_no_cache(client):
    response = client.get("/api/v1/actors/france")
    assert response.headers["ETag"].startswith('"')
    assert response.headers["Cache-Control"] == "no-cache"


def test_get_with_matching_if_none_match_is_304(client):
    etag = client.get("/api/v1/aid-items").headers["ETag"]
    response = client.get("/api/v1/aid-items", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""


def test_get_with_stale_if_none_match_is_200(client):
    assert client.get("/api/v1/aid-items", headers={"If-None-Match": '"stale"'}).status_code == 200
