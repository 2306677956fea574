"""Alembic environment: the URL comes from the service's settings, the schema from its models."""

from __future__ import annotations

import warnings

from alembic import context
from sqlalchemy.exc import SAWarning

from service.config import finalize, load_config
from service.extensions import make_engine
from service.models import Base

config = context.config
target_metadata = Base.metadata


# Objects the migrations manage by hand, outside the models: full-text search (0002, 0006).
UNMODELLED = {"records_fts", "ix_records_search_tsv", "ix_records_search_tsv_stored", "search_tsv"}


# ... and the sort indexes on coalesce(column, sentinel) (0005), which SQLite cannot even reflect.
warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", SAWarning)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    name = name or ""
    return not (name in UNMODELLED or name.startswith("records_fts_")
                or (type_ == "index" and "_sort_" in name))


def _url() -> str:
    return config.attributes.get("database_url") or finalize(load_config())["DATABASE_URL"]


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, render_as_batch=True,
                      literal_binds=True, compare_type=True, include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table and drops the old one; with foreign keys enforced, SQLite deletes
            # the old table's rows first and cascades into the tables that refer to it (alembic's batch docs: the
            # pragma must be off). Set before any transaction begins (it is a no-op inside one), checked after.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end the transaction SQLAlchemy began for the pragma, so alembic's is its own
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, compare_type=True,
                          include_object=include_object)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"the migration left rows whose references are broken: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
