"""Declarative base with a constraint naming convention, and the cited-record supertype."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import ForeignKey, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from service.models.briefings import Briefing
    from service.models.citations import Citation

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Record(Base):
    """Everything that states a fact: belongs to a briefing and carries citations.

    Joined-table inheritance gives every fact one id space, so a citation has a real foreign key
    whatever kind of record it supports.
    """

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    briefing_id: Mapped[int] = mapped_column(
        ForeignKey("briefings.id", ondelete="CASCADE"), index=True
    )

    # Names, summaries and quotes, kept current on every flush (service/search.py); the full-text
    # indexes (FTS5 on SQLite, a GIN tsvector index on PostgreSQL) are built over it by the migrations.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)
    # Bumped by every API write under an optimistic lock (service/resources/writing.py).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    #: Attributes whose text a search should match, besides the citations' quotes.
    search_fields: ClassVar[tuple[str, ...]] = ()

    def search_extra(self) -> list[str]:
        """More text to index, beyond search_fields and quotes (an actor's aliases ...)."""
        return []

    briefing: Mapped[Briefing] = relationship()
    citations: Mapped[list[Citation]] = relationship(
        back_populates="record",
        cascade="all, delete-orphan",
        order_by="(Citation.start, Citation.id)",
        passive_deletes=True,
    )

    __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "record"}


def record_fk() -> Mapped[int]:
    """Primary key of a Record subtype: also a foreign key to records.id."""
    return mapped_column(ForeignKey("records.id", ondelete="CASCADE"), primary_key=True)
