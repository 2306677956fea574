"""Each listed record's served JSON stored beside it (record_bodies), for list pages to read as it is.

Only the table: a body is what the code serves, which a migration cannot know (it would render with the models
of whatever revision is head when it runs). service/migrate.py's upgrade() renders the missing bodies once the
database is at head, with the code that will serve them; `flask bodies rebuild` renders them all again.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["records.id"], name=op.f("fk_record_bodies_id_records"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_bodies")),
    )


def downgrade() -> None:
    op.drop_table("record_bodies")
