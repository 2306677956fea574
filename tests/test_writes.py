"""Writing rules every resource shares: If-Match on PATCH and DELETE, 404s, and a create-patch-delete round trip
of each. Each resource's own write tests are in its module (tests/test_actors.py ...), built with conftest's
builders."""

import pytest

from tests.conftest import make_actor, make_aid_item, make_aid_package, make_event, make_position, make_proposal
from tests.helpers import assert_problem, said_by


def test_patch_without_if_match_is_428(writer):
    actor = make_actor(writer)
    assert_problem(writer.patch(actor["url"], json={"role": "x"}), 428)


def test_patch_with_stale_etag_is_412_and_changes_nothing(writer):
    actor = make_actor(writer)
    etag = writer.get(actor["url"]).headers["ETag"]
    assert writer.patch(actor["url"], json={"role": "first"}, headers={"If-Match": etag}).status_code == 200
    assert_problem(writer.patch(actor["url"], json={"role": "second"}, headers={"If-Match": etag}), 412)
    assert writer.get(actor["url"]).get_json()["role"] == "first"


@pytest.mark.parametrize("url", ["/api/v1/positions/999999", "/api/v1/actors/nobody"])
def test_patch_unknown_record_is_404(writer, url):
    assert_problem(writer.patch(url, json={}, headers={"If-Match": "*"}), 404)


def _create_each(writer) -> dict[str, dict]:
    """One fresh record of every writable resource, keyed by resource."""
    made = {"actors": make_actor(writer), "proposals": make_proposal(writer)}
    made["positions"] = make_position(writer, stance="demands", summary="S", topic="security_guarantees",
                                      holder=made["actors"]["slug"], quoted_words=[],
                                      **said_by(made["actors"]["slug"], "urgent demands from Europeans"),
                                      citations=[{"quote": "urgent demands from Europeans"}])
    made["aid-packages"] = make_aid_package(writer)
    made["aid-items"] = make_aid_item(writer, made["aid-packages"]["slug"])
    made["events"] = make_event(writer)
    return made


PATCHES = {"actors": {"role": "Envoy"}, "proposals": {"status": "rejected"}, "positions": {"stance": "urges"},
           "aid-packages": {"currency": "EUR"}, "aid-items": {"quantity": 3}, "events": {"place": "Paris"}}
DELETE_ORDER = ["aid-items", "aid-packages", "positions", "proposals", "events", "actors"]


def test_every_resource_round_trips_create_patch_delete(writer):
    made = _create_each(writer)
    for resource, record in made.items():
        assert "url" in record, (resource, record)
        etag = writer.get(record["url"]).headers["ETag"]
        response = writer.patch(record["url"], json=PATCHES[resource], headers={"If-Match": etag})
        assert response.status_code == 200, (resource, response.get_json())
        field, value = next(iter(PATCHES[resource].items()))
        assert response.get_json()[field] == value
    for resource in DELETE_ORDER:
        url = made[resource]["url"]
        etag = writer.get(url).headers["ETag"]
        assert writer.delete(url, headers={"If-Match": etag}).status_code == 204, resource
        assert writer.get(url).status_code == 404
