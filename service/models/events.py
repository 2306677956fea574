"""Dated events with their participants."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.actors import Actor
from service.models.base import Base, Record, record_fk

event_participants = Table(
    "event_participants",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actors.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Event(Record):
    __tablename__ = "events"
    search_fields = ("name", "place", "slug")

    id: Mapped[int] = record_fk()
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    # Null when the source gives no date and none can be worked out (an ongoing state, a hypothetical event).
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    name: Mapped[str] = mapped_column(String(500))
    place: Mapped[str | None] = mapped_column(String(300))
    # Relative to the source's date: happened, ongoing, scheduled or hypothetical (vocabulary.EVENT_STATUSES).
    status: Mapped[str] = mapped_column(String(16), default="happened", server_default="happened", index=True)
    # How well the date is known, and where it comes from: the source's words (cited with role "date"),
    # worked out from them (date_reasoning), or an outside reference (date_reference, and why).
    date_precision: Mapped[str] = mapped_column(String(16), default="unknown", server_default="unknown")
    date_provenance: Mapped[str] = mapped_column(String(16), default="unstated", server_default="unstated",
                                                 index=True)
    date_reasoning: Mapped[str | None] = mapped_column(Text)
    date_reference: Mapped[str | None] = mapped_column(Text)

    participants: Mapped[list[Actor]] = relationship(
        secondary=event_participants, order_by=Actor.slug
    )

    __mapper_args__ = {"polymorphic_identity": "event"}
    ref_url = "/api/v1/events/{slug}"
    ref_reads = ("date", "name")
    # An event's name says what happens and often its topic too ("their views on the possible deployment"),
    # which its status and factuality do not qualify: the curator cites its hedges.
    statement_fields = ()

    def ref_label(self) -> str:
        return f"{self.date.isoformat() if self.date else 'undated'} {self.name}"
