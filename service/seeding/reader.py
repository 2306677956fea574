"""Read a seed folder: parse the YAML, validate its shape, resolve references, verify every quote.

Nothing here touches the database; a seed that fails any check is reported whole, with every error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import marshmallow as ma
import yaml

from service import claims
from service import vocabulary as v
from service.coverage import sentence_starts
from service.seeding.schema import SeedFile

SEED_FILE_NAME = "briefing.yaml"


def record_lists(schema: ma.Schema) -> dict[str, ma.Schema]:
    """SCHEMA's fields that list records (a seed section, a package's `items` ...) -> the records' schema: read off
    the schemas (service/seeding/schema.py), whose record schemas name their `record_type`."""
    return {name: each.inner.schema for name, each in schema.fields.items()
            if isinstance(each, ma.fields.List) and isinstance(each.inner, ma.fields.Nested)
            and hasattr(each.inner.schema, "record_type")}


def references(schema: ma.Schema) -> tuple[tuple[str, str], ...]:
    """(field, kind) of every field of SCHEMA that holds the slug of another record (schema.Ref), lists included."""
    found = []
    for name, each in schema.fields.items():
        kind = (each.inner if isinstance(each, ma.fields.List) else each).metadata.get("ref")
        if kind:
            found.append((name, kind))
    return tuple(found)


SEED_SCHEMA = SeedFile()
SECTIONS = record_lists(SEED_SCHEMA)  # the seed's record sections, in the file's order
# The keys of a record that hold spans of the source, and the role of those spans (models/citations.py).
SPAN_KEYS = {field: role for role, field in claims.SPAN_FIELDS.items()}


class _TextDatesLoader(yaml.SafeLoader):
    """Leave dates as strings so marshmallow validates them like any other field."""


_TextDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class SeedError:
    file: str
    record: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.field}: {self.reason}"


class SeedInvalid(Exception):
    def __init__(self, errors: list[SeedError]):
        super().__init__(f"{len(errors)} error(s) in seed")
        self.errors = errors


@dataclass
class SeedDocument:
    slug: str
    text: str
    sha256: str
    meta: dict


@dataclass
class Seed:
    folder: Path
    data: dict
    documents: dict[str, SeedDocument] = field(default_factory=dict)

    @property
    def default_document(self) -> str:
        return self.data["documents"][0]["slug"]


def read_seed(folder: Path) -> Seed:
    """Return the validated seed in FOLDER, or raise SeedInvalid listing every problem."""
    path = folder / SEED_FILE_NAME
    name = str(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDatesLoader)  # noqa: S506
    except OSError as exc:
        raise SeedInvalid([SeedError(name, "-", "-", f"cannot read: {exc.strerror}")]) from exc
    except yaml.YAMLError as exc:
        raise SeedInvalid([SeedError(name, "-", "-", f"not valid YAML: {exc}")]) from exc
    try:
        data = SeedFile().load(raw if isinstance(raw, dict) else {"_": raw})
    except ma.ValidationError as exc:
        raise SeedInvalid(_shape_errors(name, raw, exc.normalized_messages())) from exc
    seed = Seed(folder, data)
    errors = _read_documents(seed, name)
    if not errors:
        errors = _check_semantics(seed, name)
    if errors:
        raise SeedInvalid(errors)
    return seed


def _label(raw, section: str, index: str) -> str:
    try:
        slug = raw[section][int(index)].get("slug")
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        slug = None
    return f"{section}[{index}]" + (f" ({slug})" if slug else "")


def _shape_errors(name: str, raw, messages: dict) -> list[SeedError]:
    errors: list[SeedError] = []

    def walk(node, path: list[str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, [*path, str(key)])
            return
        for message in node if isinstance(node, list) else [node]:
            if len(path) >= 2 and path[1].isdigit():
                record, rest = _label(raw, path[0], path[1]), path[2:]
            else:
                record, rest = (path[0] if path else "-"), path[1:]
            errors.append(SeedError(name, record, _dotted(rest) or "-", str(message)))

    walk(messages, [])
    return errors


def _dotted(parts: list[str]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


def _read_documents(seed: Seed, name: str) -> list[SeedError]:
    errors = []
    for index, meta in enumerate(seed.data["documents"]):
        record = f"documents[{index}] ({meta['slug']})"
        path = seed.folder / meta["file"]
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
        except OSError as exc:
            errors.append(SeedError(name, record, "file", f"cannot read {path}: {exc.strerror}"))
            continue
        except UnicodeDecodeError as exc:
            errors.append(SeedError(name, record, "file", f"{path} is not UTF-8: {exc.reason}"))
            continue
        if meta["slug"] in seed.documents:
            errors.append(SeedError(name, record, "slug", "duplicate document slug"))
        seed.documents[meta["slug"]] = SeedDocument(
            meta["slug"], text, hashlib.sha256(raw).hexdigest(), meta
        )
    return errors


def record_spans(record: dict):
    """(field, role, citation) for every span RECORD points at: its citations, cue, hedges, quoted words ..."""
    for key, role in SPAN_KEYS.items():
        value = record.get(key)
        if isinstance(value, dict):
            yield key, role, value
        for index, citation in enumerate(value if isinstance(value, list) else []):
            yield f"{key}[{index}]", role, citation


def iter_records(data: dict):
    """Yield (label, schema, record) for every cited record, nested ones included."""
    for section, schema in SECTIONS.items():
        for index, record in enumerate(data[section]):
            label = f"{section}[{index}] ({record['slug']})"
            yield label, schema, record
            for sub, child_schema in record_lists(schema).items():
                for sub_index, child in enumerate(record.get(sub, [])):
                    child_label = f"{label}.{sub}[{sub_index}]"
                    if child.get("slug"):
                        child_label += f" ({child['slug']})"
                    yield child_label, child_schema, child


def _check_semantics(seed: Seed, name: str) -> list[SeedError]:
    data, errors = seed.data, []

    def err(record: str, field_name: str, reason: str) -> None:
        errors.append(SeedError(name, record, field_name, reason))

    seen: dict[str, set[str]] = {}
    records: list[tuple[str, str, dict]] = []  # (label, record type, record)
    for label, schema, record in iter_records(data):
        slug, kind = record.get("slug"), schema.record_type
        if slug is not None:
            if slug in seen.setdefault(kind, set()):
                err(label, "slug", f"duplicate slug {slug!r} among the {kind.replace('_', ' ')}s")
            seen[kind].add(slug)
        located = True
        for span_field, _role, citation in record_spans(record):
            reason = locate_quote(seed, citation)
            if reason:
                err(label, span_field, reason)
                located = False
        for entry in record.get("provenance", []):
            if entry["field"] not in record:
                err(label, "provenance", v.renamed(entry["field"], record)
                    or f"{entry['field']!r} is not a field of this record")
        if located:
            records.append((label, kind, record))

    for label, schema, record in iter_records(data):
        for field_name, kind in references(schema):
            value = record.get(field_name)
            for ref in value if isinstance(value, list) else [value]:
                if ref is not None and ref not in seen.get(kind, ()):
                    err(label, field_name, f"unknown {kind} {ref!r}")
    if not errors:
        for label, kind, record in records:
            if kind != "actor":  # every record but an actor states a claim
                for field_name, reason in claims.errors(seed_claim(seed, kind, record)):
                    err(label, field_name, reason)
    for index, uncovered in enumerate(data["uncovered_sentences"]):
        doc = uncovered["document"] or seed.default_document
        if doc not in seed.documents:
            err(f"uncovered_sentences[{index}]", "document", f"unknown document {doc!r}")
        elif uncovered["start"] >= len(seed.documents[doc].text):
            err(f"uncovered_sentences[{index}]", "start", "beyond the end of the document")
        elif uncovered["start"] not in sentence_starts(seed.documents[doc].text):
            err(f"uncovered_sentences[{index}]", "start", "not the start of a sentence")
    return errors


def seed_claim(seed: Seed, record_type: str, record: dict) -> claims.Claim:
    """What the reading rules read of a seed record (its spans located, its references known)."""
    actors = {a["slug"]: claims.Speaker(a["slug"], a["kind"], a["name"]) for a in seed.data["actors"]}
    spans = [claims.Span(role, field_name.replace("[", ".").replace("]", ""), c["document"], c["start"], c["end"],
                         c["quote"]) for field_name, role, c in record_spans(record)]
    event = None
    if record_type == "event":
        event = {key: record.get(key) for key in ("status", "date", "date_precision", "date_provenance",
                                                  "date_reasoning", "date_reference")}
    return claims.Claim(
        record_type, spans, {slug: d.text for slug, d in seed.documents.items()},
        {slug: d.meta.get("publisher") for slug, d in seed.documents.items()},
        {slug: d.meta.get("date") for slug, d in seed.documents.items()},
        speech=record.get("speech"), speaker=actors.get(record.get("speaker") or ""),
        reported_by=actors.get(record.get("reported_by") or ""), holder=actors.get(record.get("holder") or ""),
        factuality=record.get("factuality", "certain"), event=event,
        statements={name: record.get(name) for name in claims.STATEMENT_FIELDS.get(record_type, ())})


def locate_quote(seed: Seed, citation: dict) -> str | None:
    """Fill citation['document'], ['start'], ['end']; return a reason when the quote is not verbatim."""
    doc_slug = citation["document"] or seed.default_document
    document = seed.documents.get(doc_slug)
    if document is None:
        return f"unknown document {doc_slug!r}"
    start, reason = verify_quote(document.text, citation["quote"], citation["start"], doc_slug)
    if reason:
        return reason
    citation.update(document=doc_slug, start=start, end=start + len(citation["quote"]))
    return None


def verify_quote(text: str, quote: str, start: int | None, where: str = "the document"):
    """(start, None) when QUOTE is verbatim at START (or, without START, occurs exactly once);
    otherwise (None, the reason)."""
    if start is None:
        found = text.find(quote)
        if found < 0:
            return None, f"quote {quote!r} does not occur in {where}"
        if text.find(quote, found + 1) >= 0:
            return None, f"quote {quote!r} occurs more than once in {where}; give its start"
        return found, None
    if text[start:start + len(quote)] != quote:
        actual = text[start:start + len(quote)]
        hint = text.find(quote)
        there = f"; it occurs at {hint}" if hint >= 0 else f"; it does not occur in {where}"
        return None, f"quote {quote!r} is not verbatim at {start} (text there: {actual!r}){there}"
    return start, None
