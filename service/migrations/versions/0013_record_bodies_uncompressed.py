"""record_bodies.body stored out of line uncompressed on PostgreSQL (STORAGE EXTERNAL): a rename rewrites a thousand
bodies of ~2.4 kB, and PostgreSQL's default pglz compression of each TOASTed value cost two thirds of that UPDATE
(EXPLAIN ANALYZE, 1,000 positions' bodies: 47.7 ms compressed, 15.2 ms external); reading a 50-body page is
unchanged (0.59 against 0.57 ms). Bodies already stored keep their storage until they are written again (a
rename, `flask bodies rebuild`). SQLite: nothing to do.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE record_bodies ALTER COLUMN body SET STORAGE EXTERNAL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE record_bodies ALTER COLUMN body SET STORAGE EXTENDED")
