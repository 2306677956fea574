"""A seed's coverage: which sentences of its documents its records cite, and which attribution cues are a
record's cue (service/coverage.py does the reading; `flask seed coverage` prints it)."""

from __future__ import annotations

from service.coverage import DocumentCoverage, attribution_cues, sentence_coverage
from service.seeding.reader import Seed, iter_records, record_spans


def seed_coverage(seed: Seed) -> list[DocumentCoverage]:
    """Coverage of every document of a validated seed, from its citations."""
    spans: dict[str, list] = {slug: [] for slug in seed.documents}
    cues: dict[str, list] = {slug: [] for slug in seed.documents}
    for label, _section, record in iter_records(seed.data):
        for _field, role, citation in record_spans(record):
            spans[citation["document"]].append((citation["start"], citation["end"], label))
            if role == "cue":
                cues[citation["document"]].append((citation["start"], citation["end"]))
    excused: dict[str, dict[int, str]] = {slug: {} for slug in seed.documents}
    for item in seed.data["uncovered_sentences"]:
        excused[item["document"] or seed.default_document][item["start"]] = item["reason"]
    return [DocumentCoverage(slug, sentence_coverage(doc.text, spans[slug]), excused[slug],
                             attribution_cues(doc.text, cues[slug]))
            for slug, doc in seed.documents.items()]
