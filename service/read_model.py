"""The read model: each listed record's served JSON, rendered when the record is written and stored in record_bodies.

A list page selects its rows' stored bodies and joins them (resources/listing.py): nothing is rendered to read.
Rendering happens in the transaction that writes, whatever writes (a view, the seed loader, a CLI command): each
flush notes what it changed (`after_flush`), and just before the commit the records whose representation changed
are rendered through their resource's schema. Records that show another only by its Link (`{slug, url}`) are not
rendered again when that one is renamed: the Link is replaced in their stored JSON, set-wise (a renamed actor's
thousand positions are one UPDATE that finds them by foreign key). `flask bodies rebuild` renders every body again
(after a migration that changes a representation, or a repair in raw SQL); tests/test_read_model.py checks that it
changes nothing after API writes.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import orjson
from flask import Flask
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Table,
    bindparam,
    delete,
    event,
    exists,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy import inspect as inspect_model
from sqlalchemy.orm import Mapper, RelationshipProperty, Session, SessionTransaction
from sqlalchemy.orm.interfaces import ONETOMANY

from service.http import response_cache
from service.http.json_provider import OrjsonProvider, encode
from service.models import (
    ActorAlias,
    Citation,
    Document,
    PositionCondition,
    ProposalAttribute,
    Record,
    RecordBody,
)
from service.models.keys import key_columns, secondary_key_columns
from service.models.slugs import FIRST_OF, SLUG_PATHS

PENDING = "service.read_model"  # session.info key: what this transaction's flushes changed
BATCH = 500
BODIES = cast(Table, RecordBody.__table__)

# Records served inside another's body (not listed on their own) -> the attribute naming that one.
OWNERS: dict[type[Any], str] = {PositionCondition: "position_id", ProposalAttribute: "proposal_id"}


@dataclass(frozen=True)
class Body:
    """How one listed model's records are served: the collection in their URL, their schema, what it loads."""

    model: type[Any]
    collection: str
    schema: type[Any]
    shape: Mapping[str, Any]


_REGISTERED: dict[str, Any] = {}


def register(listed: Mapping[type[Any], Body], loader_options: Callable[[type[Any], Mapping[str, Any]], tuple]) -> None:
    """Called by the registry (service/resources/__init__.py) once its resources are imported: the models whose
    records have a stored body, and how to build the ORM loader options of a body's shape. Handed over, not
    imported from here: the resources import the read model (listing.py), so importing them would be a cycle."""
    _REGISTERED.update(bodies=dict(listed), loader_options=loader_options)
    for cached in (_schema, _loader_options):
        cached.cache_clear()


def bodies() -> dict[type[Any], Body]:
    """Every model whose records have a stored body, as the registry declared them (each resource's BODY)."""
    if "bodies" not in _REGISTERED:
        raise RuntimeError("the stored bodies are declared by the resources: import service.resources first")
    return _REGISTERED["bodies"]


@functools.cache
def _schema(model: Any):
    return bodies()[model].schema()


@functools.cache
def _loader_options(model: Any) -> tuple:
    return _REGISTERED["loader_options"](model, bodies()[model].shape)


def render_records(records: Iterable) -> list[dict]:
    """[{id, body, scope}] for RECORDS (ORM objects of listed models, loaded with their shape); the scope is the
    record's class's, which a write of its body moves (service/http/response_cache.py)."""
    rows = []
    for record in records:
        model: Any = type(record)  # mypy takes type[Any] for unhashable
        rows.append({"id": record.id, "body": encode(_schema(model).dump(record)).decode(),
                     "scope": response_cache.scope_of(model)})
    return rows


def render(session: Session, ids: Iterable[int]) -> list[dict]:
    """The bodies of the listed records among IDS (the ids of served-inside records stand for their owners')."""
    by_model: dict[type[Any], set[int]] = defaultdict(set)
    for record_id, model in _listed(session, set(ids)):
        by_model[model].add(record_id)
    rows = []
    for model, model_ids in by_model.items():
        ordered = sorted(model_ids)
        for start in range(0, len(ordered), BATCH):
            stmt = (select(model).options(*_loader_options(model)).where(model.id.in_(ordered[start:start + BATCH]))  # type: ignore[arg-type]  # mypy takes type[Any] for unhashable
                    .execution_options(populate_existing=True))  # what was flushed, not what was loaded before
            rows += render_records(session.scalars(stmt).unique())
    return rows


