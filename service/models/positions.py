"""Positions: what a holder says or holds on a topic or proposal, and the conditions attached."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.actors import Actor
from service.models.base import Record, record_fk

if TYPE_CHECKING:
    from service.models.events import Event
    from service.models.proposals import Proposal


class Position(Record):
    """A claim whose holder is `holder`: an actor's stance, or the outlet's own assessment (speech `outlet`).

    Who says it, who reports it and how surely are the attribution and factuality every record carries
    (models/base.py); `about` is the actor the claim concerns when the holder speaks of another."""

    __tablename__ = "positions"
    search_fields = ("summary", "topic", "stance", "slug")

    id: Mapped[int] = record_fk()
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"), index=True)
    about_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"), index=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    stance: Mapped[str] = mapped_column(String(32), index=True)
    summary: Mapped[str] = mapped_column(Text)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="RESTRICT"), index=True
    )
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)

    holder: Mapped[Actor] = relationship(foreign_keys=[holder_id])
    about: Mapped[Actor | None] = relationship(foreign_keys=[about_id])
    proposal: Mapped[Proposal | None] = relationship(foreign_keys=[proposal_id])
    conditions: Mapped[list[PositionCondition]] = relationship(
        back_populates="position",
        cascade="all, delete-orphan",
        foreign_keys="PositionCondition.position_id",
        order_by="PositionCondition.id",
    )

    __mapper_args__ = {"polymorphic_identity": "position"}
    ref_url = "/api/v1/positions/{slug}"
    ref_reads = ("summary",)
    statement_fields = ("summary",)

    def ref_label(self) -> str:
        return self.summary


class PositionCondition(Record):
    """A condition a position depends on ("would depend on Russia's choice ..."), typed, and linked to the
    proposal or event it concerns."""

    __tablename__ = "position_conditions"
    search_fields = ("description",)

    id: Mapped[int] = record_fk()
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32), default="precondition", server_default="precondition")
    description: Mapped[str] = mapped_column(Text)
    # No ON DELETE clause (NO ACTION refuses as RESTRICT would): SQLite adds these columns in place (0007).
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)

    position: Mapped[Position] = relationship(back_populates="conditions", foreign_keys=[position_id])
    proposal: Mapped[Proposal | None] = relationship(foreign_keys=[proposal_id])
    event: Mapped[Event | None] = relationship(foreign_keys=[event_id])

    __mapper_args__ = {"polymorphic_identity": "condition"}
    ref_url = "/api/v1/positions/{position_slug}"  # served inside its position
    ref_reads = ("description",)
    statement_fields = ("description",)

    def ref_label(self) -> str:
        return self.description
