"""What a record is served with, said once as a shape; lists read it as plain rows, item views through the ORM.

A shape names the relationships to load below a model's own columns, e.g. a position's
`{"conditions": CITED, "citations": {"document": {}}}`. `options()` turns it into ORM loader options for
the views that load one record (to show or to write it). List pages and exports call `load()`, which
reads the same data with one SELECT per relationship (related slugs are columns already, see
models/slugs.py) into plain objects that answer the ORM's attribute names, so the same schemas dump
them. The ORM's loading (identity map, instance state, loader strategies) was over half of an uncached
page of positions while its SQL took under a millisecond (bench/, pyinstrument); a list only reads, so
it needs none of it. tests/test_loading.py checks every list item against the ORM-loaded item view.
"""

from __future__ import annotations

import functools
import inspect
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import BindParameter, Connection, Select, bindparam, select
from sqlalchemy import inspect as inspect_model
from sqlalchemy.orm import Mapper, RelationshipProperty, selectinload, with_polymorphic
from sqlalchemy.orm.interfaces import MANYTOMANY, MANYTOONE, ONETOMANY

Shape = Mapping[str, "Shape"]
CITED: Shape = {"citations": {"document": {}}}
# The keys a relationship's SELECT reads by: one expanding parameter, not a bound literal per key.
KEYS: BindParameter = bindparam("keys", expanding=True)


def shape(*parts: Shape) -> dict:
    """The union of PARTS (nested shapes merge)."""
    merged: dict = {}
    for part in parts:
        for name, below in part.items():
            merged[name] = shape(merged.get(name, {}), below)
    return merged


def options(model: type, wanted: Shape) -> tuple:
    """ORM loader options that load WANTED below MODEL, each relationship by one `SELECT ... IN`."""
    mapper: Mapper = inspect_model(model)
    return tuple(_option(mapper.relationships[name], below) for name, below in wanted.items())


def _option(prop: RelationshipProperty, below: Shape):
    loader = selectinload(prop.class_attribute)
    target = prop.mapper
    return loader.options(*(_option(target.relationships[n], b) for n, b in below.items())) if below else loader


class Row:
    """A record read for a list: its columns and the relationships its shape named, as attributes."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.__dict__.get('id')}>"


@functools.cache
def row_class(mapper: Mapper) -> type[Row]:
    """Rows of MAPPER keep the model's own methods (Document.reference ...), so schemas can call them."""
    methods: dict[str, Any] = {}
    for each in reversed(list(mapper.iterate_to_root())):
        methods.update({name: value for name, value in vars(each.class_).items()
                        if inspect.isfunction(value) and not name.startswith("_")})
    return type(mapper.class_.__name__ + "Row", (Row,), methods)


@functools.cache
def columns(mapper: Mapper) -> tuple:
    """The mapped columns a row is read with, labelled by attribute: every column attribute but the
    deferred (large) ones."""
    return tuple(prop.class_attribute.label(prop.key) for prop in mapper.column_attrs if not prop.deferred)


def load(conn: Connection, stmt: Select, model: type, wanted: Shape) -> list:
    """The rows of MODEL that STMT (a select of MODEL, filtered and ordered) selects, read as Row objects
    with the relationships WANTED names attached."""
    mapper: Mapper = inspect_model(model)
    joined = _joinable(mapper, wanted)
    stmt = _prepare(stmt.with_only_columns(*columns(mapper), maintain_column_froms=True), joined)
    rows = _fetch(conn, stmt, mapper, joined)
    attach(conn, [(mapper, rows, wanted)])
    return rows


def load_by_id(conn: Connection, model: type, ids: list[int], wanted: Mapping[str, Shape],
               read: Mapping[str, tuple[str, ...]]) -> list:
    """The records of MODEL (a polymorphic base) with these IDS, in that order, each a Row of its own type,
    read in one SELECT (LEFT OUTER JOIN of the subtype tables). WANTED: polymorphic identity -> the shape
    to load below the rows of that type; READ: identity -> the attributes its rows need besides the base's
    (the foreign keys of its shape included): a hit needs a few of its columns, not all of every type's."""
    plan, stmt = _polymorphic_select(model, tuple(sorted(read.items())))
    by_id, groups = {}, defaultdict(list)
    for values in conn.execute(stmt, {"keys": ids}).all():
        mapper, picks = plan[values[0]]  # the discriminator comes first, the id second
        row = row_class(mapper)()
        row.__dict__.update({key: values[i] for key, i in picks})
        by_id[values[1]] = row
        groups[values[0]].append(row)
    attach(conn, [(plan[kind][0], members, wanted.get(kind, {})) for kind, members in groups.items()],
           joined_fetched=False)
    return [by_id[i] for i in ids if i in by_id]


