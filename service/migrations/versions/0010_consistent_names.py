"""One name per meaning: a record's day is `date` (positions' `stated_on`, aid packages' `announced_on`, documents'
`published_date`) and its title is `name` (documents, events, briefings), as actors and proposals already had.

Columns are renamed in place (ALTER TABLE ... RENAME COLUMN, on SQLite 3.25+ and PostgreSQL alike; both rewrite
the expression indexes of migration 0005 that use them), the indexes named after the old columns get the new
names, and what stored JSON names the fields is rewritten: provenance entries (`field`) and the changes feed's
before/after snapshots (replaying the feed rebuilds the data with today's names). Idempotency records keep the
response they stored: a retried POST gets the bytes it got the first time. The data version is bumped, so no
cached response with the old names is served again.

Revision ID: 0010
Revises: 0009
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> {old column: new column}
RENAMES = {
    "positions": {"stated_on": "date"},
    "aid_packages": {"announced_on": "date"},
    "documents": {"published_date": "date", "title": "name"},
    "events": {"title": "name"},
    "briefings": {"title": "name"},
}
PLAIN_INDEXES = (("positions", "stated_on", "date"), ("aid_packages", "announced_on", "date"),
                 ("documents", "published_date", "date"))
DATE, TEXT = "'0001-01-01'", "''"
# Migration 0005's sort indexes on renamed columns: (table, old name, new name, new column, sentinel, leading column)
POSITION_FILTERS = ("holder_id", "about_id", "proposal_id", "topic", "stance")
SORT_INDEXES = (
    [("positions", "ix_positions_sort_stated_on", "ix_positions_sort_date", "date", DATE, None),
     ("aid_packages", "ix_aid_packages_sort_announced_on", "ix_aid_packages_sort_date", "date", DATE, None),
     ("events", "ix_events_sort_title", "ix_events_sort_name", "name", TEXT, None)]
    + [("positions", f"ix_positions_sort_stated_on_by_{c}", f"ix_positions_sort_date_by_{c}", "date", DATE, c)
       for c in POSITION_FILTERS])
KEYS = {"stated_on": "date", "announced_on": "date", "published_date": "date", "title": "name"}


def upgrade() -> None:
    _rename(RENAMES, PLAIN_INDEXES, SORT_INDEXES)
    _rewrite_json(KEYS)


def downgrade() -> None:
    back = {table: {new: old for old, new in columns.items()} for table, columns in RENAMES.items()}
    _rename(back, [(t, new, old) for t, old, new in PLAIN_INDEXES],
            [(t, new_ix, old_ix, _old(t, col), s, lead) for t, old_ix, new_ix, col, s, lead in SORT_INDEXES])
    # Stored JSON keeps the new names: which `date` was which old name is not recorded.


def _old(table: str, column: str) -> str:
    return next(old for old, new in RENAMES[table].items() if new == column)


def _rename(renames: dict, plain: Sequence, sorts: Sequence) -> None:
    for table, old, _ in plain:
        op.drop_index(f"ix_{table}_{old}", table_name=table)
    for table, old_ix, _, _, _, _ in sorts:
        op.drop_index(old_ix, table_name=table)
    for table, columns in renames.items():
        for old, new in columns.items():
            op.execute(f'ALTER TABLE {table} RENAME COLUMN "{old}" TO "{new}"')
    for table, _, new in plain:
        op.create_index(f"ix_{table}_{new}", table, [new])
    for table, _, new_ix, column, sentinel, lead in sorts:
        op.create_index(new_ix, table, [*([lead] if lead else []), sa.text(f'coalesce("{column}", {sentinel})'), "id"])
    op.execute("UPDATE data_version SET version = version + 1")


def _rewrite_json(keys: dict) -> None:
    conn = op.get_bind()

    def provenance(entries):
        return [{**e, "field": keys.get(e.get("field"), e.get("field"))} if isinstance(e, dict) else e
                for e in entries] if isinstance(entries, list) else entries

    def snapshot(body):
        if not isinstance(body, dict):
            return body
        out = {keys.get(k, k): v for k, v in body.items()}
        if "provenance" in out:
            out["provenance"] = provenance(out["provenance"])
        return out

    for table in ("records", "documents"):
        t = sa.table(table, sa.column("id", sa.Integer), sa.column("provenance", sa.JSON))
        for row_id, entries in conn.execute(sa.select(t.c.id, t.c.provenance)).all():
            new = provenance(entries)
            if new != entries:
                conn.execute(t.update().where(t.c.id == row_id).values(provenance=new))
    changes = sa.table("changes", sa.column("id", sa.Integer), sa.column("before", sa.Text),
                       sa.column("after", sa.Text))
    for row_id, before, after in conn.execute(sa.select(changes.c.id, changes.c.before, changes.c.after)).all():
        values = {name: json.dumps(snapshot(json.loads(text)))  # as service/resources/writing.py stores them
                  for name, text in (("before", before), ("after", after)) if text}
        if values:
            conn.execute(changes.update().where(changes.c.id == row_id).values(**values))
