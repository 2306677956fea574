"""Briefings and the source documents they draw on."""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import JSON, BigInteger, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from service.models.base import Base

briefing_documents = Table(
    "briefing_documents",
    Base.metadata,
    Column("briefing_id", ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True),
    Column("document_id", ForeignKey("documents.id", ondelete="RESTRICT"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    publisher: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16))
    original_language: Mapped[str | None] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(String(1000))
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    date_note: Mapped[str | None] = mapped_column(Text)
    translation_note: Mapped[str | None] = mapped_column(Text)
    # Fields not printed in the text (an editor's title, a date from the publication record), as on records.
    provenance: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    sha256: Mapped[str] = mapped_column(String(64))
    length: Mapped[int]
    # The text is large and only the detail view needs it.
    text: Mapped[str] = deferred(mapped_column(Text))

    def reference(self, quote: str) -> str:
        """Outlet, title, date (and URL) with the quote: a citation ready to paste into a text."""
        return reference(self.publisher, self.name, self.date, self.url, quote)


def reference(publisher: str | None, title: str, date: dt.date | None, url: str | None, quote: str) -> str:
    """Document.reference of a document read as a row (search hits)."""
    return f"{reference_head(publisher, title, date, url)}: \u201c{quote}\u201d"


@functools.lru_cache(maxsize=4096)  # a page cites a few documents many times; formatting the date is the cost
def reference_head(publisher: str | None, title: str, date: dt.date | None, url: str | None) -> str:
    """What a reference says before its quote. A title in [square brackets] was supplied by the editors (the
    source has no headline), so it is not presented as a quoted headline."""
    title = title if title.startswith("[") else f"\u201c{title}\u201d"
    parts = [publisher or "Unknown outlet", title, f"{date.day} {date:%B %Y}" if date else "undated"]
    if url:
        parts.append(url)
    return ", ".join(parts)


class Briefing(Base):
    __tablename__ = "briefings"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text)
    # Bumped by every API write of the briefing under an optimistic lock, as records' (migration 0008).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    documents: Mapped[list[Document]] = relationship(
        secondary=briefing_documents, order_by=briefing_documents.c.position
    )


class BriefingComposition(Base):
    """A briefing's composed representations, stored as served (service/briefings/stored.py): each rendered on
    the first read that finds it missing, all of them cleared by any write that can change the composition.

    `generation` counts those writes, so that a reader stores what it rendered only if no write committed since
    it began: a row is never left holding a composition older than the records."""

    __tablename__ = "briefing_compositions"

    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    json: Mapped[str | None] = mapped_column(Text)
    markdown: Mapped[str | None] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
