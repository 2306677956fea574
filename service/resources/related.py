"""Relationships loaded onto rows, one SELECT per relationship a shape names, whatever the number of rows."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Select, select
from sqlalchemy.orm import Mapper, RelationshipProperty
from sqlalchemy.orm.interfaces import MANYTOMANY, MANYTOONE, ONETOMANY

from service.models.keys import key_columns, secondary_key_columns
from service.resources.rows import (
    KEYS,
    Shape,
    columns,
    fetch,
    joinable,
    prepare,
    shape,
)


def attach(conn: Connection, groups: Iterable[tuple[Mapper, list, Shape]], joined_fetched: bool = True) -> None:
    """Load the relationships each group's shape names onto its rows, one SELECT per relationship.

    Loads of one relationship from several places (the citations of positions and of their conditions)
    wait for each other and run as one; so do loads of one table by key (an item's actor and its
    reporter). JOINED_FETCHED: the groups' rows were read with their joinable relationships (rows.fetch)."""
    pending: dict[Any, _Pending] = {}

    def want(mapper: Mapper, rows: list, below: Shape, fetched: bool = True) -> None:
        joined = set(joinable(mapper, below)) if fetched else set()
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
        _, remote = key_columns(prop)
        stmt = select(*columns(target)).where(remote.in_(KEYS))
    elif prop.direction is ONETOMANY:
        _, remote = key_columns(prop)
        stmt = select(*columns(target)).where(remote.in_(KEYS)).order_by(*_order(prop))
    elif prop.direction is MANYTOMANY:
        _, secondary_owner = key_columns(prop)
        target_key, secondary_target = secondary_key_columns(prop)
        assert prop.secondary is not None
        stmt = (select(secondary_owner.label("_owner"), *columns(target))
                .join_from(target.class_, prop.secondary, target_key == secondary_target)
                .where(secondary_owner.in_(KEYS)).order_by(*_order(prop)))
    else:
        raise NotImplementedError(prop.direction)
    return prepare(stmt, joined)


def _load_related(conn: Connection, entry: _Pending) -> list:
    target = entry.target
    joined = joinable(target, entry.shape)
    prop = entry.sources[0][0]
    if prop.direction is MANYTOONE:
        return _load_to_one(conn, entry, joined)
    local, remote = key_columns(prop)  # one-to-many or many-to-many: the parent's key first
    owner_key = prop.parent.get_property_by_column(local).key
    parents = list(entry.sources[0][1].values())
    owners = sorted({getattr(row, owner_key) for row in parents})
    children = fetch(conn, _related_select(prop, joined), target, joined, {"keys": owners})
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
        local, _ = key_columns(prop)
        foreign = prop.parent.get_property_by_column(local).key
        links.append((prop, foreign, parents.values()))
        keys.update(value for row in parents.values() if (value := getattr(row, foreign)) is not None)
    first = entry.sources[0][0]
    _, remote = key_columns(first)
    found: dict = {}
    if keys:
        key_name = target.get_property_by_column(remote).key
        rows = fetch(conn, _related_select(first, joined), target, joined, {"keys": sorted(keys)})
        found = {getattr(row, key_name): row for row in rows}
    for prop, foreign, owners in links:
        for row in owners:
            setattr(row, prop.key, found.get(getattr(row, foreign)))
    return list(found.values())


def _order(prop: RelationshipProperty) -> tuple:
    return tuple(prop.order_by) if prop.order_by else tuple(prop.mapper.primary_key)
