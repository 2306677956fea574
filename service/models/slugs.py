"""The slug of a related record as a column of the record's own row, e.g. Position.actor_slug.

Lists show related records by slug (`"actor": "emmanuel-macron"`). Loading each relation to read one
string cost a query and an ORM object per related record, about 40% of an uncached page of positions
(bench/): a correlated subquery on the related table's primary key costs the database microseconds.
The relationships stay for writes and for `include=`.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, ScalarSelect, func, select
from sqlalchemy.orm import column_property

from service.models.actors import Actor, ActorRelation
from service.models.aid import AidItem, AidPackage
from service.models.base import Record
from service.models.positions import Position, PositionCondition

# model -> relationship paths (dotted for more than one hop) whose target's slug becomes a column.
SLUG_PATHS: dict[type, tuple[str, ...]] = {
    Record: ("speaker", "reported_by"),
    Actor: ("parent",),
    ActorRelation: ("subject", "object"),
    Position: ("holder", "about", "proposal"),
    PositionCondition: ("proposal", "event", "position"),
    AidPackage: ("donor", "recipient", "announced_by"),
    AidItem: ("package",),
}
# model -> {name: paths}: the slug of the first path that leads somewhere. An aid item's donor and recipient
# are its own when it is outside any package, else its package's.
FIRST_OF: dict[type, dict[str, tuple[str, ...]]] = {
    AidItem: {"donor": ("donor", "package.donor"), "recipient": ("recipient", "package.recipient")},
}


def column_name(path: str) -> str:
    """`package.donor` -> `package_donor_slug`."""
    return path.replace(".", "_") + "_slug"


def slug_subquery(model: type, path: str) -> ScalarSelect:
    """SELECT target.slug for the MODEL row being loaded, following PATH's foreign keys through aliased
    tables (an alias is never correlated to a table the enclosing query already joins)."""
    names = path.split(".")
    relationship = model.__mapper__.relationships[names[0]]  # type: ignore[attr-defined]
    (key,) = relationship.local_columns  # the foreign key in the enclosing row, e.g. positions.actor_id
    first = last = relationship.mapper.local_table.alias()
    source, mapper = first, relationship.mapper
    for name in names[1:]:
        relationship = mapper.relationships[name]
        (local,) = relationship.local_columns
        target = relationship.mapper.local_table.alias()
        source = source.join(target, target.c.id == last.c[local.name])
        last, mapper = target, relationship.mapper
    return select(last.c.slug).select_from(source).where(first.c.id == key).scalar_subquery()


def add_slug_columns() -> None:
    """Map each slug column (once, when the models are imported)."""
    columns: list[tuple[type, str, ColumnElement]] = [(model, column_name(path), slug_subquery(model, path))
               for model, paths in SLUG_PATHS.items() for path in paths]
    columns += [(model, column_name(name), func.coalesce(*(slug_subquery(model, p) for p in paths)))
                for model, named in FIRST_OF.items() for name, paths in named.items()]
    for model, name, expression in columns:
        if name not in model.__mapper__.attrs:  # type: ignore[attr-defined]
            model.__mapper__.add_property(name, column_property(expression))  # type: ignore[attr-defined]
