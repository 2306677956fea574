"""What a record is served with, said once as a shape, and the ORM loader options that load it.

A shape names the relationships to load below a model's own columns, e.g. a position's
`{"conditions": CITED, "citations": {"document": {}}}`. `options()` turns it into loader options: one
`SELECT ... IN` per one-to-many relationship (a many-to-one joined into its rows' SELECT), whatever the number
of records. Item views and writes load one record with them, and so does the briefings' list its page. The
record lists serve stored bodies (service/read_model.py) and load nothing; the documents' list and the changes
feed read rows (listing.py), search hits their own (search.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import inspect as inspect_model
from sqlalchemy.orm import MANYTOONE, Mapper, RelationshipProperty, joinedload, selectinload

__all__ = ["CITED", "Shape", "options", "shape"]

# What to load below a model's columns: relationship name -> what to load below its rows.
Shape = Mapping[str, "Shape"]

CITED: Shape = {"citations": {"document": {}}}


def shape(*parts: Shape) -> dict:
    """The union of PARTS (nested shapes merge)."""
    merged: dict = {}
    for part in parts:
        for name, below in part.items():
            merged[name] = shape(merged.get(name, {}), below)
    return merged


def options(model: type, wanted: Shape) -> tuple:
    """ORM loader options that load WANTED below MODEL: each one-to-many (or many-to-many) relationship by one
    `SELECT ... IN`, each many-to-one joined into the SELECT of its rows."""
    mapper: Mapper = inspect_model(model)
    return tuple(_option(mapper.relationships[name], below) for name, below in wanted.items())


def _option(prop: RelationshipProperty, below: Shape):
    # A many-to-one (a citation's document) is joined into its rows' SELECT: one statement less per level.
    loader = (joinedload if prop.direction is MANYTOONE else selectinload)(prop.class_attribute)
    target = prop.mapper
    return loader.options(*(_option(target.relationships[n], b) for n, b in below.items())) if below else loader
