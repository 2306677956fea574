"""Aid packages and the items they contain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.actors import Actor
from service.models.base import Record, record_fk


class AidPackage(Record):
    __tablename__ = "aid_packages"
    search_fields = ("summary", "delivery_schedule", "slug")

    id: Mapped[int] = record_fk()
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"), index=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="RESTRICT"), index=True
    )
    announced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    delivery_schedule: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)

    donor: Mapped[Actor] = relationship(foreign_keys=[donor_id])
    recipient: Mapped[Actor] = relationship(foreign_keys=[recipient_id])
    announced_by: Mapped[Actor | None] = relationship(foreign_keys=[announced_by_id])
    items: Mapped[list[AidItem]] = relationship(
        back_populates="package",
        cascade="all, delete-orphan",
        foreign_keys="AidItem.package_id",
        order_by="AidItem.id",
    )

    __mapper_args__ = {"polymorphic_identity": "aid_package"}
    ref_url = "/api/v1/aid-packages/{slug}"
    ref_reads = ("summary",)
    statement_fields = ("summary",)

    def ref_label(self) -> str:
        return self.summary or self.slug


class AidItem(Record):
    """Equipment or support. An item of a package is part of what the source says the package contains; an
    item with no package is aid the source mentions otherwise (already supplied, or only discussed), with its
    own donor and recipient."""

    __tablename__ = "aid_items"
    __table_args__ = (
        CheckConstraint("package_id IS NOT NULL OR (donor_id IS NOT NULL AND recipient_id IS NOT NULL)",
                        name="package_or_donor_and_recipient"),
    )
    search_fields = ("system", "category", "role", "description")

    id: Mapped[int] = record_fk()
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    package_id: Mapped[int | None] = mapped_column(
        ForeignKey("aid_packages.id", ondelete="CASCADE"), index=True
    )
    # Only for an item outside any package (a packaged item's are its package's).
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"), index=True)
    system: Mapped[str | None] = mapped_column(String(200), index=True)
    category: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(32), index=True)

    package: Mapped[AidPackage | None] = relationship(back_populates="items", foreign_keys=[package_id])
    donor: Mapped[Actor | None] = relationship(foreign_keys=[donor_id])
    recipient: Mapped[Actor | None] = relationship(foreign_keys=[recipient_id])

    __mapper_args__ = {"polymorphic_identity": "aid_item"}
    ref_url = "/api/v1/aid-items/{slug}"
    ref_reads = ("description",)
    statement_fields = ("description",)

    def ref_label(self) -> str:
        return self.description