def _listed(session: Session, ids: set[int]) -> list[tuple[int, type[Any]]]:
    """(id, model) of the listed records IDS name, each served-inside record replaced by its owner."""
    found: list[tuple[int, type[Any]]] = []
    polymorphic = inspect_model(Record).polymorphic_map
    while ids:
        owners: set[int] = set()
        for start in range(0, len(ids), BATCH):
            chunk = sorted(ids)[start:start + BATCH]
            for record_id, kind in session.execute(select(Record.id, Record.type).where(Record.id.in_(chunk))):
                model = polymorphic[kind].class_
                if model in bodies():
                    found.append((record_id, model))
                elif model in OWNERS:
                    owner = getattr(model, OWNERS[model])
                    owners.update(session.scalars(select(owner).where(model.id == record_id)))
        ids = owners - {record_id for record_id, _ in found}
    return found


def write(session: Session, rows: list[dict]) -> None:
    """Store ROWS ([{id, body, scope}]) in place of those records' bodies, and move their scopes' versions: a
    cached page of those bodies is stale from this transaction's commit."""
    conn = session.connection()
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        conn.execute(delete(BODIES).where(BODIES.c.id.in_([row["id"] for row in chunk])))
        conn.execute(insert(BODIES), [{"id": row["id"], "body": row["body"]} for row in chunk])
    if rows:  # the data version moves with the flush of what these bodies show, or with `bodies rebuild`
        response_cache.bump_session(session, {row["scope"] for row in rows}, data=False)


def rebuild(session: Session, *, only_missing: bool = False) -> int:
    """Render the body of every listed record (only those without one, ONLY_MISSING); returns how many."""
    count = 0
    for model in bodies():
        stmt = select(model.id).order_by(model.id)
        if only_missing:
            # NOT EXISTS, an anti-join: PostgreSQL runs `NOT IN (subquery)` row by row once the ids outgrow
            # work_mem (100k positions: past the statement timeout).
            stmt = stmt.where(~exists().where(BODIES.c.id == model.id))
        ids = list(session.scalars(stmt))
        for start in range(0, len(ids), BATCH):
            rows = render(session, ids[start:start + BATCH])
            write(session, rows)
            count += len(rows)
        session.expunge_all()  # a rebuild reads every record once: keep memory flat
    return count


# --- reading -------------------------------------------------------------------------------------------------


def serves(model: type[Any], schema: type[Any]) -> bool:
    """Whether a list of MODEL's records in SCHEMA is a list of their stored bodies (a schema with the fields of
    the stored one, e.g. /relations' subclass of the relation schema)."""
    body = bodies().get(model)
    return body is not None and _same_fields(schema, body.schema)  # type: ignore[arg-type]  # mypy takes type[Any] for unhashable


@functools.cache
def _same_fields(schema: Any, stored: Any) -> bool:
    return issubclass(schema, stored) and set(schema().fields) == set(stored().fields)


def stored_body(reading: Session | Connection, model: type[Any], schema: type[Any], criterion: Any) -> str | None:
    """The stored body of the MODEL record CRITERION selects (one SELECT, in READING's transaction or on a
    connection of its own), when it is MODEL's representation in SCHEMA (see serves()); None otherwise, or when no
    record matches, or the one that does has no stored body."""
    if not serves(model, schema):
        return None
    return reading.scalar(select(BODIES.c.body).join_from(BODIES, model, BODIES.c.id == model.id).where(criterion))


def joins_bodies(app: Flask) -> bool:
    """Whether APP's JSON responses are the compact, sorted bytes stored bodies are (not Flask's indented debug
    output): then a page is its bodies joined."""
    provider = app.json
    return isinstance(provider, OrjsonProvider) and not (
        provider.compact is False or (provider.compact is None and app.debug))


