"""Scope versions: one row per mapped class (and `epoch`), moved in the same transaction as every write of that
class's rows or stored bodies, so that a cached response that read only some scopes outlives the writes of the
others (service/http/response_cache.py). Rows are created by their first write; the data version stays as it was.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scope_versions",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_scope_versions")),
    )


def downgrade() -> None:
    op.drop_table("scope_versions")
