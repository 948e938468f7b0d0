"""Tables that must survive a restart. Never a caller's number in the clear."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Unicode,
    UniqueConstraint,
    func,
)
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


class CallRecord(Base):
    """The minimal anonymous record of one call: what helps the next caller and shift.

    No number, no recording, no transcript, no words. `caller_key` is a keyed hash,
    removed after the retention period; `region` is a country and at most a province.
    """

    __tablename__ = "call_records"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the random call id
    caller_key: Mapped[str | None] = mapped_column(String(64), index=True)
    region: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    language: Mapped[str | None] = mapped_column(String(10))
    topic: Mapped[str | None] = mapped_column(String(40))
    tier: Mapped[str | None] = mapped_column(String(20))
    speech_used: Mapped[bool] = mapped_column(default=False)
    ivr_seconds: Mapped[int | None] = mapped_column(Integer)
    queue_seconds: Mapped[int | None] = mapped_column(Integer)
    talk_seconds: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(30))
    counselor_id: Mapped[int | None] = mapped_column(
        ForeignKey("counselors.id", ondelete="SET NULL")
    )
    rules_version: Mapped[str] = mapped_column(String(64), default="")
    script_version: Mapped[str] = mapped_column(String(64), default="")
    # The counselor's wrap-up, filed from the console.
    disposition: Mapped[list[str] | None] = mapped_column(JSON)
    risk_level: Mapped[str | None] = mapped_column(String(20))
    referral_given: Mapped[bool | None] = mapped_column()
    emergency_contacted: Mapped[bool | None] = mapped_column()
    follow_up_agreed: Mapped[bool | None] = mapped_column()
    follow_up_consent: Mapped[bool | None] = mapped_column()
    # A short wrap-up note, only where the rules enable notes: Fernet-encrypted under
    # DATA_KEY, read by supervisors only (each read audited); gone with the caller key.
    note: Mapped[bytes | None] = mapped_column(LargeBinary)


class CallbackVault(Base):
    """The only place a caller's number is kept: encrypted, for one callback, then erased."""

    __tablename__ = "callback_vault"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # random, not the call id
    call_id: Mapped[str] = mapped_column(String(40), index=True)
    caller_key: Mapped[str | None] = mapped_column(String(64), index=True)  # for forget
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)  # NULL once erased
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Callback(Base):
    """A callback asked for from the queue or agreed at wrap-up: when, to whom, how it went.

    The number is in the vault entry it names; here only what routes and schedules it.
    `zones` are the caller's possible time zones (from the number's prefix; a caller is
    rung only when the window is open in all of them). Status: scheduled (waits for
    due_at), queued (in the live queue as `live_call_id`), calling (a counselor accepted,
    the caller is being rung), done, failed (attempts used up), cancelled (forgotten).
    """

    __tablename__ = "callbacks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    call_id: Mapped[str] = mapped_column(String(40), index=True)  # the call it came from
    vault_id: Mapped[str] = mapped_column(String(40))
    caller_key: Mapped[str | None] = mapped_column(String(64), index=True)  # for forget
    source: Mapped[str] = mapped_column(String(20))  # "queue" or "follow_up"
    language: Mapped[str] = mapped_column(String(10))
    topic: Mapped[str] = mapped_column(String(40))
    tier: Mapped[str] = mapped_column(String(20))
    zones: Mapped[str] = mapped_column(String(200), default="")
    counselor_id: Mapped[str | None] = mapped_column(String(40))  # preferred, if any
    urgent: Mapped[bool] = mapped_column(default=False)
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # place in line
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    not_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="scheduled", index=True)
    live_call_id: Mapped[str | None] = mapped_column(String(40))
    last_outcome: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScheduledJob(Base):
    """APScheduler's persistent job store (the scheduler's callback alarms), under Alembic
    like every other table. The columns are those APScheduler 3's SQLAlchemyJobStore uses."""

    __tablename__ = "scheduled_jobs"

    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)


class DailyCount(Base):
    """What is left of call records past retention: counts per day, with nothing per caller.

    Unknown fields are stored as "" rather than NULL so the unique key can be upserted on.
    """

    __tablename__ = "daily_counts"
    __table_args__ = (UniqueConstraint("day", "language", "topic", "tier", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(10), default="")
    topic: Mapped[str] = mapped_column(String(40), default="")
    tier: Mapped[str] = mapped_column(String(20), default="")
    outcome: Mapped[str] = mapped_column(String(30))
    count: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """Someone who signs in to the console or the dashboard; a counselor's account names
    their roster entry. Only an argon2 hash of the password is kept."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="counselor")
    counselor_id: Mapped[int | None] = mapped_column(
        ForeignKey("counselors.id", ondelete="SET NULL")
    )
    locale: Mapped[str] = mapped_column(String(10), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ShiftOverride(Base):
    """A one-off change to a counselor's weekly shifts on one date (the roster's time zone):
    `on_shift` true adds hours that day; false takes them off (leave, sickness)."""

    __tablename__ = "shift_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("counselors.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date, index=True)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)  # at or before start: past midnight
    on_shift: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Recording(Base):
    """A recorded prompt's bytes, by content: never changed, so its URL (which carries the
    hash) can be cached for good. Which recordings are in force is the scripts' version."""

    __tablename__ = "recordings"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(80))
    seconds: Mapped[float] = mapped_column(Float)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class CarePlan(Base):
    """A supervisor's care plan for a frequent caller: a short note, encrypted under
    DATA_KEY, shown to the counselor who takes that caller's next call. Erased with the
    caller key (retention, `hotline forget`); every read and write is audited."""

    __tablename__ = "care_plans"

    caller_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