def included(session: Session, items: list[dict], names: tuple[str, ...],
             wrap: Callable[[str], Any] = orjson.loads) -> list[dict]:
    """For each of ITEMS (bodies, read), `{name: the stored body of the record its Link NAME shows (a list of them
    for a list of Links), or None}`: one SELECT (a UNION ALL) for every collection the Links point into. Each body
    is its stored text given to WRAP: read by default, or an `orjson.Fragment` that the page's encoding copies as
    it is (neither parsed nor encoded again)."""
    if not names:
        return [{} for _ in items]
    wanted: dict[str, set[str]] = defaultdict(set)
    for item in items:
        for name in names:
            for link in _links(item.get(name)):
                wanted[_collection(link)].add(link["slug"])
    found: dict[tuple[str, str], dict] = {}
    if wanted:
        found = {(collection, slug): wrap(body)
                 for collection, slug, body in session.execute(_included_select(wanted))}
    missing = {(collection, slug) for collection, slugs in wanted.items() for slug in slugs} - found.keys()
    if missing:  # written by raw SQL since the last rebuild: rendered now, served the same
        found.update((key, wrap(body)) for key, body in _rendered(session, missing).items())

    def embedded(value):
        if value is None:
            return None
        if isinstance(value, list):
            return [found[_collection(link), link["slug"]] for link in value]
        return found[_collection(value), value["slug"]]

    return [{name: embedded(item.get(name)) for name in names} for item in items]


