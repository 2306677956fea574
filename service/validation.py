"""The bounds of what a request may hold, derived from the columns that store it, and full-match patterns.

A value the database cannot store must be a 4xx naming its field, never a 500 from the database: SQLite
stores a 301-character name in a VARCHAR(300) that PostgreSQL refuses, and PostgreSQL's `integer` holds
less than Python's int. So each write field's bound is read from its column here, one place, and shows in
the spec (`maxLength`, `maximum`, `maxItems`).
"""

from __future__ import annotations

import re
import typing

import marshmallow as ma
from marshmallow import fields, validate
from sqlalchemy import Integer, Numeric, String

# Text (and JSON) columns have no length: this bound is far above any field of the seed (its longest, a summary,
# has 1,101 characters) and keeps one record's text, served in the public briefing, in proportion.
TEXT_MAX = 10_000
# PostgreSQL's `integer` (every Integer column, and the ::INTEGER cast SQLAlchemy gives their parameters).
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1
# Items per list of a write body: the spans of one role (citations, hedges, quoted words, date evidence,
# quantities), and the other lists (aliases, participants, proposers, conditions, attributes, provenance,
# documents). The seed's longest are 3 and 14.
MAX_SPANS = 50
MAX_ITEMS = 100


def _type(column):
    return column.expression.type


def max_length(column) -> int:
    """The longest string COLUMN (an ORM attribute) stores: its String(n), else TEXT_MAX (None: no column)."""
    if column is None:
        return TEXT_MAX
    kind = _type(column)
    length = getattr(kind, "length", None) if isinstance(kind, String) else None
    return length or TEXT_MAX


def length(column, min: int = 0) -> validate.Length:  # noqa: A002 - marshmallow's own name
    return validate.Length(min=min, max=max_length(column))


def _top(column) -> int:
    kind = _type(column)
    if isinstance(kind, Integer):
        return INTEGER_MAX
    if isinstance(kind, Numeric) and kind.precision is not None:
        return 10 ** (kind.precision - (kind.scale or 0)) - 1
    raise TypeError(f"{column} is not a number column")


def value_range(column, min: int | None = None) -> validate.Range:  # noqa: A002
    """The integers an Integer COLUMN stores, from MIN."""
    return validate.Range(min=INTEGER_MIN if min is None else min, max=_top(column))


def decimal(column, min: int = 0, **kw) -> fields.Decimal:  # noqa: A002
    """A Decimal field holding what its Numeric(p, s) COLUMN stores. Its bounds are checked by a plain function
    and stated in the metadata: apispec writes a validate.Range's bounds on a Decimal field as strings."""
    top = _top(column)

    def check(value) -> None:
        if value is not None and not min <= value <= top:
            raise ma.ValidationError(f"Must be between {min} and {top}.")

    return fields.Decimal(validate=check, metadata={"minimum": min, "maximum": top, **kw.pop("metadata", {})},
                          **kw)


def items(maximum: int = MAX_ITEMS, min: int = 0, error: str | None = None) -> validate.Length:  # noqa: A002
    return validate.Length(min=min, max=maximum, error=error)


class FullMatch(validate.Regexp):
    """validate.Regexp over the whole value: Python's `$` also matches before a final newline, so `^x$` lets
    "x\\n" through. The pattern keeps its ^...$ for the spec, whose regexes are ECMA's (no \\Z)."""

    def __call__(self, value: str) -> str:  # type: ignore[override]
        if typing.cast("re.Pattern[str]", self.regex).fullmatch(value) is None:
            raise ma.ValidationError(self.error.format(input=value, regex=self.regex.pattern))
        return value
