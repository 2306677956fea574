"""Each briefing's composed representations (JSON, Markdown, HTML) stored as served (briefing_compositions).

Only the table (on PostgreSQL, its texts stored uncompressed): a composition is what the code serves, which a migration cannot know. Missing ones are rendered
by the first read that finds them missing, with the code that serves them (service/briefings/stored.py);
`flask bodies rebuild` renders them all again.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "briefing_compositions",
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("json", sa.Text(), nullable=True),
        sa.Column("markdown", sa.Text(), nullable=True),
        sa.Column("html", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["briefing_id"], ["briefings.id"],
                                name=op.f("fk_briefing_compositions_briefing_id_briefings"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("briefing_id", name=op.f("pk_briefing_compositions")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Read whole on every uncached GET: stored out of line uncompressed, a read need not inflate 400 kB
        # (the seed briefing's JSON in 1.1 ms instead of 2.1 here).
        for column in ("json", "markdown", "html"):
            op.execute(f"ALTER TABLE briefing_compositions ALTER COLUMN {column} SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("briefing_compositions")
