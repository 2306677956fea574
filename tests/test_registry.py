"""The registry (service/resources/__init__.py) and what is derived from it and from the record models."""

from __future__ import annotations

from service import claims, read_model
from service.models import RECORDS
from service.resources import RESOURCES, feed, refs


def test_the_read_model_renders_the_bodies_the_resources_declare():
    declared = {module.BODY.model: module.BODY for module in RESOURCES if hasattr(module, "BODY")}
    assert read_model.bodies() == declared
    assert {body.collection for body in declared.values()} == {
        "actors", "relations", "positions", "proposals", "events", "aid-packages", "aid-items"}


def test_every_record_model_is_named_and_linked():
    assert set(refs.RECORD_TYPES) == {model.__mapper__.polymorphic_identity for model in RECORDS}
    assert set(refs.LABELS) == set(refs.URLS) == set(claims.STATEMENT_FIELDS)
    for model in RECORDS:
        assert model.ref_url.startswith("/api/v1/") and "ref_label" in vars(model), model


def test_feed_replays_every_written_resource_once_references_first():
    order = [spec.resource for spec in feed.specs()]
    written = [m.WRITES.resource for m in RESOURCES if hasattr(m, "WRITES")]
    assert sorted(order) == sorted(written)
    assert order == ["documents", "actors", "relations", "proposals", "events", "positions", "aid-packages",
                     "aid-items", "briefings"]
