"""Deterministic synthetic data, bulk-loaded with SQLAlchemy Core into a migrated SQLite or PostgreSQL database.

    python -m bench.generate sqlite:///bench/data/bench-1k.sqlite3 --positions 1000 --seed 1

Rows go in with executemany, one transaction per chunk; records.search_text is written as the ORM would
(service.models.search_text), so the FTS5 triggers (SQLite) and the GIN expression index (PostgreSQL) index it.
The real seed briefing is loaded first through the real loader, so the composed briefing has real content.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sys

from sqlalchemy import Engine, insert, select, text

from service import create_app, migrate
from service import vocabulary as v
from service.extensions import make_engine
from service.http.response_cache import bump_everything
from service.models import (
    Actor,
    AidItem,
    AidPackage,
    Briefing,
    Citation,
    Document,
    Position,
    Proposal,
    Record,
    briefing_documents,
)

try:
    from tqdm import tqdm
except ImportError:  # the `bench` extra is not installed (the test suite): a plain progress line
    from bench.progress import Plain as tqdm  # noqa: N813

WORDS = ("ceasefire sanctions reassurance force monitoring coalition summit delegation missile drone "
         "brigade convoy treaty guarantee border corridor harbour grain energy pipeline airspace "
         "artillery envoy mandate observer budget credit factory munitions training radar").split()
TOPICS = ("sanctions", "ceasefire", "reassurance_force", "security_guarantees", "military_aid", "energy",
          "negotiations", "reconstruction")
CATEGORIES = ("missiles", "vehicles", "munitions", "drones", "air_defence", "intelligence", "training")
DOC_SENTENCES = 400


def sentence(rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


class Generator:
    """Builds rows in id order from one random stream, so a seed always gives the same database."""

    def __init__(self, engine: Engine, seed: int, chunk: int):
        self.engine, self.rng, self.chunk = engine, random.Random(seed), chunk
        with engine.connect() as conn:
            self.next_id = (conn.scalar(select(Record.id).order_by(Record.id.desc()).limit(1)) or 0) + 1
            self.next_citation = (conn.scalar(select(Citation.id).order_by(Citation.id.desc()).limit(1)) or 0) + 1
            self.first_briefing = (conn.scalar(select(Briefing.id).order_by(Briefing.id.desc()).limit(1)) or 0) + 1
            self.first_document = (conn.scalar(select(Document.id).order_by(Document.id.desc()).limit(1)) or 0) + 1
        self.docs: dict[int, tuple[int, list[tuple[int, int, str]]]] = {}  # briefing -> (doc id, sentences)
        self.briefing_of: dict[int, int] = {}  # record id -> its briefing

    def briefings(self, count: int) -> None:
        rows_b, rows_d, rows_bd = [], [], []
        for i in range(count):
            bid, did = self.first_briefing + i, self.first_document + i
            sentences, spans, offset = [], [], 0
            for _ in range(DOC_SENTENCES):
                s = sentence(self.rng)
                spans.append((offset, offset + len(s), s))
                sentences.append(s)
                offset += len(s) + 1
            body = " ".join(sentences)
            self.docs[bid] = (did, spans)
            rows_b.append({"id": bid, "slug": f"synthetic-{i}", "name": f"Synthetic briefing {i}",
                           "summary": sentence(self.rng, 40)})
            rows_d.append({"id": did, "slug": f"synthetic-source-{i}", "name": f"Synthetic source {i}",
                           "publisher": "Bench Gazette", "language": "en", "original_language": None,
                           "url": None, "date": dt.date(2025, 3, 1) + dt.timedelta(days=i % 28),
                           "date_note": None, "translation_note": None,
                           "sha256": hashlib.sha256(body.encode()).hexdigest(), "length": len(body), "text": body})
            rows_bd.append({"briefing_id": bid, "document_id": did, "position": 0})
        with self.engine.begin() as conn:
            conn.execute(insert(Briefing.__table__), rows_b)
            conn.execute(insert(Document.__table__), rows_d)
            conn.execute(insert(briefing_documents), rows_bd)

    def records(self, model, count: int, make, label: str, citations: int, claim=None) -> list[int]:
        """Insert COUNT records of MODEL (MAKE(i, id, briefing) -> row) with CITATIONS each, in chunks; CLAIM(row,
        briefing) -> who says it and how surely (the records row's attribution columns), for records that state
        a claim."""
        ids = []
        briefing_ids = sorted(self.docs)
        with tqdm(total=count, desc=label, unit="rows", file=sys.stderr, mininterval=1) as bar:
            for start in range(0, count, self.chunk):
                records, rows, cites = [], [], []
                for i in range(start, min(count, start + self.chunk)):
                    rid, briefing = self.next_id, briefing_ids[i % len(briefing_ids)]
                    self.next_id += 1
                    self.briefing_of[rid] = briefing
                    row = make(i, rid, briefing)
                    quotes = self.cite(rid, briefing, citations, cites)
                    parts = [row.get(name) for name in model.search_fields] + quotes
                    records.append({"id": rid, "type": model.__mapper__.polymorphic_identity,
                                    "briefing_id": briefing, "version": 1,
                                    "search_text": "\n".join(str(p) for p in parts if p),
                                    **NOT_A_CLAIM, **(claim(row, briefing) if claim else {})})
                    rows.append(row)
                    ids.append(rid)
                with self.engine.begin() as conn:
                    conn.execute(insert(Record.__table__), records)
                    conn.execute(insert(model.__table__), rows)
                    if cites:
                        conn.execute(insert(Citation.__table__), cites)
                bar.update(len(rows))
        return ids

    def cite(self, rid: int, briefing: int, count: int, out: list) -> list[str]:
        doc_id, spans = self.docs[briefing]
        quotes = []
        for _ in range(count):
            start, end, quote = spans[self.rng.randrange(len(spans))]
            out.append({"id": self.next_citation, "record_id": rid, "document_id": doc_id,
                        "start": start, "end": end, "quote": quote})
            self.next_citation += 1
            quotes.append(quote)
        return sorted(quotes)

    def by_briefing(self, ids: list[int]) -> dict[int, list[int]]:
        """IDS (records made here) grouped by their briefing, for pick()."""
        grouped: dict[int, list[int]] = {}
        for rid in ids:
            grouped.setdefault(self.briefing_of[rid], []).append(rid)
        return grouped

    def pick(self, grouped: dict[int, list[int]], briefing: int) -> int:
        """One of the records GROUPED (by_briefing()) in BRIEFING: a reference never crosses briefings (the API
        refuses one that would, and the composed briefing shows only its own records)."""
        within = grouped[briefing]
        return within[self.rng.randrange(len(within))]


# The attribution columns of a record that states no claim (an actor).
NOT_A_CLAIM = {"speaker_id": None, "reported_by_id": None, "speech": None, "factuality": "certain",
               "polarity": "positive"}


def generate(url: str, *, briefings: int, actors: int, proposals: int, positions: int, packages: int,
             aid_items: int, citations: int, seed: int, chunk: int, with_seed: bool) -> dict:
    migrate.upgrade(url)
    if with_seed:
        app = create_app({"DATABASE_URL": url, "RESPONSE_CACHE": False})
        result = app.test_cli_runner().invoke(args=["seed", "load"])
        if result.exit_code != 0:
            raise SystemExit(result.output)
    engine = make_engine(url)
    gen = Generator(engine, seed, chunk)
    rng = gen.rng
    gen.briefings(briefings)
    actor_ids = gen.by_briefing(gen.records(Actor, actors, lambda i, rid, b: {
        "id": rid, "slug": f"actor-{i}", "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {i}",
        "kind": rng.choice(v.ACTOR_KINDS), "role": sentence(rng, 4), "country": None, "parent_id": None,
    }, "actors", citations))
    def claim(row: dict, b: int) -> dict:
        speaker = row.get("holder_id") or gen.pick(actor_ids, b)
        return {"speaker_id": speaker, "reported_by_id": gen.pick(actor_ids, b), "speech": rng.choice(tuple(v.SPEECH)),
                "factuality": rng.choice(v.FACTUALITY_ORDER), "polarity": "positive"}

    proposal_ids = gen.by_briefing(gen.records(Proposal, proposals, lambda i, rid, b: {
        "id": rid, "slug": f"proposal-{i}", "name": f"Proposal {i}: {sentence(rng, 3)}",
        "kind": rng.choice(v.PROPOSAL_KINDS), "description": sentence(rng, 20), "mandate": None,
        "status": rng.choice(v.PROPOSAL_STATUSES),
    }, "proposals", citations, claim))
    gen.records(Position, positions, lambda i, rid, b: {
        "id": rid, "slug": f"position-{i}", "holder_id": gen.pick(actor_ids, b),
        "about_id": gen.pick(actor_ids, b) if rng.random() < 0.2 else None,
        "topic": rng.choice(TOPICS), "stance": rng.choice(tuple(v.STANCES)), "summary": sentence(rng, 16),
        "proposal_id": gen.pick(proposal_ids, b) if rng.random() < 0.5 else None,
        "date": dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700)) if rng.random() < 0.9 else None,
    }, "positions", citations, claim)
    package_ids = gen.by_briefing(gen.records(AidPackage, packages, lambda i, rid, b: {
        "id": rid, "slug": f"package-{i}", "donor_id": gen.pick(actor_ids, b), "recipient_id": gen.pick(actor_ids, b),
        "announced_by_id": None, "amount": rng.randrange(1, 5000) * 1_000_000, "currency": "EUR",
        "date": dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700)),
        "delivery_schedule": None, "summary": sentence(rng, 12),
    }, "aid packages", citations, claim))
    gen.records(AidItem, aid_items, lambda i, rid, b: {
        "id": rid, "slug": f"aid-item-{i}", "package_id": gen.pick(package_ids, b), "system": rng.choice(WORDS).title(),
        "category": rng.choice(CATEGORIES), "role": None, "description": sentence(rng, 10),
        "quantity": rng.randrange(1, 100), "status": rng.choice(v.AID_STATUSES), "donor_id": None,
        "recipient_id": None,
    }, "aid items", citations, claim)
    engine.dispose()
    # Rows went in as Core inserts, past the ORM's flushes: render their stored bodies as `flask bodies rebuild`.
    app = create_app({"DATABASE_URL": url, "RESPONSE_CACHE": False})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["bodies", "rebuild", "--missing"])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    engine = make_engine(url)
    finish(engine)
    engine.dispose()
    return {"briefings": briefings, "actors": actors, "proposals": proposals, "positions": positions,
            "aid_packages": packages, "aid_items": aid_items, "citations_per_record": citations, "seed": seed}


def finish(engine: Engine) -> None:
    """Move PostgreSQL sequences past the explicit ids, refresh planner statistics, bump the data version."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in ("records", "citations", "briefings", "documents"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        bump_everything(conn)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


SCALES = {  # positions drive the size; the other tables grow with them
    "1k": dict(briefings=2, actors=100, proposals=20, positions=1000, packages=20, aid_items=200),
    "100k": dict(briefings=20, actors=2000, proposals=200, positions=100_000, packages=500, aid_items=10_000),
    "1m": dict(briefings=50, actors=10_000, proposals=1000, positions=1_000_000, packages=2000, aid_items=50_000),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="sqlite:///path or postgresql://... (migrated here; must be empty)")
    parser.add_argument("--scale", choices=SCALES, default="1k", help="preset sizes; the flags below override")
    for name in ("briefings", "actors", "proposals", "positions", "packages", "aid-items"):
        parser.add_argument(f"--{name}", type=int)
    parser.add_argument("--citations", type=int, default=1, help="citations per record")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=20_000, help="rows per transaction")
    parser.add_argument("--no-real-seed", action="store_true", help="skip loading seeds/ first")
    args = parser.parse_args(argv)
    sizes = dict(SCALES[args.scale])
    for name in sizes:
        if getattr(args, name, None) is not None:
            sizes[name] = getattr(args, name)
    started = dt.datetime.now()
    done = generate(args.database_url, **sizes, citations=args.citations, seed=args.seed, chunk=args.chunk,
                    with_seed=not args.no_real_seed)
    print(f"generated {done} in {(dt.datetime.now() - started).total_seconds():.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
