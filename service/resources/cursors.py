"""Keyset cursors: opaque base64 of the sort they were issued for and the last row's sort values, checked
on the way back in (a cursor is the client's to tamper with) so only values of the sort columns' types reach
the database."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from decimal import Decimal

import marshmallow as ma
from marshmallow import fields
from sqlalchemy import BigInteger, Date, Integer, Numeric, literal

from service.validation import INTEGER_MAX, INTEGER_MIN


class Cursor(fields.String):
    """An opaque cursor: the sort it was issued for and the last row's sort values."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
            if not (isinstance(decoded, dict) and _is_id(decoded.get("id"))
                    and isinstance(decoded.get("s"), str) and isinstance(decoded.get("v"), list)):
                raise ValueError
            return decoded
        except (ValueError, UnicodeDecodeError, binascii.Error, RecursionError) as exc:
            raise ma.ValidationError("Not a valid cursor; use the `next` link of a previous page.") from exc


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and INTEGER_MIN <= value <= INTEGER_MAX


def encode(sort: str, values: list, last_id: int) -> str:
    payload = json.dumps({"s": sort, "v": [_plain(v) for v in values], "id": last_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode("ascii").rstrip("=")


def typed(values: list, kinds: list) -> list:
    """A cursor's sort VALUES, each of its key's column type KINDS (a cursor is the client's to tamper with):
    ValueError or TypeError for any other, so nothing but a value of the column's type reaches the database."""
    return [_value(value, kind) for value, kind in zip(values, kinds, strict=True)]


def _value(value, kind):
    if isinstance(kind, Date):
        if not isinstance(value, str):
            raise TypeError(value)
        return dt.date.fromisoformat(value)
    if isinstance(kind, Integer):
        if not (isinstance(value, int) and not isinstance(value, bool) and -(2**62) <= value <= INTEGER_MAX):
            raise ValueError(value)  # -2**62 is the NULL sentinel (_lowest), compared as a bigint (_page)
        return value
    if isinstance(kind, Numeric):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise TypeError(value)
        number = Decimal(str(value))
        if not number.is_finite():
            raise ValueError(value)
        return number
    if not isinstance(value, str) or "\x00" in value:
        raise TypeError(value)
    return value


def bound(expr, value):
    """VALUE as a parameter compared with EXPR: an Integer sort key's as a bigint, because the NULL sentinel
    (-2**62, _lowest) is beyond the ::INTEGER cast SQLAlchemy gives an Integer parameter on PostgreSQL."""
    if isinstance(expr.type, Integer) and value is not None and not INTEGER_MIN <= value <= INTEGER_MAX:
        return literal(value, BigInteger)
    return value


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
