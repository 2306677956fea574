"""Positions: what an actor holds on a topic or proposal, and the conditions attached."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.actors import Actor
from service.models.base import Record, record_fk

if TYPE_CHECKING:
    from service.models.proposals import Proposal


class Position(Record):
    __tablename__ = "positions"
    search_fields = ("summary", "topic", "stance", "slug")

    id: Mapped[int] = record_fk()
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"), index=True)
    reported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="RESTRICT"), index=True
    )
    topic: Mapped[str] = mapped_column(String(64), index=True)
    stance: Mapped[str] = mapped_column(String(32), index=True)
    summary: Mapped[str] = mapped_column(Text)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="RESTRICT"), index=True
    )
    stated_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    speech: Mapped[str] = mapped_column(String(16))

    actor: Mapped[Actor] = relationship(foreign_keys=[actor_id])
    reported_by: Mapped[Actor | None] = relationship(foreign_keys=[reported_by_id])
    proposal: Mapped[Proposal | None] = relationship(foreign_keys=[proposal_id])
    conditions: Mapped[list[PositionCondition]] = relationship(
        back_populates="position",
        cascade="all, delete-orphan",
        foreign_keys="PositionCondition.position_id",
        order_by="PositionCondition.id",
    )

    __mapper_args__ = {"polymorphic_identity": "position"}


class PositionCondition(Record):
    """A condition a position depends on ("would depend on Russia's choice ...")."""

    __tablename__ = "position_conditions"
    search_fields = ("description",)

    id: Mapped[int] = record_fk()
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)

    position: Mapped[Position] = relationship(back_populates="conditions", foreign_keys=[position_id])

    __mapper_args__ = {"polymorphic_identity": "condition"}