@functools.cache
def _polymorphic_select(model: type, read: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[dict, Select]:
    """For each polymorphic identity: its mapper and its (attribute, column index) pairs; and the SELECT of
    :keys, the base's columns first (the discriminator, then the id), then each subtype's READ ones."""
    wanted_columns = dict(read)
    entity: Any = with_polymorphic(model, "*")
    base: Mapper = inspect_model(model)
    assert base.polymorphic_on is not None
    identity_key, id_key = base.polymorphic_on.key, base.get_property_by_column(base.primary_key[0]).key
    base_keys = [prop.key for prop in base.column_attrs if not prop.deferred]
    base_keys.sort(key=lambda key: (key != identity_key, key != id_key))
    labelled = [getattr(entity, key).label(key) for key in base_keys]
    plan = {}
    for identity, mapper in base.polymorphic_map.items():
        picks = [(key, i) for i, key in enumerate(base_keys)]
        for prop in mapper.column_attrs:
            if prop.key in base_keys or prop.key not in wanted_columns.get(identity, ()):
                continue
            picks.append((prop.key, len(labelled)))
            column = getattr(getattr(entity, mapper.class_.__name__), prop.key)
            labelled.append(column.label(f"{identity}__{prop.key}"))
        plan[identity] = (mapper, picks)
    return plan, select(*labelled).where(getattr(entity, id_key).in_(KEYS))


def _prepare(stmt: Select, joined: tuple[RelationshipProperty, ...]) -> Select:
    """STMT with each relationship of JOINED (to one row of a plain table) read in the same SELECT, by a
    LEFT OUTER JOIN, its columns labelled `_<relationship>__<attribute>` after the row's own."""
    for prop in joined:
        ((local, remote),) = prop.local_remote_pairs
        stmt = stmt.outerjoin(prop.mapper.class_, local == remote).add_columns(
            *(column.label(f"_{prop.key}__{column.key}") for column in columns(prop.mapper)))
    return stmt


def _fetch(conn: Connection, stmt: Select, mapper: Mapper, joined: tuple[RelationshipProperty, ...] = (),
           params: dict | None = None) -> list:
    """Execute STMT (prepared for JOINED, with PARAMS) into rows of MAPPER, each joined relationship
    attached as a row of its own.

    Executed as Core on CONN: the rows are not ORM entities, and the ORM's execution layer cost as much
    as the SQL."""
    result = conn.execute(stmt, params or {})
    keys = list(result.keys())
    records = result.all()
    cls = row_class(mapper)
    rows = []
    if not joined:
        for values in records:
            row = cls()
            row.__dict__.update(zip(keys, values, strict=False))
            rows.append(row)
        return rows
    own = len(keys) - sum(len(columns(prop.mapper)) for prop in joined)
    own_keys, spans = keys[:own], _spans(joined, keys, own)
    for values in records:
        row = cls()
        attributes = row.__dict__
        attributes.update(zip(own_keys, values, strict=False))  # zip stops at the row's own columns
        for name, start, end, names, key_index, related_class, shared in spans:
            key = values[key_index]
            related = None if key is None else shared.get(key)
            if related is None and key is not None:  # one object per related row (a document cited many times)
                related = shared[key] = related_class()
                related.__dict__.update(zip(names, values[start:end], strict=False))
            attributes[name] = related
        rows.append(row)
    return rows


def _spans(joined: tuple[RelationshipProperty, ...], keys: list[str], start: int) -> list[tuple]:
    """For each joined relationship: its name, where its columns are, their attributes, where its key is,
    the class of its rows, and the rows read so far by key."""
    spans: list[tuple] = []
    for prop in joined:
        count = len(columns(prop.mapper))
        names = [key.split("__", 1)[1] for key in keys[start:start + count]]
        ((_, remote),) = prop.local_remote_pairs
        key_index = start + names.index(prop.mapper.get_property_by_column(remote).key)
        spans.append((prop.key, start, start + count, names, key_index, row_class(prop.mapper), {}))
        start += count
    return spans


def _joinable(mapper: Mapper, wanted: Shape) -> tuple[RelationshipProperty, ...]:
    """The relationships of WANTED that can come in their parent's SELECT: to one row of a table that is not
    part of an inheritance hierarchy, with nothing loaded below it (a citation's document)."""
    props = []
    for name, below in wanted.items():
        prop = mapper.relationships[name]
        target = prop.mapper
        if (prop.direction is MANYTOONE and not below and target.inherits is None and not target.polymorphic_map
                and len(prop.local_remote_pairs) == 1):
            props.append(prop)
    return tuple(props)


def attach(conn: Connection, groups: Iterable[tuple[Mapper, list, Shape]], joined_fetched: bool = True) -> None:
    """Load the relationships each group's shape names onto its rows, one SELECT per relationship.

    Loads of one relationship from several places (the citations of positions and of their conditions)
    wait for each other and run as one; so do loads of one table by key (an item's actor and its
    reporter). JOINED_FETCHED: the groups' rows were read with their joinable relationships (_fetch)."""
    pending: dict[Any, _Pending] = {}

    def want(mapper: Mapper, rows: list, below: Shape, fetched: bool = True) -> None:
        joined = set(_joinable(mapper, below)) if fetched else set()
        for name, deeper in below.items():
            prop = mapper.relationships[name]
            if prop in joined:
                continue  # already read with the rows themselves
            key = ("by key", prop.mapper) if prop.direction is MANYTOONE else prop
            entry = pending.setdefault(key, _Pending())
            entry.add(prop, rows, deeper)

    for mapper, rows, below in groups:
        if rows:
            want(mapper, rows, below, joined_fetched)
    while pending:
        key = _next_ready(pending)
        entry = pending.pop(key)
        target = entry.target
        loaded = _load_related(conn, entry)
        if loaded and entry.shape:
            want(target, loaded, entry.shape)


class _Pending:
    """One load waiting to run: which relationships, from which rows, and what to load below them."""

    def __init__(self) -> None:
        self.sources: list[tuple[RelationshipProperty, dict[int, Any]]] = []
        self.shape: dict = {}

    @property
    def target(self) -> Mapper:
        return self.sources[0][0].mapper

    def add(self, prop: RelationshipProperty, rows: list, below: Shape) -> None:
        for known, parents in self.sources:
            if known is prop:
                parents.update((id(row), row) for row in rows)
                break
        else:
            self.sources.append((prop, {id(row): row for row in rows}))
        self.shape = shape(self.shape, below)


def _next_ready(pending: dict) -> Any:
    """A load no other pending load can add rows to (else the first: shapes are finite trees)."""
    for key, entry in pending.items():
        names = {prop.key for prop, _ in entry.sources}
        if not any(names & _names(other.shape) for other_key, other in pending.items() if other_key != key):
            return key
    return next(iter(pending))


def _names(wanted: Shape) -> set[str]:
    return set(wanted).union(*(_names(below) for below in wanted.values())) if wanted else set()


@functools.cache  # a statement built once is also compiled and cached once (its cache key is memoized)
def _related_select(prop: RelationshipProperty, joined: tuple[RelationshipProperty, ...]) -> Select:
    """The SELECT of PROP's target rows for the owners' (or, to one, the targets') keys in :keys."""
    target = prop.mapper
    if prop.direction is MANYTOONE:
        ((_, remote),) = prop.local_remote_pairs
        stmt = select(*columns(target)).where(remote.in_(KEYS))
    elif prop.direction is ONETOMANY:
        ((_, remote),) = prop.local_remote_pairs
        stmt = select(*columns(target)).where(remote.in_(KEYS)).order_by(*_order(prop))
    elif prop.direction is MANYTOMANY:
        ((_, secondary_owner),) = prop.synchronize_pairs
        ((target_key, secondary_target),) = prop.secondary_synchronize_pairs or ()
        assert prop.secondary is not None
        stmt = (select(secondary_owner.label("_owner"), *columns(target))
                .join_from(target.class_, prop.secondary, target_key == secondary_target)
                .where(secondary_owner.in_(KEYS)).order_by(*_order(prop)))
    else:
        raise NotImplementedError(prop.direction)
    return _prepare(stmt, joined)


def _load_related(conn: Connection, entry: _Pending) -> list:
    target = entry.target
    joined = _joinable(target, entry.shape)
    prop = entry.sources[0][0]
    if prop.direction is MANYTOONE:
        return _load_to_one(conn, entry, joined)
    ((local, remote),) = prop.synchronize_pairs
    owner_key = prop.parent.get_property_by_column(local).key
    parents = list(entry.sources[0][1].values())
    owners = sorted({getattr(row, owner_key) for row in parents})
    children = _fetch(conn, _related_select(prop, joined), target, joined, {"keys": owners})
    by_owner = defaultdict(list)
    if prop.direction is MANYTOMANY:
        for child in children:
            by_owner[child.__dict__.pop("_owner")].append(child)
    else:
        fk = target.get_property_by_column(remote).key
        for child in children:
            by_owner[getattr(child, fk)].append(child)
    for row in parents:
        setattr(row, prop.key, by_owner.get(getattr(row, owner_key), []))
    return children


def _load_to_one(conn: Connection, entry: _Pending, joined: tuple[RelationshipProperty, ...]) -> list:
    """Every relationship of ENTRY points at one table: read the rows they name by key, once."""
    target = entry.target
    keys: set = set()
    links: list[tuple[RelationshipProperty, str, Iterable]] = []
    for prop, parents in entry.sources:
        ((local, _),) = prop.local_remote_pairs
        foreign = prop.parent.get_property_by_column(local).key
        links.append((prop, foreign, parents.values()))
        keys.update(value for row in parents.values() if (value := getattr(row, foreign)) is not None)
    first = entry.sources[0][0]
    ((_, remote),) = first.local_remote_pairs
    found: dict = {}
    if keys:
        key_name = target.get_property_by_column(remote).key
        rows = _fetch(conn, _related_select(first, joined), target, joined, {"keys": sorted(keys)})
        found = {getattr(row, key_name): row for row in rows}
    for prop, foreign, owners in links:
        for row in owners:
            setattr(row, prop.key, found.get(getattr(row, foreign)))
    return list(found.values())


def _order(prop: RelationshipProperty) -> tuple:
    return tuple(prop.order_by) if prop.order_by else tuple(prop.mapper.primary_key)
