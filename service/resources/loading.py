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
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Select, select
from sqlalchemy import inspect as inspect_model
from sqlalchemy.orm import Mapper, RelationshipProperty, selectinload, with_polymorphic

from service.resources.related import attach
from service.resources.rows import KEYS, Row, Shape, columns, fetch, joinable, prepare, row_class, shape

__all__ = ["CITED", "Row", "Shape", "load", "load_by_id", "options", "row_class", "shape"]

CITED: Shape = {"citations": {"document": {}}}


def options(model: type, wanted: Shape) -> tuple:
    """ORM loader options that load WANTED below MODEL, each relationship by one `SELECT ... IN`."""
    mapper: Mapper = inspect_model(model)
    return tuple(_option(mapper.relationships[name], below) for name, below in wanted.items())


def _option(prop: RelationshipProperty, below: Shape):
    loader = selectinload(prop.class_attribute)
    target = prop.mapper
    return loader.options(*(_option(target.relationships[n], b) for n, b in below.items())) if below else loader


def load(conn: Connection, stmt: Select, model: type, wanted: Shape) -> list:
    """The rows of MODEL that STMT (a select of MODEL, filtered and ordered) selects, read as Row objects
    with the relationships WANTED names attached."""
    mapper: Mapper = inspect_model(model)
    joined = joinable(mapper, wanted)
    stmt = prepare(stmt.with_only_columns(*columns(mapper), maintain_column_froms=True), joined)
    rows = fetch(conn, stmt, mapper, joined)
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
