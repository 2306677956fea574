"""Each briefing's composed representations (JSON, Markdown, HTML) stored as served (briefing_compositions).

Only the table: a composition is what the code serves, which a migration cannot know. Missing ones are rendered
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


def downgrade() -> None:
    op.drop_table("briefing_compositions")
