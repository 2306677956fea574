"""Read a seed folder: parse the YAML, validate its shape, resolve references, verify every quote.

Nothing here touches the database; a seed that fails any check is reported whole, with every error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import marshmallow as ma
import yaml

from service.coverage import sentence_starts
from service.seeding.schema import SeedFile

SEED_FILE_NAME = "briefing.yaml"
RECORD_SECTIONS = ("actors", "relations", "positions", "aid_packages", "proposals", "events")


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


def iter_records(data: dict):
    """Yield (label, section, record) for every cited record, nested ones included."""
    for section in RECORD_SECTIONS:
        for index, record in enumerate(data[section]):
            label = f"{section}[{index}] ({record['slug']})"
            yield label, section, record
            for sub, subsection in (("conditions", "conditions"), ("items", "aid_items"),
                                    ("attributes", "proposal_attributes")):
                for sub_index, child in enumerate(record.get(sub, [])):
                    child_label = f"{label}.{sub}[{sub_index}]"
                    if child.get("slug"):
                        child_label += f" ({child['slug']})"
                    yield child_label, subsection, child


def _check_semantics(seed: Seed, name: str) -> list[SeedError]:
    data, errors = seed.data, []

    def err(record: str, field_name: str, reason: str) -> None:
        errors.append(SeedError(name, record, field_name, reason))

    seen: dict[str, set[str]] = {}
    for label, section, record in iter_records(data):
        slug = record.get("slug")
        if slug is not None:
            if slug in seen.setdefault(section, set()):
                err(label, "slug", f"duplicate slug {slug!r} among {section}")
            seen[section].add(slug)
        for c_index, citation in enumerate(record["citations"]):
            reason = locate_quote(seed, citation)
            if reason:
                err(label, f"citations[{c_index}]", reason)

    actors, proposals = seen.get("actors", set()), seen.get("proposals", set())
    refs = {
        "actors": (("parent", actors),),
        "relations": (("subject", actors), ("object", actors)),
        "positions": (("actor", actors), ("reported_by", actors), ("proposal", proposals)),
        "aid_packages": (("donor", actors), ("recipient", actors), ("announced_by", actors)),
        "proposals": (("proposers", actors),),
        "events": (("participants", actors),),
    }
    for section, checks in refs.items():
        for index, record in enumerate(data[section]):
            label = f"{section}[{index}] ({record['slug']})"
            for field_name, known in checks:
                value = record.get(field_name)
                for ref in value if isinstance(value, list) else [value]:
                    if ref is not None and ref not in known:
                        kind = "proposal" if known is proposals else "actor"
                        err(label, field_name, f"unknown {kind} {ref!r}")
    for index, uncovered in enumerate(data["uncovered_sentences"]):
        doc = uncovered["document"] or seed.default_document
        if doc not in seed.documents:
            err(f"uncovered_sentences[{index}]", "document", f"unknown document {doc!r}")
        elif uncovered["start"] >= len(seed.documents[doc].text):
            err(f"uncovered_sentences[{index}]", "start", "beyond the end of the document")
        elif uncovered["start"] not in sentence_starts(seed.documents[doc].text):
            err(f"uncovered_sentences[{index}]", "start", "not the start of a sentence")
    return errors


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
