"""The reading rules a claim must keep, checked alike for the seed (a named error) and the API (a 422).

A claim says who states it (PARC 3.0: source, cue, content) and how surely (FactBank). These rules keep the
structured fields faithful to the words: a cue or hedge is verbatim in the record's own document, a direct
claim lies inside quotation marks, a partial one names the speaker's words, the outlet's voice is the
document's publisher's, and no claim is served as more certain than its hedges allow. seeds/README.md states
the same rules for curators.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from sqlalchemy import inspect as inspect_model

from service import vocabulary as v
from service.models import RECORDS

# Roles of the spans a write body names by field: citations (content), cue, hedges, quoted_words ...
SPAN_FIELDS = {"content": "citations", "cue": "cue", "hedge": "hedges", "quoted": "quoted_words",
               "date": "date_evidence", "quantity": "quantities"}
OPENING, CLOSING = "\"“«", "\"”»"
EDGES = " \t\n\"“”«»'‘’.,;:!?"


@dataclass(frozen=True)
class Span:
    role: str
    field: str          # where a write body names it: "citations.0", "cue", "hedges.1" ...
    document: str       # slug
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class Speaker:
    slug: str
    kind: str
    name: str


@dataclass
class Claim:
    """What the rules read of a record, however it was given (a seed entry, or an ORM object)."""

    type: str                               # record type: position, condition, event ...
    spans: list[Span]
    texts: dict[str, str]                   # document slug -> its text
    publishers: dict[str, str | None]       # document slug -> its publisher
    dates: dict[str, dt.date | None] = field(default_factory=dict)  # document slug -> its date
    speech: str | None = None
    speaker: Speaker | None = None
    reported_by: Speaker | None = None
    holder: Speaker | None = None
    factuality: str = "certain"
    event: dict | None = None               # for events: status, date, date_provenance, reasoning, reference
    statements: dict[str, str | None] = field(default_factory=dict)  # its own words: summary, value, name ...


# Record type -> the fields in which a claim states itself (whose hedge words must be cited as hedges), as each
# record model declares them (Record.statement_fields).
STATEMENT_FIELDS = {str(inspect_model(model).polymorphic_identity): model.statement_fields for model in RECORDS}


def errors(claim: Claim) -> list[tuple[str, str]]:
    """(field, reason) for every rule CLAIM breaks; empty when it keeps them all."""
    found: list[tuple[str, str]] = []
    content = [s for s in claim.spans if s.role == "content"]
    documents = {s.document for s in content}
    for span in claim.spans:
        if span.role != "content" and documents and span.document not in documents:
            found.append((span.field, "must be in the same document as the record's citations"))
    found += _attribution(claim, content)
    found += _factuality(claim)
    found += _stated_hedges(claim)
    if claim.event is not None:
        found += _event(claim, sorted(documents))
    return found


def _attribution(claim: Claim, content: list[Span]) -> list[tuple[str, str]]:
    found = []
    cues = [s for s in claim.spans if s.role == "cue"]
    quoted = [s for s in claim.spans if s.role == "quoted"]
    if claim.type == "position" and not cues:
        found.append(("cue", "A position needs its cue: the words that introduce it or mark it as the outlet's."))
    if claim.speaker is None:
        found.append(("speaker", "Name who says it (the outlet, for its own voice)."))
        return found
    outlet = claim.speech == "outlet"
    publishers = {claim.publishers.get(s.document) for s in content}
    if outlet:
        if claim.speaker.kind != "outlet" or claim.speaker.name not in publishers:
            found.append(("speaker", "The outlet's own voice is held by the document's publisher: an actor of kind "
                                     f"`outlet` named {' or '.join(sorted(map(repr, publishers - {None})))}."))
        if claim.reported_by is not None:
            found.append(("reported_by", "The outlet's own voice is reported by nobody else; leave it null."))
        if claim.holder is not None and claim.holder.slug != claim.speaker.slug:
            found.append(("holder", "The outlet's own assessment is held by the outlet (the speaker)."))
    elif claim.reported_by is None:
        found.append(("reported_by", "Name who reports the speaker's words (the outlet, or an intermediary)."))
    if claim.speech == "direct":
        for span in content:
            if not inside_quotes(claim.texts[span.document], span.start, span.end):
                found.append((span.field, "A direct claim's words lie inside quotation marks; use `partial` and "
                                          "name the quoted words, or `reported`."))
    if claim.speech == "partial" and not quoted:
        found.append(("quoted_words", "A partial claim names which of its words are the speaker's."))
    if quoted and claim.speech not in ("direct", "partial"):
        found.append(("quoted_words", "Only a direct or partial claim quotes the speaker's words."))
    for span in quoted:
        if not inside_quotes(claim.texts[span.document], span.start, span.end):
            found.append((span.field, "The speaker's words lie inside quotation marks in the source."))
        elif not any(c.document == span.document and c.start <= span.start and span.end <= c.end for c in content):
            found.append((span.field, "The speaker's words are part of the record's citations."))
    return found


def _factuality(claim: Claim) -> list[tuple[str, str]]:
    hedges = [s for s in claim.spans if s.role == "hedge"]
    if claim.factuality != "certain" and not hedges:
        return [("hedges", f"A claim that is {claim.factuality}, not certain, cites the words that make it so.")]
    found = []
    rank = v.FACTUALITY_ORDER.index(claim.factuality)
    for span in hedges:
        weakest = hedge_value(span.quote)
        if claim.factuality == "certain":
            found.append(("factuality", f"{span.quote!r} hedges the claim: it is not certain."))
            break
        if weakest is not None and v.FACTUALITY_ORDER.index(weakest) > rank:
            found.append(("factuality", f"{span.quote!r} makes the claim at most {weakest}, not {claim.factuality}."))
    return found


def _stated_hedges(claim: Claim) -> list[tuple[str, str]]:
    """A hedge word the claim's own statement keeps ("would, for example, be sent") is cited in `hedges`, so
    the claim's factuality answers for it."""
    cited = " ".join(" ".join(s.quote.casefold().split()) for s in claim.spans if s.role == "hedge")
    found = []
    for name, text in claim.statements.items():
        for phrase in hedge_phrases(text or "", v.STATEMENT_HEDGES):
            if not re.search(rf"\b{re.escape(phrase)}\b", cited):
                found.append((name, f"It says {phrase!r}: cite the words in `hedges`."))
    return found


