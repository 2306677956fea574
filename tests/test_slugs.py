"""Related slugs loaded as columns (service/models/slugs.py) equal the slugs of the related records."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import with_polymorphic

from service.extensions import db
from service.models import Record
from service.models.slugs import FIRST_OF, SLUG_PATHS, column_name

# Paths the seed article gives no example of (no condition there concerns an event): tests/test_positions.py
# checks this one through the API, on a record it writes.
UNUSED_BY_THE_SEED = {"PositionCondition.event"}


def related_slug(obj, path: str):
    for name in path.split("."):
        obj = getattr(obj, name) if obj is not None else None
    return obj.slug if obj is not None else None


def first_slug(obj, paths: tuple[str, ...]):
    return next((slug for slug in (related_slug(obj, p) for p in paths) if slug is not None), None)


CASES = [(m, p, (p,)) for m, paths in SLUG_PATHS.items() for p in paths]
CASES += [(m, name, paths) for m, named in FIRST_OF.items() for name, paths in named.items()]


@pytest.mark.parametrize(("model", "name", "paths"), CASES, ids=[f"{m.__name__}.{n}" for m, n, _ in CASES])
def test_slug_column_equals_related_records_slug(app, model, name, paths):
    with app.app_context():
        rows = db.session.scalars(select(model)).unique().all()
        assert rows, f"the seed has {model.__name__} records"
        pairs = [(getattr(row, column_name(name)), first_slug(row, paths)) for row in rows]
        assert all(column == related for column, related in pairs), pairs
        assert any(column is not None for column, _ in pairs) != (f"{model.__name__}.{name}" in UNUSED_BY_THE_SEED)


def test_slug_columns_stay_right_in_a_polymorphic_load_joining_the_same_tables(app):
    """Search and the document view load every record type at once (records LEFT JOIN actors, ...)."""
    record = with_polymorphic(Record, "*")
    with app.app_context():
        rows = db.session.scalars(select(record)).unique().all()
        checked = 0
        for row in rows:
            for model in type(row).__mro__:
                for path in SLUG_PATHS.get(model, ()):
                    assert getattr(row, column_name(path)) == related_slug(row, path), (row, path)
                    checked += 1
        assert checked > 50
