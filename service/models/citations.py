"""A citation: the exact words of a document that support a record."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, Record
from service.models.briefings import Document


class Citation(Base):
    __tablename__ = "citations"
    __table_args__ = (
        CheckConstraint("start >= 0", name="start_not_negative"),
        CheckConstraint('"end" > start', name="end_after_start"),
        Index("ix_citations_document_id_start", "document_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    start: Mapped[int]
    end: Mapped[int]
    quote: Mapped[str] = mapped_column(Text)

    record: Mapped[Record] = relationship(back_populates="citations")
    document: Mapped[Document] = relationship()
