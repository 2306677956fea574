"""The response cache: hits replay the stored body, every write invalidates, RESPONSE_CACHE=0 bypasses."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from service import create_app
from service.extensions import db
from service.http.response_cache import LRU, Entry
from service.models import Actor
from tests.conftest import make_app
from tests.helpers import recorded_statements


@pytest.fixture(scope="module")
def cached_app(backend, databases):
    """A seeded database of this module's own: its tests write (to distinct records)."""
    app = make_app(databases.new(backend))
    result = app.test_cli_runner().invoke(args=["seed", "load"])
    assert result.exit_code == 0, result.output
    return app


def rename(app, slug: str, name: str) -> None:
    """A write through the ORM, as the write API and the seed loader make them."""
    with app.app_context():
        db.session.scalars(select(Actor).where(Actor.slug == slug)).one().name = name
        db.session.commit()


def test_get_list_twice_is_a_hit_with_identical_body(cached_app):
    client = cached_app.test_client()
    first = client.get("/api/v1/positions?limit=7&sort=-date")
    again = client.get("/api/v1/positions?sort=-date&limit=7")
    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("miss", "hit")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"]


def test_get_cached_item_costs_one_version_read_and_no_orm_statement(cached_app):
    client = cached_app.test_client()
    client.get("/api/v1/actors/france")
    reader = cached_app.extensions["data_version_reader"]
    reads = reader.reads
    with recorded_statements(cached_app) as statements:
        assert client.get("/api/v1/actors/france").headers["X-Cache"] == "hit"
    # The data version, read on the reader's own connection; nothing through SQLAlchemy.
    assert (reader.reads - reads, statements) == (1, [])


