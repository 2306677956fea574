"""Faithful claims: attribution, factuality and review on every record; typed spans; event status and date
provenance; typed conditions; aid outside packages.

- records: speaker, reported_by and speech (PARC attribution), factuality and polarity (FactBank), provenance
  of fields not in the source's words, review status. A position's `actor` becomes its `holder`; its speech
  and reporter move to records (the same for every record that states a claim). The old `actor` was also the
  one who said it, so it becomes the speaker too.
- citations: a role (content, cue, hedge, quoted, date, quantity) and, for quantities, the typed value.
- events: status relative to the source's date, date precision, date provenance and outside reference.
- position_conditions: kind, and the proposal or event the condition concerns.
- aid_items: an item may stand outside any package (aid already supplied, or only discussed), with its own
  donor and recipient.

`records` is altered with plain ADD COLUMN (no batch copy): a copy of the table would drop the FTS5 triggers
of 0002. positions and aid_items are copied in batch mode on SQLite, which drops their expression indexes
(0005): they are dropped first and created again for the new columns.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATE, TEXT, NUMBER = "'0001-01-01'", "''", str(-(2**62))
OLD_POSITION_FILTERS = ("actor_id", "reported_by_id", "proposal_id", "topic", "stance", "speech")
POSITION_FILTERS = ("holder_id", "about_id", "proposal_id", "topic", "stance")
POSITION_SORTS = {"stated_on": DATE, "topic": TEXT, "stance": TEXT, "slug": TEXT}
EVENT_SORTS = {"date": DATE, "title": TEXT, "slug": TEXT}
AID_ITEM_SORTS = {"category": TEXT, "status": TEXT, "system": TEXT, "quantity": NUMBER, "slug": TEXT}


def _actor_fk(table: str, column: str) -> sa.Column:
    return _fk_column(table, column, "actors")


def _fk_column(table: str, column: str, target: str, ondelete: str | None = "RESTRICT") -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}",
                                                         ondelete=ondelete), nullable=True)


def _add_fk_column(table: str, column: str, target: str) -> None:
    """A nullable foreign key column, added in place: SQLite's ADD COLUMN takes an inline REFERENCES clause
    (alembic only offers a table copy, which on `records` would drop the FTS triggers). SQLAlchemy does not
    read an ON DELETE clause back from an inline reference, so these have none (NO ACTION refuses a delete of
    the referenced row as RESTRICT does)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT fk_{table}_{column}_{target} "
                   f"REFERENCES {target} (id)")
    else:
        op.add_column(table, _fk_column(table, column, target, ondelete=None))


def _sort_indexes(table: str, sorts: dict[str, str], filters: tuple[str, ...] = ()):
    for column, sentinel in sorts.items():
        yield f"ix_{table}_sort_{column}", table, [sa.text(f"coalesce({column}, {sentinel})"), "id"]
    for column in filters:
        yield f"ix_{table}_sort_stated_on_by_{column}", table, [column, sa.text(f"coalesce(stated_on, {DATE})"), "id"]


