"""record_bodies rows kept whole in the table on PostgreSQL up to a page's size (toast_tuple_target 8160): a body
over about 2 kB, the default target, went out of line into the TOAST table, so reading it cost a TOAST index lookup
and its chunks besides its row, and writing it a TOAST row and index entry more. Measured on the 1k bench database
with its bodies padded to 2.9 kB, the size of the seed's positions' (psql \\timing, three runs each): the first
51 positions' bodies read in 0.43-0.47 ms out of line and 0.28-0.34 ms whole; 1,031 bodies rewritten by a rename's
kind of UPDATE in 15.6-17.8 ms and 13.3-15.8 ms. A body longer than a page still goes out of line (uncompressed,
migration 0013). Rows already stored keep their layout until they are written again (a write, a rename, `flask
bodies rebuild`). SQLite: nothing to do.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE record_bodies SET (toast_tuple_target = 8160)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE record_bodies RESET (toast_tuple_target)")