def test_get_cached_item_with_matching_etag_is_304(cached_app):
    client = cached_app.test_client()
    etag = client.get("/api/v1/actors/russia").headers["ETag"]
    response = client.get("/api/v1/actors/russia", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.headers["X-Cache"] == "hit"


def test_get_after_orm_write_shows_the_write(cached_app):
    client = cached_app.test_client()
    assert client.get("/api/v1/actors/france").status_code == 200
    rename(cached_app, "france", "France (renamed)")
    response = client.get("/api/v1/actors/france")
    assert response.headers["X-Cache"] == "miss" and response.get_json()["name"] == "France (renamed)"


def test_get_after_write_in_another_worker_shows_the_write(cached_app):
    """Two apps over one database stand for two gunicorn workers (or replicas): no shared memory."""
    other_worker = make_app(cached_app.config["DATABASE_URL"])
    client = cached_app.test_client()
    client.get("/api/v1/actors/united-kingdom")
    assert client.get("/api/v1/actors/united-kingdom").headers["X-Cache"] == "hit"
    rename(other_worker, "united-kingdom", "UK (renamed elsewhere)")
    assert client.get("/api/v1/actors/united-kingdom").get_json()["name"] == "UK (renamed elsewhere)"


def test_seed_load_of_changed_seed_invalidates(cached_app, seed_copy):
    client = cached_app.test_client()
    slug = seed_copy.name
    before = client.get("/api/v1/briefings?limit=5").get_json()["items"]
    assert [b["name"] for b in before if b["slug"] == slug]
    seed_file = seed_copy / "briefing.yaml"
    text = seed_file.read_text(encoding="utf-8")
    name_line = next(line for line in text.splitlines() if line.strip().startswith("name:"))
    seed_file.write_text(text.replace(name_line, name_line.split(":")[0] + ": Retitled by the cache test", 1),
                         encoding="utf-8")
    result = cached_app.test_cli_runner().invoke(args=["seed", "load", str(seed_copy)])
    assert result.exit_code == 0, result.output
    after = client.get("/api/v1/briefings?limit=5").get_json()["items"]
    assert [b["name"] for b in after if b["slug"] == slug] == ["Retitled by the cache test"]


def test_get_missing_record_is_never_cached(cached_app):
    client = cached_app.test_client()
    for _ in range(2):
        response = client.get("/api/v1/actors/nobody-at-all")
        assert response.status_code == 404 and response.headers.get("X-Cache") != "hit"


def test_get_with_junk_bearer_tokens_shares_the_anonymous_entry_when_reads_are_public(cached_app):
    """Public reads answer everyone alike: a token (valid or made up) is no reason for an entry of its own."""
    client = cached_app.test_client()
    url = "/api/v1/events?limit=3"
    client.get(url)
    entries = len(cached_app.extensions["response_cache"].local.entries)
    for n in range(200):
        assert client.get(url, headers={"Authorization": f"Bearer junk-{n}"}).headers["X-Cache"] == "hit"
    assert len(cached_app.extensions["response_cache"].local.entries) == entries


def test_get_with_read_tokens_keys_each_principal_apart(cached_app):
    app = create_app({"TESTING": True, "DATABASE_URL": cached_app.config["DATABASE_URL"], "READ_REQUIRES_TOKEN": True,
                      "RATELIMIT_ENABLED": False})
    tokens = []
    for name in ("cache-reader-a", "cache-reader-b"):
        result = app.test_cli_runner().invoke(args=["tokens", "create", name, "--scope", "read"])
        tokens.append({"Authorization": "Bearer " + result.output.strip().splitlines()[-1]})
    client, url = app.test_client(), "/api/v1/proposals?limit=2"
    assert [client.get(url, headers=tokens[0]).headers["X-Cache"] for _ in range(2)] == ["miss", "hit"]
    assert [client.get(url, headers=tokens[1]).headers["X-Cache"] for _ in range(2)] == ["miss", "hit"]
    assert client.get(url, headers={"Authorization": "Bearer made-up"}).status_code == 401


def junk_accept(n: int) -> str:
    """A distinct Accept value that still gets a 200: a made-up type beside a real one, odd qualities, junk."""
    return (f"application/json, application/x-junk-{n}", f"*/*; q=0.{n % 1000:03d}", f"text/markdown, x/y-{n}",
            f"{'z' * (n % 50)}{n}, application/json;q=0.5")[n % 4]


def test_get_briefing_with_1000_distinct_junk_accept_values_makes_a_bounded_number_of_entries(cached_app):
    app = make_app(cached_app.config["DATABASE_URL"])
    shared = FakeRedis()
    app.extensions["response_cache"].redis = shared
    client = app.test_client()
    slug = client.get("/api/v1/briefings").get_json()["items"][0]["slug"]
    shared.data.clear()
    served = {client.get(f"/api/v1/briefings/{slug}", headers={"Accept": junk_accept(n)}).mimetype
              for n in range(1000)}
    assert served == {"application/json", "text/markdown"}
    assert len(shared.data) <= 4, len(shared.data)  # one entry per preference, not per header
    assert len(app.extensions["response_cache"].local.entries) <= 5


def test_get_with_any_accept_hits_an_entry_only_when_every_view_would_answer_it_alike(cached_app):
    """The key's reduction of Accept (negotiation.preference) is exact: headers with one preference get the same
    media type from every negotiating endpoint, by the views' own best_match."""
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    from service.http.negotiation import preference

    negotiated = cached_app.extensions["negotiation"]
    rng = random.Random(14)
    pieces = [*negotiated.media_types, "*/*", "text/*", "application/*", "image/png", "x/junk"]
    headers = ["", "garbage", *(", ".join(f"{rng.choice(pieces)};q={rng.choice(['1', '0.9', '0.5', '0', '0.50'])}"
                                          for _ in range(rng.randint(1, 4))) for _ in range(3000))]
    by_preference: dict[str, set] = {}
    for header in headers:
        accept = parse_accept_header(header or None, MIMEAccept)
        answers = (bool(accept), *(accept.best_match(offers) for offers in negotiated.offers.values()))
        by_preference.setdefault(preference(header, negotiated.media_types), set()).add(answers)
    assert all(len(answers) == 1 for answers in by_preference.values())
    assert len(by_preference) < len(set(headers)) / 5


def test_get_with_different_accept_is_a_different_entry(cached_app):
    client = cached_app.test_client()
    slug = client.get("/api/v1/briefings").get_json()["items"][0]["slug"]
    client.get(f"/api/v1/briefings/{slug}", headers={"Accept": "text/markdown"})
    response = client.get(f"/api/v1/briefings/{slug}", headers={"Accept": "application/json"})
    assert response.headers["X-Cache"] == "miss" and response.mimetype == "application/json"


def test_get_with_response_cache_off_never_hits(cached_app):
    app = create_app({"TESTING": True, "DATABASE_URL": cached_app.config["DATABASE_URL"],
                      "RESPONSE_CACHE": False})
    client = app.test_client()
    client.get("/api/v1/actors/france")
    with recorded_statements(app) as statements:
        response = client.get("/api/v1/actors/france")
    # The view ran: it read the stored body (a hit reads nothing through SQLAlchemy, see above).
    assert "X-Cache" not in response.headers and len(statements) == 1 and "record_bodies" in statements[0]


def test_get_through_shared_store_hits_in_a_second_worker(cached_app):
    first, second = make_app(cached_app.config["DATABASE_URL"]), make_app(cached_app.config["DATABASE_URL"])
    shared = FakeRedis()
    for app in (first, second):
        app.extensions["response_cache"].redis = shared
    assert first.test_client().get("/api/v1/proposals").headers["X-Cache"] == "miss"
    response = second.test_client().get("/api/v1/proposals")
    assert response.headers["X-Cache"] == "hit" and shared.data


def test_lru_evicts_least_recently_used_beyond_its_bytes():
    lru = LRU(max_bytes=4000)
    for name in "abcd":
        lru.put(name, Entry(200, [], b"x" * 900))
    lru.get("a")
    lru.put("e", Entry(200, [], b"x" * 900))
    assert lru.get("b") is None and lru.get("a") is not None and lru.used <= 4000


class FakeRedis:
    """The two calls the cache makes on a Redis client, over a dict shared by the 'workers'."""

    def __init__(self):
        self.data: dict[str, bytes] = {}

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value, ex=None):
        self.data[key] = value


def test_get_with_no_cache_request_directive_is_computed_afresh(cached_app):
    client = cached_app.test_client()
    client.get("/api/v1/aid-items")
    with recorded_statements(cached_app) as statements:
        response = client.get("/api/v1/aid-items", headers={"Cache-Control": "no-cache"})
    # Computed: the page's rows were read (a hit reads none; a page is one SELECT of stored bodies)
    assert "X-Cache" not in response.headers and any("FROM records JOIN aid_items" in s for s in statements)


def test_get_from_a_new_thread_per_request_holds_one_reader_connection_per_live_thread(cached_app):
    """Werkzeug's threaded server starts a thread per request: each reads the version on a connection of its
    own, and an ended thread's connection is closed by the next one to connect, not kept until shutdown."""
    import threading

    def request():
        assert cached_app.test_client().get("/api/v1/actors/france").status_code == 200

    for _ in range(30):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
    reader = cached_app.extensions["data_version_reader"]
    held = [connection for owner, connection in reader.opened if not owner.is_alive()]
    assert len(reader.opened) <= 2 and len(held) <= 1, reader.opened