def upgrade() -> None:
    for column in ("speaker_id", "reported_by_id"):
        _add_fk_column("records", column, "actors")
    op.add_column("records", sa.Column("speech", sa.String(length=16), nullable=True))
    op.add_column("records", sa.Column("factuality", sa.String(length=16), server_default="certain", nullable=False))
    op.add_column("records", sa.Column("polarity", sa.String(length=16), server_default="positive", nullable=False))
    op.add_column("records", sa.Column("provenance", sa.JSON(), server_default="[]", nullable=False))
    op.add_column("records", sa.Column("review_status", sa.String(length=16), server_default="extracted",
                                       nullable=False))
    op.add_column("records", sa.Column("review_note", sa.Text(), nullable=True))
    op.add_column("records", sa.Column("reviewed_by", sa.String(length=100), nullable=True))
    op.add_column("records", sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
    for column in ("speaker_id", "reported_by_id", "speech", "factuality", "review_status"):
        op.create_index(f"ix_records_{column}", "records", [column])
    op.execute("UPDATE records SET speech = (SELECT speech FROM positions WHERE positions.id = records.id), "
               "reported_by_id = (SELECT reported_by_id FROM positions WHERE positions.id = records.id), "
               "speaker_id = (SELECT actor_id FROM positions WHERE positions.id = records.id) "
               "WHERE type = 'position'")

    for name, table, _ in _sort_indexes("positions", POSITION_SORTS, OLD_POSITION_FILTERS):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("positions") as batch:
        batch.drop_index("ix_positions_reported_by_id")
        batch.drop_constraint("fk_positions_reported_by_id_actors", type_="foreignkey")
        batch.drop_column("reported_by_id")
        batch.drop_column("speech")
        batch.drop_index("ix_positions_actor_id")
        batch.drop_constraint("fk_positions_actor_id_actors", type_="foreignkey")
        batch.alter_column("actor_id", new_column_name="holder_id", existing_type=sa.Integer(), nullable=False)
        batch.add_column(_actor_fk("positions", "about_id"))
    with op.batch_alter_table("positions") as batch:  # a second copy: the first cannot key a renamed column
        batch.create_foreign_key("fk_positions_holder_id_actors", "actors", ["holder_id"], ["id"],
                                 ondelete="RESTRICT")
    op.create_index("ix_positions_holder_id", "positions", ["holder_id"])
    op.create_index("ix_positions_about_id", "positions", ["about_id"])
    for name, table, expressions in _sort_indexes("positions", POSITION_SORTS, POSITION_FILTERS):
        op.create_index(name, table, expressions)

    op.add_column("position_conditions", sa.Column("kind", sa.String(length=32), server_default="precondition",
                                                   nullable=False))
    _add_fk_column("position_conditions", "proposal_id", "proposals")
    _add_fk_column("position_conditions", "event_id", "events")
    op.create_index("ix_position_conditions_proposal_id", "position_conditions", ["proposal_id"])
    op.create_index("ix_position_conditions_event_id", "position_conditions", ["event_id"])

    # Existing events had a day-precise date and no status: say so, and let the seed (or a curator) correct it.
    for name, table, _ in _sort_indexes("events", EVENT_SORTS):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("events") as batch:
        batch.alter_column("date", existing_type=sa.Date(), nullable=True)
        batch.add_column(sa.Column("status", sa.String(length=16), server_default="happened", nullable=False))
        batch.add_column(sa.Column("date_precision", sa.String(length=16), server_default="unknown", nullable=False))
        batch.add_column(sa.Column("date_provenance", sa.String(length=16), server_default="unstated",
                                   nullable=False))
        batch.add_column(sa.Column("date_reference", sa.Text(), nullable=True))
    op.execute("UPDATE events SET date_precision = 'day', date_provenance = 'inferred' WHERE date IS NOT NULL")
    for name, table, expressions in _sort_indexes("events", EVENT_SORTS):
        op.create_index(name, table, expressions)
    op.create_index("ix_events_status", "events", ["status"])
    op.create_index("ix_events_date_provenance", "events", ["date_provenance"])

    op.add_column("documents", sa.Column("provenance", sa.JSON(), server_default="[]", nullable=False))
    op.add_column("citations", sa.Column("role", sa.String(length=16), server_default="content", nullable=False))
    op.add_column("citations", sa.Column("measure", sa.String(length=200), nullable=True))
    op.add_column("citations", sa.Column("value", sa.Numeric(precision=20, scale=2), nullable=True))
    op.add_column("citations", sa.Column("unit", sa.String(length=50), nullable=True))
    op.add_column("citations", sa.Column("approximation", sa.String(length=16), nullable=True))

    for name, table, _ in _sort_indexes("aid_items", AID_ITEM_SORTS):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("aid_items") as batch:
        batch.alter_column("package_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(_actor_fk("aid_items", "donor_id"))
        batch.add_column(_actor_fk("aid_items", "recipient_id"))
        batch.create_check_constraint(
            op.f("ck_aid_items_package_or_donor_and_recipient"),
            "package_id IS NOT NULL OR (donor_id IS NOT NULL AND recipient_id IS NOT NULL)")
    op.create_index("ix_aid_items_donor_id", "aid_items", ["donor_id"])
    op.create_index("ix_aid_items_recipient_id", "aid_items", ["recipient_id"])
    for name, table, expressions in _sort_indexes("aid_items", AID_ITEM_SORTS):
        op.create_index(name, table, expressions)


def downgrade() -> None:
    raise NotImplementedError("0007 moves data between tables; restore a backup taken before it instead")