def hedge_phrases(words: str, lexicon: dict[str, str]) -> list[str]:
    """The phrases of LEXICON in WORDS, longest first where they overlap ("could well", not also "could")."""
    lowered = " ".join(words.casefold().split())
    taken = {i for phrase in v.NOT_HEDGES for m in re.finditer(re.escape(phrase), lowered) for i in range(*m.span())}
    phrases = []
    for phrase in sorted(lexicon, key=len, reverse=True):
        for match in re.finditer(rf"\b{re.escape(phrase)}\b", lowered):
            where = set(range(*match.span()))
            if not where & taken:
                taken |= where
                phrases.append(phrase)
    return phrases


def hedge_value(words: str) -> str | None:
    """The weakest factuality the hedge words of vocabulary.HEDGE_WORDS in WORDS allow, or None."""
    values = [v.HEDGE_WORDS[phrase] for phrase in hedge_phrases(words, v.HEDGE_WORDS)]
    return max(values, key=v.FACTUALITY_ORDER.index) if values else None


def _event(claim: Claim, documents: list[str]) -> list[tuple[str, str]]:
    event, found = claim.event or {}, []
    provenance = event.get("date_provenance")
    evidence = [s for s in claim.spans if s.role == "date"]
    undated = {"date_precision": "unknown", "date_provenance": "unstated"}
    if event.get("date") is None:
        found += [(name, f"An event with no date has {name} `{value}`.") for name, value in undated.items()
                  if event.get(name) != value]
        if event.get("date_reference"):
            found.append(("date_reference", "An event with no date has no date reference."))
        return found
    found += [(name, f"A dated event's {name} is not `{value}`.") for name, value in undated.items()
              if event.get(name) == value]
    if provenance == "stated" and not evidence:
        found.append(("date_evidence", "A date stated in the source cites the words that state it."))
    if provenance in ("inferred", "outside") and not event.get("date_reasoning"):
        found.append(("date_reasoning", f"A date {'inferred from' if provenance == 'inferred' else 'from outside'} "
                                        "the source says how it was worked out."))
    if provenance == "outside" and not event.get("date_reference"):
        found.append(("date_reference", "A date from outside the source names its reference."))
    if provenance != "outside" and event.get("date_reference"):
        found.append(("date_reference", "Only a date from outside the source has an outside reference."))
    source_dates = [date for d in documents if (date := claim.dates.get(d)) is not None]
    date, status = event.get("date"), event.get("status")
    if source_dates and date is not None and event.get("date_precision") == "day":
        published = min(source_dates)
        if status == "happened" and date > published:
            found.append(("status", f"An event of {date} had not happened by the source's date ({published})."))
        if status == "scheduled" and date < published:
            found.append(("status", f"An event of {date} was past at the source's date ({published})."))
    return found


def inside_quotes(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], without the quotation marks, spaces and punctuation at its edges, lies inside
    one quoted passage of TEXT."""
    while start < end and text[start] in EDGES:
        start += 1
    while end > start and text[end - 1] in EDGES:
        end -= 1
    if start >= end:
        return False
    return any(a <= start and end <= b for a, b in quoted_passages(text))


@functools.lru_cache(maxsize=64)  # a few documents, read for every write that cites them
def quoted_passages(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of the text between each pair of quotation marks, paired within each paragraph (a straight
    quote opens, the next one closes; curly and guillemet quotes pair as written)."""
    passages: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        opened: int | None = None
        for i, char in enumerate(line):
            if opened is None and char in OPENING:
                opened = i + 1
            elif opened is not None and char in CLOSING:
                passages.append((offset + opened, offset + i))
                opened = None
        offset += len(line)
    return tuple(passages)
