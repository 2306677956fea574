"""A citation: the exact words of a document that support a record, and what those words do for it.

Every span a record points at is a citation with a role (service/vocabulary.py SPAN_ROLES): the content that
states the record, the attribution cue, a hedge, the speaker's own quoted words, the words that date an event,
or a quantity (which also carries its typed value). One table, so coverage, search and the annotated document
view see every span, and a record's spans load with one query whatever their roles.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, Record
from service.models.briefings import Document

# How much of the document's text around a span its TextQuoteSelector carries (characters on each side).
CONTEXT = 32


def context(text: str, start: int, end: int) -> dict[str, str]:
    """The text just around TEXT[START:END]: what a citation stores as its prefix and suffix."""
    return {"prefix": text[max(start - CONTEXT, 0):start], "suffix": text[end:end + CONTEXT]}


def selectors(start: int, end: int, quote: str, prefix: str, suffix: str) -> list[dict]:
    """The W3C Web Annotation selectors of a span: its offsets, and its quote in context."""
    return [{"type": "TextPositionSelector", "start": start, "end": end},
            {"type": "TextQuoteSelector", "exact": quote, "prefix": prefix, "suffix": suffix}]


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
    # The document's text just before and after the span (context()), stored with it so that serving its
    # TextQuoteSelector reads no document text.
    prefix: Mapped[str] = mapped_column(Text, default="", server_default="")
    suffix: Mapped[str] = mapped_column(Text, default="", server_default="")
    role: Mapped[str] = mapped_column(String(16), default="content", server_default="content")
    # Only for role "quantity": what is counted, the number (null when vague), its unit, how exact it is.
    measure: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    unit: Mapped[str | None] = mapped_column(String(50))
    approximation: Mapped[str | None] = mapped_column(String(16))

    record: Mapped[Record] = relationship(back_populates="citations")
    document: Mapped[Document] = relationship()
