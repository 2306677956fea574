"""Full-text search over records.search_text: FTS5 on SQLite, a GIN tsvector index on PostgreSQL.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Later migrations must not alter `records` in SQLite batch mode ("move and copy") without recreating
# these triggers: the table copy drops them.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE records_fts USING fts5(search_text, content='records', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN "
    "INSERT INTO records_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN "
    "INSERT INTO records_fts(records_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER records_fts_update AFTER UPDATE OF search_text ON records BEGIN "
    "INSERT INTO records_fts(records_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO records_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO records_fts(records_fts) VALUES ('rebuild')",
]
PG_INDEX = "CREATE INDEX ix_records_search_tsv ON records USING gin (to_tsvector('english', search_text))"


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute(PG_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("records_fts_insert", "records_fts_delete", "records_fts_update"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE records_fts")
    else:
        op.execute("DROP INDEX ix_records_search_tsv")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_column("search_text")
