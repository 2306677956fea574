"""Every record served carries citations, and every citation is verbatim at its offsets."""

import pytest

from tests.helpers import all_items

LISTS = ["/api/v1/actors", "/api/v1/positions", "/api/v1/aid-packages", "/api/v1/aid-items",
         "/api/v1/proposals", "/api/v1/events"]


def _citations(record: dict):
    yield from record["citations"]
    for nested in ("conditions", "attributes"):
        for child in record.get(nested, []):
            assert child["citations"], child
            yield from child["citations"]


@pytest.mark.parametrize("url", LISTS)
def test_every_citation_served_is_verbatim_at_its_offsets(client, url):
    texts: dict[str, str] = {}
    records = all_items(client, url)
    assert records
    for record in records:
        assert record["citations"], record["slug"]
        for citation in _citations(record):
            slug = citation["document"]["slug"]
            if slug not in texts:
                texts[slug] = client.get(f"/api/v1/documents/{slug}").get_json()["text"]
            assert citation["end"] - citation["start"] == len(citation["quote"])
            assert texts[slug][citation["start"]:citation["end"]] == citation["quote"]
