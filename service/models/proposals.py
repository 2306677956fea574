"""Proposals (a reassurance force, a monitoring mechanism ...) with their structured attributes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.actors import Actor
from service.models.base import Base, Record, record_fk

if TYPE_CHECKING:
    from service.models.positions import Position

proposal_proposers = Table(
    "proposal_proposers",
    Base.metadata,
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actors.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Proposal(Record):
    __tablename__ = "proposals"
    search_fields = ("name", "description", "mandate", "slug")

    id: Mapped[int] = record_fk()
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    description: Mapped[str] = mapped_column(Text)
    mandate: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), index=True)

    proposers: Mapped[list[Actor]] = relationship(
        secondary=proposal_proposers, order_by=Actor.slug
    )
    attributes: Mapped[list[ProposalAttribute]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        foreign_keys="ProposalAttribute.proposal_id",
        order_by="ProposalAttribute.id",
    )
    positions: Mapped[list[Position]] = relationship(
        foreign_keys="Position.proposal_id",
        order_by="Position.id",
        viewonly=True,
    )

    __mapper_args__ = {"polymorphic_identity": "proposal"}
    ref_url = "/api/v1/proposals/{slug}"
    ref_reads = ("name",)
    statement_fields = ("name", "description", "mandate")

    def ref_label(self) -> str:
        return self.name


class ProposalAttribute(Record):
    """One structured, cited attribute of a proposal (deployment, constraint, size ...)."""

    __tablename__ = "proposal_attributes"
    search_fields = ("key", "value")

    id: Mapped[int] = record_fk()
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(32), index=True)
    value: Mapped[str] = mapped_column(Text)

    proposal: Mapped[Proposal] = relationship(
        back_populates="attributes", foreign_keys=[proposal_id]
    )

    __mapper_args__ = {"polymorphic_identity": "proposal_attribute"}
    ref_url = "/api/v1/proposals/{proposal.slug}"  # served inside its proposal
    ref_reads = ("key", "value", "proposal.name")
    statement_fields = ("value",)

    def ref_label(self) -> str:
        return f"{self.proposal.name}, {self.key.replace('_', ' ')}: {self.value}"
