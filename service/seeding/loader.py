"""Write a validated seed into the database: an upsert by slug inside the caller's transaction.

Loading the same seed twice changes nothing (no row is touched); records that left the seed are deleted.
The caller commits once, so a failure at any point leaves the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import (
    RECORDS,
    Actor,
    ActorAlias,
    ActorRelation,
    AidItem,
    AidPackage,
    Briefing,
    Citation,
    Document,
    Event,
    Position,
    PositionCondition,
    Proposal,
    ProposalAttribute,
    Record,
)
from service.models.base import reference_order
from service.models.citations import context
from service.seeding.reader import Seed, record_spans


class SeedConflict(Exception):
    """The seed contradicts what the database holds (e.g. a document's text changed)."""


@dataclass
class LoadReport:
    briefing: str
    created: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


class _Loader:
    def __init__(self, session: Session, seed: Seed):
        self.session, self.seed = session, seed
        self.documents: dict[str, Document] = {}
        self.actors: dict[str, Actor] = {}
        self.proposals: dict[str, Proposal] = {}
        self.events: dict[str, Event] = {}
        self.kept: set[int] = set()

    def run(self) -> LoadReport:
        self._documents()
        self.briefing = self._briefing()
        data = self.seed.data
        for actor in data["actors"]:
            self.actors[actor["slug"]] = self._record(Actor, actor, slug=actor["slug"], name=actor["name"],
                kind=actor["kind"], role=actor["role"], country=actor["country"])
        for actor in data["actors"]:
            obj = self.actors[actor["slug"]]
            _set(obj, parent=self.actor(actor["parent"]))
            self._aliases(obj, actor["aliases"])
        for rel in data["relations"]:
            self._claim(ActorRelation, rel, slug=rel["slug"], subject=self.actors[rel["subject"]],
                        predicate=rel["predicate"], object=self.actors[rel["object"]])
        for prop in data["proposals"]:
            obj = self.proposals[prop["slug"]] = self._claim(
                Proposal, prop, slug=prop["slug"], name=prop["name"], kind=prop["kind"],
                description=prop["description"], mandate=prop["mandate"], status=prop["status"])
            _set_list(obj, "proposers", [self.actors[s] for s in prop["proposers"]])
            self._attributes(obj, prop["attributes"])
        for ev in data["events"]:
            obj = self.events[ev["slug"]] = self._claim(
                Event, ev, slug=ev["slug"], date=ev["date"], name=ev["name"], place=ev["place"],
                status=ev["status"], date_precision=ev["date_precision"], date_provenance=ev["date_provenance"],
                date_reasoning=ev["date_reasoning"], date_reference=ev["date_reference"])
            _set_list(obj, "participants", [self.actors[s] for s in ev["participants"]])
        for pos in data["positions"]:
            obj = self._claim(Position, pos, slug=pos["slug"], holder=self.actors[pos["holder"]],
                about=self.actor(pos["about"]), topic=pos["topic"], stance=pos["stance"],
                summary=pos["summary"], proposal=self.proposals.get(pos["proposal"] or ""),
                date=pos["date"])
            for cond in pos["conditions"]:
                self._claim(PositionCondition, cond, slug=cond["slug"], position=obj, kind=cond["kind"],
                            description=cond["description"], proposal=self.proposals.get(cond["proposal"] or ""),
                            event=self.events.get(cond["event"] or ""))
        for pkg in data["aid_packages"]:
            obj = self._claim(AidPackage, pkg, slug=pkg["slug"], donor=self.actors[pkg["donor"]],
                recipient=self.actors[pkg["recipient"]], announced_by=self.actor(pkg["announced_by"]),
                amount=pkg["amount"], currency=pkg["currency"], date=pkg["date"],
                delivery_schedule=pkg["delivery_schedule"], summary=pkg["summary"])
            for item in pkg["items"]:
                self._aid_item(item, package=obj, donor=None, recipient=None)
        for item in data["aid_items"]:
            self._aid_item(item, package=None, donor=self.actors[item["donor"]],
                           recipient=self.actors[item["recipient"]])
        return self._finish()

    def actor(self, slug: str | None) -> Actor | None:
        return self.actors[slug] if slug else None

    def _aid_item(self, item: dict, **placement) -> None:
        self._claim(AidItem, item, slug=item["slug"], system=item["system"], category=item["category"],
                    role=item["role"], description=item["description"], quantity=item["quantity"],
                    status=item["status"], **placement)

    def _documents(self) -> None:
        for slug, doc in self.seed.documents.items():
            meta = {k: v for k, v in doc.meta.items() if k not in ("slug", "file")}
            obj = self.session.scalar(select(Document).where(Document.slug == slug))
            if obj is None:
                obj = Document(slug=slug, text=doc.text, sha256=doc.sha256, length=len(doc.text))
                self.session.add(obj)
            elif obj.sha256 != doc.sha256:
                raise SeedConflict(f"document {slug!r}: the stored text differs from {doc.meta['file']}; "
                                   "a corrected text must be a new document with its own slug")
            _set(obj, **meta)
            self.documents[slug] = obj

    def _briefing(self) -> Briefing:
        meta = self.seed.data["briefing"]
        obj = self.session.scalar(select(Briefing).where(Briefing.slug == meta["slug"]))
        if obj is None:
            obj = Briefing(slug=meta["slug"])
            self.session.add(obj)
        _set(obj, name=meta["name"], summary=meta["summary"])
        _set_list(obj, "documents", [self.documents[d["slug"]] for d in self.seed.data["documents"]])
        self.session.flush()
        self.existing = {
            (type(r), getattr(r, "slug", None) or r.id): r
            for r in self.session.scalars(select(Record).where(Record.briefing_id == obj.id))
        }
        return obj

    def _record(self, model, spec: dict, obj=None, **values):
        obj = obj or self.existing.get((model, values.get("slug")))
        if obj is None:
            obj = model(briefing=self.briefing)
            self.session.add(obj)
        _set(obj, provenance=spec["provenance"], review_status=spec["review_status"],
             review_note=spec["review_note"], **values)
        self._citations(obj, spec)
        if obj.id is not None:
            self.kept.add(obj.id)
        return obj

    def _claim(self, model, spec: dict, obj=None, **values):
        """A record that states a claim: its attribution and factuality too (models/base.py)."""
        return self._record(model, spec, obj, speaker=self.actors[spec["speaker"]],
                            reported_by=self.actor(spec["reported_by"]), speech=spec["speech"],
                            factuality=spec["factuality"], polarity=spec["polarity"], **values)

    def _citations(self, obj: Record, spec: dict) -> None:
        wanted = [(role, self.documents[c["document"]], c["start"], c["end"], c["quote"],
                   *(_quantity(c) if role == "quantity" else QUANTITY_NONE))
                  for _, role, c in record_spans(spec)]
        have = [(c.role, c.document, c.start, c.end, c.quote, c.measure, c.value, c.unit, c.approximation)
                for c in obj.citations] if obj.id else []
        if sorted(have, key=_citation_key) != sorted(wanted, key=_citation_key):
            obj.citations = [Citation(role=r, document=d, start=s, end=e, quote=q, measure=m, value=val, unit=u,
                                      approximation=a, **context(d.text, s, e))
                             for r, d, s, e, q, m, val, u, a in wanted]

    def _aliases(self, actor: Actor, aliases: list[str]) -> None:
        wanted = sorted(set(aliases))
        if [a.alias for a in actor.aliases] != wanted:
            keep = {a.alias: a for a in actor.aliases}
            actor.aliases = [keep.get(alias) or ActorAlias(alias=alias) for alias in wanted]

    def _attributes(self, proposal: Proposal, attributes: list[dict]) -> None:
        current = list(proposal.attributes) if proposal.id else []
        for index, spec in enumerate(attributes):
            obj = current[index] if index < len(current) else None
            if obj is None:
                obj = ProposalAttribute(briefing=self.briefing, proposal=proposal)
                self.session.add(obj)
            self._claim(ProposalAttribute, spec, obj, key=spec["key"], value=spec["value"])

    def _finish(self) -> LoadReport:
        report = LoadReport(self.briefing.slug)
        report.created = len(self.session.new)
        report.updated = sum(1 for o in self.session.dirty if self.session.is_modified(o))
        stale = [r for r in self.existing.values() if r.id not in self.kept]
        for model in DELETION_ORDER:
            for record in stale:
                if type(record) is model:
                    self.session.delete(record)
                    report.deleted += 1
            self.session.flush()
        return report


# Referrers before what they refer to, so RESTRICT foreign keys see their referrers gone first.
DELETION_ORDER = tuple(model for model in reversed(reference_order(RECORDS)) if model in RECORDS)
QUANTITY_NONE = (None, None, None, None)


def _quantity(citation: dict) -> tuple:
    return citation["measure"], citation["value"], citation["unit"], citation["approximation"]


def _citation_key(citation: tuple) -> tuple:
    role, document, start, end, quote, *quantity = citation
    # 30 in the seed is 30.00 read back from a Numeric column: compare numbers, not their text
    return role, document.slug, start, end, quote, tuple(
        str(part.normalize()) if isinstance(part, Decimal) else str(part) for part in quantity)


def _set(obj, **values) -> None:
    """Assign only what differs, so an unchanged seed leaves rows untouched."""
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)


def _set_list(obj, name: str, wanted: list) -> None:
    if list(getattr(obj, name)) != wanted:
        setattr(obj, name, wanted)


def load_seed(session: Session, seed: Seed) -> LoadReport:
    """Stage SEED in SESSION (the caller commits); return what changed."""
    # No autoflush: the report counts what the load staged before anything is written.
    with session.no_autoflush:
        return _Loader(session, seed).run()
