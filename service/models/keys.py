"""A relationship's key columns, read off its documented `primaryjoin`, `secondaryjoin` and `remote_side`: what the
read model's set-wise re-rendering joins on."""

from __future__ import annotations

import operator

from sqlalchemy import ColumnElement
from sqlalchemy.orm import RelationshipProperty
from sqlalchemy.sql.elements import BinaryExpression


def key_columns(prop: RelationshipProperty) -> tuple[ColumnElement, ColumnElement]:
    """(local, remote) of a relationship joined on one pair of columns: the parent's column and the one it meets
    (the target's, or the secondary table's for a many-to-many), read off the relationship's documented
    `primaryjoin` and `remote_side`."""
    return _pair(prop.primaryjoin, lambda column: column in prop.remote_side)


def secondary_key_columns(prop: RelationshipProperty) -> tuple[ColumnElement, ColumnElement]:
    """(the target's column, the secondary table's) of a many-to-many relationship, from its `secondaryjoin`."""
    assert prop.secondary is not None and prop.secondaryjoin is not None
    secondary = prop.secondary
    return _pair(prop.secondaryjoin, lambda column: getattr(column, "table", None) is secondary)


def _pair(join: ColumnElement, is_second) -> tuple[ColumnElement, ColumnElement]:
    if not _one_pair(join):
        raise ValueError(f"not a join on one pair of columns: {join}")
    assert isinstance(join, BinaryExpression)
    left, right = join.left, join.right
    return (left, right) if is_second(right) else (right, left)


def _one_pair(join: ColumnElement) -> bool:
    return isinstance(join, BinaryExpression) and join.operator is operator.eq
