"""Related slugs loaded as columns (service/models/slugs.py) equal the slugs of the related records."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import with_polymorphic

from service.extensions import db
from service.models import Record
from service.models.slugs import SLUG_PATHS, column_name


def related_slug(obj, path: str):
    for name in path.split("."):
        obj = getattr(obj, name) if obj is not None else None
    return obj.slug if obj is not None else None


@pytest.mark.parametrize(("model", "path"), [(m, p) for m, paths in SLUG_PATHS.items() for p in paths],
                         ids=[f"{m.__name__}.{p}" for m, paths in SLUG_PATHS.items() for p in paths])
def test_slug_column_equals_related_records_slug(app, model, path):
    with app.app_context():
        rows = db.session.scalars(select(model)).unique().all()
        assert rows, f"the seed has {model.__name__} records"
        pairs = [(getattr(row, column_name(path)), related_slug(row, path)) for row in rows]
        assert all(column == related for column, related in pairs), pairs
        assert any(column is not None for column, _ in pairs)


def test_slug_columns_stay_right_in_a_polymorphic_load_joining_the_same_tables(app):
    """Search and the document view load every record type at once (records LEFT JOIN actors, ...)."""
    record = with_polymorphic(Record, "*")
    with app.app_context():
        rows = db.session.scalars(select(record)).unique().all()
        checked = 0
        for row in rows:
            for path in SLUG_PATHS.get(type(row), ()):
                assert getattr(row, column_name(path)) == related_slug(row, path), (row, path)
                checked += 1
        assert checked > 50
