"""Actors (people, states, institutions ...), their aliases and the relations between them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, Record, record_fk


class Actor(Record):
    __tablename__ = "actors"
    search_fields = ("name", "role", "slug")

    id: Mapped[int] = record_fk()
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    role: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True
    )

    parent: Mapped[Actor | None] = relationship(remote_side="Actor.id", foreign_keys=[parent_id])
    aliases: Mapped[list[ActorAlias]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", order_by="ActorAlias.alias"
    )

    __mapper_args__ = {"polymorphic_identity": "actor", "inherit_condition": id == Record.id}
    ref_url = "/api/v1/actors/{slug}"
    ref_reads = ("name",)

    def ref_label(self) -> str:
        return self.name

    def search_extra(self) -> list[str]:
        return [alias.alias for alias in self.aliases]


class ActorAlias(Base):
    __tablename__ = "actor_aliases"
    __table_args__ = (UniqueConstraint("actor_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300), index=True)

    actor: Mapped[Actor] = relationship(back_populates="aliases")


class ActorRelation(Record):
    """A stated relation: subject --predicate--> object (Paris hosts the summit ...)."""

    __tablename__ = "actor_relations"
    search_fields = ("predicate", "slug")

    id: Mapped[int] = record_fk()
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"), index=True)
    predicate: Mapped[str] = mapped_column(String(32), index=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"), index=True)

    subject: Mapped[Actor] = relationship(foreign_keys=[subject_id])
    object: Mapped[Actor] = relationship(foreign_keys=[object_id])

    __mapper_args__ = {"polymorphic_identity": "relation"}
    ref_url = "/api/v1/actors/{subject.slug}/relations"
    ref_reads = ("predicate", "subject.name", "object.name")

    def ref_label(self) -> str:
        return f"{self.subject.name} {self.predicate.replace('_', ' ')} {self.object.name}"
