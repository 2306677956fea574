"""Citations store the document's text just around their span (up to 32 characters before and after), so that
each span serves its W3C Web Annotation TextQuoteSelector (exact, prefix, suffix) without reading the document.

Added in place, then filled from each cited document's text (offsets are code points, as Python slices them).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTEXT = 32  # as service/models/citations.py (a migration does not import the app)


def upgrade() -> None:
    op.add_column("citations", sa.Column("prefix", sa.Text(), server_default="", nullable=False))
    op.add_column("citations", sa.Column("suffix", sa.Text(), server_default="", nullable=False))
    citations = sa.table("citations", sa.column("id", sa.Integer), sa.column("document_id", sa.Integer),
                         sa.column("start", sa.Integer), sa.column("end", sa.Integer),
                         sa.column("prefix", sa.Text), sa.column("suffix", sa.Text))
    documents = sa.table("documents", sa.column("id", sa.Integer), sa.column("text", sa.Text))
    conn = op.get_bind()
    for document_id, text in conn.execute(sa.select(documents.c.id, documents.c.text)).all():
        rows = conn.execute(sa.select(citations.c.id, citations.c.start, citations.c.end)
                            .where(citations.c.document_id == document_id)).all()
        for citation_id, start, end in rows:
            conn.execute(citations.update().where(citations.c.id == citation_id).values(
                prefix=text[max(start - CONTEXT, 0):start], suffix=text[end:end + CONTEXT]))


def downgrade() -> None:
    with op.batch_alter_table("citations") as batch:
        batch.drop_column("suffix")
        batch.drop_column("prefix")
