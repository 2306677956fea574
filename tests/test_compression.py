"""Compression: Brotli or gzip for answers above COMPRESS_MIN_SIZE, by Accept-Encoding, with `Vary: Accept-Encoding`
on one Vary line; the response cache replays the bytes and headers the miss had; streamed exports stay identity."""

from __future__ import annotations

import gzip

import brotli
import pytest

from service.http.compression import coding
from tests.helpers import BRIEFING

BIG = [f"/api/v1/briefings/{BRIEFING}", "/openapi.json", "/api/v1/positions?limit=50"]


@pytest.mark.parametrize("url", BIG)
def test_get_large_answer_is_brotli_or_gzip_as_accept_encoding_asks(client, url):
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    as_gzip = client.get(url, headers={"Accept-Encoding": "gzip"})
    as_br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert as_gzip.headers["Content-Encoding"] == "gzip" and as_br.headers["Content-Encoding"] == "br"
    assert gzip.decompress(as_gzip.get_data()) == plain.get_data() == brotli.decompress(as_br.get_data())
    assert len(as_br.get_data()) < len(plain.get_data()) / 4
    assert int(as_br.headers["Content-Length"]) == len(as_br.get_data())


@pytest.mark.parametrize("url", BIG)
def test_get_answer_varies_on_accept_encoding_in_one_vary_line(client, url):
    for accept_encoding in ("br", "identity"):
        vary = client.get(url, headers={"Accept-Encoding": accept_encoding}).headers.getlist("Vary")
        assert len(vary) == 1 and "Accept-Encoding" in [v.strip() for v in vary[0].split(",")]


def test_get_small_answer_is_not_compressed(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers


def test_cache_hit_replays_the_misses_bytes_and_headers(client):
    url, headers = "/api/v1/positions?limit=40&sort=slug", {"Accept-Encoding": "gzip"}
    miss = client.get(url, headers={**headers, "Cache-Control": "no-cache"})  # computed, not stored
    first = client.get(url, headers=headers)
    hit = client.get(url, headers={"Accept-Encoding": "gzip;q=1.0, identity;q=0.5"})  # the same coding chosen
    assert first.headers["X-Cache"] == "miss" and hit.headers["X-Cache"] == "hit"
    assert hit.get_data() == first.get_data()
    same = {"X-Request-ID", "X-Cache", "Date"}
    assert {k: v for k, v in hit.headers if k not in same} == {k: v for k, v in first.headers if k not in same}
    assert gzip.decompress(miss.get_data()) == gzip.decompress(hit.get_data())
    assert miss.headers["ETag"] == hit.headers["ETag"]  # on the identity bytes, whatever gzip's timestamp
    other = client.get(url, headers={"Accept-Encoding": "br"})
    assert other.headers["Content-Encoding"] == "br"  # another coding: another entry, not the gzip one


def test_compressed_answer_304s_on_its_etag(client):
    url = f"/api/v1/briefings/{BRIEFING}"
    etag = client.get(url, headers={"Accept-Encoding": "br"}).headers["ETag"]
    assert etag.endswith(':br"')
    assert client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag}).status_code == 304


def test_patch_with_etag_of_a_compressed_get_is_accepted(writer):
    item = writer.get("/api/v1/events?limit=1").get_json()["items"][0]
    got = writer.get(item["url"], headers={"Accept-Encoding": "gzip"})
    assert got.headers.get("Content-Encoding") == "gzip", "the record must be large enough to be compressed"
    response = writer.patch(item["url"], json={"review_note": "Checked."}, headers={"If-Match": got.headers["ETag"]})
    assert response.status_code == 200, response.get_json()


def test_export_streams_uncompressed_whatever_accept_encoding(client):
    response = client.get("/api/v1/positions/export?format=csv", headers={"Accept-Encoding": "br, gzip"},
                          buffered=False)
    assert response.is_streamed and "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True).startswith("provenance,")


@pytest.mark.parametrize(("header", "chosen"), [
    ("gzip", "gzip"), ("br", "br"), ("gzip, deflate, br", "br"), ("br;q=0.5, gzip", "gzip"), ("*", "br"),
    ("gzip;q=0", ""), ("identity", ""), ("deflate", ""), ("", ""), ("br;q=0, *", "gzip"), ("junk;;q=x", ""),
])
def test_coding_follows_quality_then_prefers_br(header, chosen):
    assert coding(header) == chosen
