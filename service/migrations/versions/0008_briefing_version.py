"""Briefings get the optimistic-lock version records have: a PATCH of a briefing bumps it under its If-Match
check (service/resources/writing.py), so two editors holding the same ETag cannot both win.

Added in place (ADD COLUMN with a default), on SQLite as on PostgreSQL: existing briefings start at 1.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("briefings", sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("briefings") as batch:
        batch.drop_column("version")
