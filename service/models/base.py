"""Declarative base with a constraint naming convention, and the cited-record supertype."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, MetaData, String, Text, TypeDecorator, inspect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import (
    MANYTOMANY,
    MANYTOONE,
    DeclarativeBase,
    Mapped,
    RelationshipProperty,
    mapped_column,
    relationship,
)
from sqlalchemy.sql.functions import FunctionElement

if TYPE_CHECKING:
    from service.models.actors import Actor
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


class UTCDateTime(TypeDecorator):
    """A moment in UTC, aware in Python on every backend.

    PostgreSQL's timestamptz keeps the offset; SQLite keeps only the text of a naive time, so values go
    in converted to UTC and come back marked as UTC (served as RFC 3339 with `+00:00` either way)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None and dialect.name == "sqlite":
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


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

    # Attribution (PARC 3.0): who states the claim, who reports it and how (service/vocabulary.py SPEECH);
    # the cue, hedges and quoted words are citations with a role (models/citations.py). Records that state
    # no claim of anyone's (actors) leave them empty.
    # records -> actors -> records is a cycle: use_alter tells SQLAlchemy the constraint comes after both tables.
    # No ON DELETE clause: SQLite adds these columns in place (migration 0007), and NO ACTION refuses to delete
    # a speaker as RESTRICT would.
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", use_alter=True), index=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", use_alter=True), index=True)
    speech: Mapped[str | None] = mapped_column(String(16), index=True)
    # Factuality according to the speaker (FactBank): never more certain than the weakest hedge.
    factuality: Mapped[str] = mapped_column(String(16), default="certain", server_default="certain", index=True)
    polarity: Mapped[str] = mapped_column(String(16), default="positive", server_default="positive")
    # Fields whose value is not the source's words: [{field, basis: inferred|outside, reasoning, reference}].
    provenance: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    review_status: Mapped[str] = mapped_column(String(16), default="extracted", server_default="extracted",
                                               index=True)
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    #: Attributes whose text a search should match, besides the citations' quotes.
    search_fields: ClassVar[tuple[str, ...]] = ()

    def search_extra(self) -> list[str]:
        """More text to index, beyond search_fields and quotes (an actor's aliases ...)."""
        return []

    # How the record is named and linked where it turns up outside its own resource (search hits, the document
    # view, the briefing): service/resources/refs.py derives its labels, links and the columns a hit reads
    # from these three. REF_URL: the resource that serves it (its own, or its parent's), formatted with the
    # record's attributes; REF_READS: the attributes ref_label() reads (dotted through a related record).
    ref_url: ClassVar[str] = ""
    ref_reads: ClassVar[tuple[str, ...]] = ()

    def ref_label(self) -> str:
        """A readable name for the record (reading only ref_reads and the url's attributes)."""
        raise NotImplementedError

    #: The fields in which a claim states itself, whose hedge words must be cited as hedges (service/claims.py).
    statement_fields: ClassVar[tuple[str, ...]] = ()

    briefing: Mapped[Briefing] = relationship()
    speaker: Mapped[Actor | None] = relationship("Actor", foreign_keys=[speaker_id])
    reported_by: Mapped[Actor | None] = relationship("Actor", foreign_keys=[reported_by_id])
    citations: Mapped[list[Citation]] = relationship(
        back_populates="record",
        cascade="all, delete-orphan",
        order_by="(Citation.start, Citation.id)",
        passive_deletes=True,
    )

    __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "record"}


class RecordBody(Base):
    """A listed record's served JSON as its list pages show it, rendered in the transaction that writes the
    record (service/read_model.py). A table of its own, narrow: re-rendering a thousand bodies rewrites these
    rows only, not the records' (whose indexes, the full-text one included, PostgreSQL would update too)."""

    __tablename__ = "record_bodies"

    id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), primary_key=True)
    body: Mapped[str] = mapped_column(Text)


class utf8_bytes(FunctionElement):  # noqa: N801  # an SQL function, named as one
    """A text column's value in the form its driver hands over fastest, for bodies served as they are stored: on
    SQLite its UTF-8 bytes (CAST AS BLOB), undecoded, so a page of them is joined with no decoding of each body
    into a str and encoding back (a quarter of a 50-row page's instructions); on PostgreSQL the text itself,
    since a bytea arrives in hex, which psycopg parses slower than it decodes text (1.5 against 0.9 ms for a
    page's 148 kB). as_bytes() turns either into bytes."""

    inherit_cache = True


@compiles(utf8_bytes)
def _utf8_bytes(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(utf8_bytes, "sqlite")
def _utf8_bytes_sqlite(element, compiler, **kw) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS BLOB)"


def as_bytes(value: bytes | str) -> bytes:
    """A utf8_bytes() value as bytes."""
    return value if isinstance(value, bytes) else value.encode()


def reference_order(models: Iterable[type]) -> list[type]:
    """MODELS and the models their rows refer to, each after those it refers to (depth first, in the order
    given): what creating their rows needs first, and, reversed, the order that deletes referrers first."""
    ordered: list[type] = []
    seen: set[type] = set()

    def visit(model: type) -> None:
        if model not in seen:
            seen.add(model)
            for needed in references(model):
                visit(needed)
            ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def references(model: type) -> list[type]:
    """The models MODEL's rows refer to: its many-to-one and many-to-many relationships, and those of the parts it
    owns (citations' documents, conditions' events ...). Not a record's briefing: the briefing holds its records,
    and its composed body names them (it is created after them)."""
    found = []
    relationships: list[RelationshipProperty] = list(inspect(model).relationships)
    for prop in relationships:
        if prop is Record.briefing.property:
            continue
        if prop.direction in (MANYTOONE, MANYTOMANY):
            found.append(prop.mapper.class_)
        elif prop.cascade.delete_orphan:
            found += [target for target in references(prop.mapper.class_) if target is not model]
    return found


def record_fk() -> Mapped[int]:
    """Primary key of a Record subtype: also a foreign key to records.id."""
    return mapped_column(ForeignKey("records.id", ondelete="CASCADE"), primary_key=True)
