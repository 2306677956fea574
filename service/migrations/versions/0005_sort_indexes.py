"""Expression indexes for every list sort.

Lists sort on coalesce(column, sentinel) so NULLs order the same on both databases (listing.py); a plain
index on the column cannot serve that ORDER BY, so each sortable column gets (coalesce(column, sentinel), id),
and positions (the large table) get (filter, coalesce(stated_on, sentinel), id) for each filter.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATE, TEXT, NUMBER = "'0001-01-01'", "''", str(-(2**62))
SORTS = {
    "positions": {"stated_on": DATE, "topic": TEXT, "stance": TEXT, "slug": TEXT},
    "actors": {"name": TEXT, "slug": TEXT, "kind": TEXT},
    "actor_relations": {"predicate": TEXT, "slug": TEXT},
    "aid_items": {"category": TEXT, "status": TEXT, "system": TEXT, "quantity": NUMBER, "slug": TEXT},
    "aid_packages": {"announced_on": DATE, "amount": NUMBER, "slug": TEXT},
    "events": {"date": DATE, "title": TEXT, "slug": TEXT},
    "proposals": {"name": TEXT, "slug": TEXT, "kind": TEXT, "status": TEXT},
}


# The usual question, "positions of X, latest first", filters on one column and sorts by date: an index
# leading with the filter serves it without sorting every match.
POSITION_FILTERS = ("actor_id", "reported_by_id", "proposal_id", "topic", "stance", "speech")


def sort_indexes():
    for table, columns in SORTS.items():
        for column, sentinel in columns.items():
            yield f"ix_{table}_sort_{column}", table, [sa.text(f"coalesce({column}, {sentinel})"), "id"]
    for column in POSITION_FILTERS:
        yield (f"ix_positions_sort_stated_on_by_{column}", "positions",
               [column, sa.text(f"coalesce(stated_on, {DATE})"), "id"])


def upgrade() -> None:
    # Not in batch mode: creating an index needs no table copy on SQLite.
    for name, table_name, expressions in sort_indexes():
        op.create_index(name, table_name, expressions)


def downgrade() -> None:
    for name, table_name, _ in sort_indexes():
        op.drop_index(name, table_name=table_name)
