"""Rows read as plain objects: the columns a model is read with, joined relationships, a SELECT into rows.

See loading.py, which reads lists with these, and related.py, which attaches what a shape names.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import Any

from sqlalchemy import BindParameter, Connection, Select, bindparam
from sqlalchemy.orm import Mapper, RelationshipProperty
from sqlalchemy.orm.interfaces import MANYTOONE

from service.models.keys import key_columns, one_pair

# What to load below a model's columns: relationship name -> what to load below its rows.
Shape = Mapping[str, "Shape"]
# The keys a relationship's SELECT reads by: one expanding parameter, not a bound literal per key.
KEYS: BindParameter = bindparam("keys", expanding=True)


def shape(*parts: Shape) -> dict:
    """The union of PARTS (nested shapes merge)."""
    merged: dict = {}
    for part in parts:
        for name, below in part.items():
            merged[name] = shape(merged.get(name, {}), below)
    return merged


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


def prepare(stmt: Select, joined: tuple[RelationshipProperty, ...]) -> Select:
    """STMT with each relationship of JOINED (to one row of a plain table) read in the same SELECT, by a
    LEFT OUTER JOIN, its columns labelled `_<relationship>__<attribute>` after the row's own."""
    for prop in joined:
        local, remote = key_columns(prop)
        stmt = stmt.outerjoin(prop.mapper.class_, local == remote).add_columns(
            *(column.label(f"_{prop.key}__{column.key}") for column in columns(prop.mapper)))
    return stmt


def fetch(conn: Connection, stmt: Select, mapper: Mapper, joined: tuple[RelationshipProperty, ...] = (),
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
        _, remote = key_columns(prop)
        key_index = start + names.index(prop.mapper.get_property_by_column(remote).key)
        spans.append((prop.key, start, start + count, names, key_index, row_class(prop.mapper), {}))
        start += count
    return spans


def joinable(mapper: Mapper, wanted: Shape) -> tuple[RelationshipProperty, ...]:
    """The relationships of WANTED that can come in their parent's SELECT: to one row of a table that is not
    part of an inheritance hierarchy, with nothing loaded below it (a citation's document)."""
    props = []
    for name, below in wanted.items():
        prop = mapper.relationships[name]
        target = prop.mapper
        if (prop.direction is MANYTOONE and not below and target.inherits is None and not target.polymorphic_map
                and one_pair(prop.primaryjoin)):
            props.append(prop)
    return tuple(props)
