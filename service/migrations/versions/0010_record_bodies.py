"""Each listed record's served JSON stored beside it (record_bodies), for list pages to read as it is.

Added, then filled by rendering every listed record through the application's schemas (service/read_model.py):
a body is what the code serves, so this migration, unlike the others, imports the app. It reads the models as
they are at this revision; a later migration that changes a model renders the bodies it changes itself (or leaves
them to `flask bodies rebuild --missing`).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from service import read_model

    op.create_table(
        "record_bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["records.id"], name=op.f("fk_record_bodies_id_records"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_bodies")),
    )
    session = Session(bind=op.get_bind())
    read_model.rebuild(session)
    session.flush()
    session.close()


def downgrade() -> None:
    op.drop_table("record_bodies")