def _rendered(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The bodies (JSON text) of the records KEYS ((collection, slug)) name, rendered from the ORM."""
    by_collection = {body.collection: body.model for body in bodies().values()}
    named: dict[int, tuple[str, str]] = {}
    for collection in {collection for collection, _ in keys}:
        model = by_collection[collection]
        slugs = sorted(slug for c, slug in keys if c == collection)
        for record_id, slug in session.execute(select(model.id, model.slug).where(model.slug.in_(slugs))):
            named[record_id] = (collection, slug)
    return {named[row["id"]]: row["body"] for row in render(session, named)}


def _included_select(wanted: dict[str, set[str]]):
    """One SELECT (a UNION ALL, each part by its table's unique slug index) of (collection, slug, body) for the
    records of each collection in WANTED with those slugs."""
    by_collection = {body.collection: body.model for body in bodies().values()}
    parts = []
    for collection in sorted(wanted):
        table = inspect_model(by_collection[collection]).local_table
        parts.append(select(literal(collection).label("collection"), table.c.slug, BODIES.c.body)
                     .join_from(table, BODIES, BODIES.c.id == table.c.id)
                     .where(table.c.slug.in_(sorted(wanted[collection]))))
    return union_all(*parts) if len(parts) > 1 else parts[0]


def _links(value) -> list[dict]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _collection(link: dict) -> str:
    """/api/v1/actors/france -> actors"""
    return link["url"].split("/")[3]


# --- what a record's representation shows of others -------------------------------------------------------


def _hops(model: type[Any], path: str) -> list[RelationshipProperty]:
    mapper: Mapper = inspect_model(model)
    hops = []
    for name in path.split("."):
        prop = mapper.relationships[name]
        hops.append(prop)
        mapper = prop.mapper
    return hops


@functools.cache
def _link_paths() -> tuple[tuple[type[Any], str], ...]:
    """(model, relationship path) of every Link a body shows: the slug columns' paths (models/slugs.py), and the
    collections of Links (an event's participants ...)."""
    paths = [(model, path) for model, named in SLUG_PATHS.items() for path in named]
    paths += [(model, path) for model, named in FIRST_OF.items() for each in named.values() for path in each]
    paths += [(model, prop.key) for model in bodies() for prop in inspect_model(model).relationships
              if prop.secondary is not None]
    return tuple(dict.fromkeys(paths))


RECORD_ID: BindParameter[int] = bindparam("record_id")


def _pointing(model: type[Any], path: str, selected: str = "id"):
    """SELECT the column SELECTED (the id by default) of MODEL's records whose PATH leads to the record
    :record_id: each hop an `IN (SELECT ...)` on a foreign key's index, from the record's end."""

    hops = _hops(model, path)
    last = hops[-1]
    criterion: ColumnElement[bool]
    if last.secondary is not None:
        local, remote = key_columns(last)  # an event's id, the participants table's event_id
        _, far = secondary_key_columns(last)  # the participants table's actor_id
        column, criterion = local, local.in_(select(remote).where(far == RECORD_ID))
    else:
        (column,) = last.local_columns
        criterion = column == RECORD_ID
    for prop in reversed(hops[:-1]):
        local, remote = key_columns(prop)  # an item's package_id, the package's id
        criterion = local.in_(_select(prop.mapper, remote, column, criterion))
        column = local
    mapper: Mapper = inspect_model(model)
    own = next(each for each in mapper.get_property(selected).columns if each.table is mapper.local_table)
    return _select(mapper, own, column, criterion)


def _select(mapper: Mapper, selected, column, criterion):
    """SELECT SELECTED WHERE CRITERION (on COLUMN), from the one table of the two when both are the same (not
    the join of MAPPER's inheritance: a position's holder_id is in positions, no need for records)."""
    stmt = select(selected).where(criterion)
    return stmt if selected.table is column.table else stmt.select_from(mapper)


@functools.cache  # built (and compiled) once per model
def _showing_select(model: Any):
    """One SELECT of the ids of the listed records whose bodies show the record :record_id (of MODEL) by its
    Link, a record served inside another standing for that one (a position for its conditions)."""
    selects = []
    for shower, path in _link_paths():
        if not issubclass(model, _hops(shower, path)[-1].mapper.class_):
            continue
        if shower not in OWNERS:
            selects.append(_pointing(shower, path))
        selects += [_pointing(inside, path, key) for inside, key in OWNERS.items()
                    if issubclass(inside, shower)]  # owners are listed records (a condition's position)
    if not selects:
        return None  # nothing shows a record of MODEL by its Link alone (an aid item: its package lists it)
    return union_all(*selects) if len(selects) > 1 else selects[0]


def link_dependents(session: Session, model: type[Any], ids: list[int]) -> set[int]:
    """The listed records whose bodies show a record of MODEL among IDS by its Link."""
    found: set[int] = set()
    stmt = _showing_select(model)  # type: ignore[arg-type]  # mypy takes type[Any] for unhashable
    for record_id in ids if stmt is not None else ():
        found.update(session.scalars(stmt, {"record_id": record_id}))
    return found


@functools.cache
def _relink(model: Any):
    """One UPDATE replacing the Link :old by :new in the bodies of the records showing the record :record_id
    (of MODEL): set-wise in the database, whatever the number of those records."""
    showing = _showing_select(model)
    if showing is None:
        return None
    return (update(BODIES).where(BODIES.c.id.in_(showing))
            .values(body=func.replace(BODIES.c.body, bindparam("old"), bindparam("new"))))


@functools.cache
def _through() -> dict[type[Any], tuple[tuple[type[Any], object, tuple[str, ...]], ...]]:
    """Model -> (model showing a Link of it two hops away, the foreign key of the first hop, the attributes of
    the second hop): an aid item shows its package's donor, so a package's change of donor renders its items
    (its rename does not: relink() replaces its Link in them)."""
    found: dict[type[Any], list] = defaultdict(list)
    for model, path in _link_paths():
        hops = _hops(model, path)
        if len(hops) > 1:
            (column,) = hops[0].local_columns
            second = hops[1]
            keys = (second.key, *(second.parent.get_property_by_column(each).key for each in second.local_columns))
            found[hops[0].mapper.class_].append((model, column, keys))
    return {key: tuple(dict.fromkeys(value)) for key, value in found.items()}


@functools.cache
def _containers() -> dict[type[Any], tuple[str, ...]]:
    """Listed model -> its attributes naming a listed record whose body lists it (an item's `package_id`): the
    one-to-many relationships a body's shape loads. A proposal's positions are not in its body (the proposal's
    relationship is there for the item view's queries), so a position's write does not render its proposal."""
    found: dict[type[Any], list[str]] = defaultdict(list)
    for model, body in bodies().items():
        for prop in inspect_model(model).relationships:
            if prop.direction is ONETOMANY and prop.mapper.class_ in bodies() and prop.key in body.shape:
                (remote,) = prop.remote_side
                found[prop.mapper.class_].append(prop.mapper.get_property_by_column(remote).key)
    return {key: tuple(value) for key, value in found.items()}


# --- tracking a transaction's writes ----------------------------------------------------------------------


@dataclass
class Pending:
    """What this transaction's flushes changed, to render before it commits."""

    render: set[int] = field(default_factory=set)                  # records (or served-inside ones) to render
    documents: set[int] = field(default_factory=set)               # documents whose citations' records to render
    through: set[tuple[type[Any], object, int]] = field(default_factory=set)  # (model, foreign key, id) to render
    renames: list[tuple[type[Any], int, str, str]] = field(default_factory=list)  # (model, id, old slug, new slug)


def _pending(session: Session) -> Pending:
    return session.info.setdefault(PENDING, Pending())


def _listed_model(obj) -> type[Any] | None:
    return next((model for model in type(obj).__mro__ if model in bodies()), None)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    """What is still readable only before the flush: who shows a record being deleted (a child actor's parent
    is set to null by the database), and the old container of a record moved to another."""
    pending = None
    for obj in session.deleted:
        model = _listed_model(obj)
        if model is not None:
            pending = pending or _pending(session)
            with session.no_autoflush:
                pending.render |= link_dependents(session, model, [obj.id])
    for obj in session.dirty:
        model = _listed_model(obj)
        for key in _containers().get(model, ()) if model is not None else ():
            assert model is not None
            column = getattr(model, key)
            pending = pending or _pending(session)
            old = session.connection().scalar(select(column).where(model.id == obj.id))
            if old is not None:
                pending.render.add(old)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    deleted = set(session.deleted)
    changed = [*session.new, *(o for o in session.dirty if session.is_modified(o)), *deleted]
    if not changed:
        return
    pending = _pending(session)
    for obj in changed:
        values = inspect_model(obj).dict
        model = _listed_model(obj)
        if model is not None:
            if obj not in deleted:
                pending.render.add(obj.id)
                _note_rename(pending, model, obj)
            pending.render.update(v for key in _containers().get(model, ()) if (v := values.get(key)) is not None)
            state = inspect_model(obj)
            pending.through.update((shower, column, obj.id) for shower, column, keys in _through().get(model, ())
                                   if obj in deleted or any(state.attrs[key].history.has_changes() for key in keys))
        elif isinstance(obj, Record) and type(obj) in OWNERS:
            pending.render.add(values.get(OWNERS[type(obj)]))
        elif isinstance(obj, Citation):
            pending.render.add(values.get("record_id"))
        elif isinstance(obj, ActorAlias):
            pending.render.add(values.get("actor_id"))
        elif isinstance(obj, Document) and obj not in session.new:
            pending.documents.add(obj.id)
    pending.render.discard(None)


def _note_rename(pending: Pending, model: type[Any], obj) -> None:
    history = inspect_model(obj).attrs.slug.history
    if history.deleted and history.added and history.deleted[0] is not None:
        pending.renames.append((model, obj.id, history.deleted[0], history.added[0]))


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(PENDING, None)


@event.listens_for(Session, "before_commit")
def render_pending(session: Session) -> dict[int, str]:
    """Render what this transaction changed, in it: just before it commits, or earlier for stored_now(). Returns
    the bodies it rendered and stored, by record id."""
    if PENDING not in session.info and not (session.new or session.dirty or session.deleted):
        return {}
    session.flush()  # what is still to flush is noted too (the audit of a write that stored_now() rendered)
    if PENDING not in session.info:
        return {}
    pending: Pending = session.info.pop(PENDING)
    ids = set(pending.render)
    if pending.documents:
        ids.update(session.scalars(select(Citation.record_id).where(Citation.document_id.in_(pending.documents))))
    for shower, column, record_id in pending.through:
        ids.update(session.scalars(select(shower.id).where(column == record_id)))  # type: ignore[arg-type]
    relink(session, pending.renames)  # first: the bodies rendered next are rendered whole
    rows = render(session, ids)
    write(session, rows)
    session.info.pop(PENDING, None)  # rendering flushed nothing new: nothing left to render
    return {row["id"]: row["body"] for row in rows}


def stored_now(session: Session, record_id: int) -> str | None:
    """The body of RECORD_ID rendered now from this transaction's changes (as its commit would have), and stored:
    what a write answers, rendered once for the response and the read model alike. None when this transaction
    did not render it (nothing of it changed: its stored body may predate a raw-SQL repair)."""
    return render_pending(session).get(record_id)


def relink(session: Session, renames: list[tuple[type[Any], int, str, str]]) -> None:
    """Replace each renamed record's Link in the stored bodies that show it: per rename one UPDATE, which selects
    those bodies by the foreign keys and replaces the Link's exact text in them (bodies are compact with sorted
    keys, so a Link is exactly `{"slug":...,"url":...}`, and within a JSON string its quotes would be escaped:
    the text matches that Link object only)."""
    for model, record_id, old, new in renames:
        stmt = _relink(model)  # type: ignore[arg-type]  # mypy takes type[Any] for unhashable
        if stmt is not None:
            collection = bodies()[model].collection
            session.connection().execute(stmt, {"record_id": record_id, "old": _link_text(collection, old),
                                                "new": _link_text(collection, new)})
    if renames:  # the bodies it replaced a link in may be of any listed type (a rename is rare: move them all)
        response_cache.bump_session(session, {response_cache.scope_of(model) for model in bodies()}, data=False)


def _link_text(collection: str, slug: str) -> str:
    return encode({"slug": slug, "url": f"/api/v1/{collection}/{slug}"}).decode()
