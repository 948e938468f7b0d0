"""Tables that must survive a restart. Never a caller's number in the clear."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Counselor(Base):
    """A counselor or supervisor on the roster; their own phone is how we ring them."""

    __tablename__ = "counselors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    phone: Mapped[str] = mapped_column(String(20))  # E.164
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    role: Mapped[str] = mapped_column(String(20), default="counselor")
    always_on_call: Mapped[bool] = mapped_column(default=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    shifts: Mapped[list[Shift]] = relationship(
        back_populates="counselor", cascade="all, delete-orphan", order_by="Shift.id"
    )


class Shift(Base):
    """One weekly shift: a weekday (0 = Monday) and a start and end in the roster's time zone.

    An end at or before the start means the shift runs past midnight.
    """

    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(ForeignKey("counselors.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)

    counselor: Mapped[Counselor] = relationship(back_populates="shifts")


class AuditEvent(Base):
    """Who did what and when: roster imports, rule publishing, vault reads."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class RuleVersion(Base):
    """Every published version of the routing rules or IVR scripts, kept with who and when."""

    __tablename__ = "rule_versions"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "rules" or "ivr"
    version: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String)
    published_by: Mapped[str] = mapped_column(String(120))
    published_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
