"""A supervisor edits the roster: counselors (languages, specialties, phone checked with
phonenumbers), their weekly shifts, and one-off overrides. Every change is audited;
bad input is refused whole with a message per field, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotline.records.models import AuditEvent, Counselor, Shift, ShiftOverride
from hotline.roster import DAYS, ROLES
from hotline.runtime import Runtime

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


class FormErrors(ValueError):
    """Field name -> what is wrong with it. Nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class CounselorForm:
    name: str
    phone: str
    languages: Sequence[str]
    specialties: Sequence[str]
    role: str = "counselor"
    always_on_call: bool = False
    timezone: str = "UTC"
    region: str | None = None  # for a number written without its country code


@dataclass(frozen=True)
class ShiftView:
    weekday: int
    start: str  # HH:MM
    end: str

    @property
    def day(self) -> str:
        return DAYS[self.weekday]


@dataclass(frozen=True)
class OverrideView:
    id: int
    day: dt.date
    start: str
    end: str
    on_shift: bool


@dataclass(frozen=True)
class CounselorView:
    id: int
    name: str
    phone: str
    languages: tuple[str, ...]
    specialties: tuple[str, ...]
    role: str
    always_on_call: bool
    timezone: str
    shifts: tuple[ShiftView, ...] = ()
    overrides: tuple[OverrideView, ...] = field(default=())


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_minute(text: str) -> int | None:
    text = text.strip()
    if not _TIME.match(text):
        return None
    hours, minutes = text.split(":")
    return (int(hours) * 60 + int(minutes)) % (24 * 60)


def counselors(runtime: Runtime, *, today: dt.date | None = None) -> list[CounselorView]:
    """Everyone on the roster, by name, with shifts and the overrides from `today` on."""
    since = today or dt.datetime.now(dt.UTC).date()
    with runtime.sessions() as session:
        rows = session.scalars(select(Counselor).order_by(Counselor.name)).all()
        overrides = session.scalars(
            select(ShiftOverride)
            .where(ShiftOverride.day >= since)
            .order_by(ShiftOverride.day, ShiftOverride.start_minute)
        ).all()
        mine: dict[int, list[OverrideView]] = {}
        for o in overrides:
            mine.setdefault(o.counselor_id, []).append(
                OverrideView(o.id, o.day, hhmm(o.start_minute), hhmm(o.end_minute), o.on_shift)
            )
        return [
            CounselorView(
                id=c.id,
                name=c.name,
                phone=c.phone,
                languages=tuple(c.languages),
                specialties=tuple(c.specialties),
                role=c.role,
                always_on_call=c.always_on_call,
                timezone=c.timezone,
                shifts=tuple(
                    ShiftView(s.weekday, hhmm(s.start_minute), hhmm(s.end_minute))
                    for s in sorted(c.shifts, key=lambda s: (s.weekday, s.start_minute))
                ),
                overrides=tuple(mine.get(c.id, ())),
            )
            for c in rows
        ]


def check_counselor(runtime: Runtime, form: CounselorForm) -> tuple[str, dict[str, str]]:
    """The phone in E.164 and every problem by field."""
    rules = runtime.rules
    errors: dict[str, str] = {}
    if not form.name.strip() or len(form.name.strip()) > 120:
        errors["name"] = "a name of 1 to 120 characters is needed"
    e164 = ""
    try:
        number = phonenumbers.parse(form.phone, form.region or None)
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    if not e164:
        errors["phone"] = (
            "not a valid phone number; write it with its country code, like +44 20 7946 0000"
        )
    if not form.languages:
        errors["languages"] = "at least one language is needed"
    unknown = [code for code in form.languages if code not in rules.languages]
    if unknown:
        errors["languages"] = f"unknown language(s): {', '.join(unknown)}"
    unknown = [s for s in form.specialties if s not in rules.specialties]
    if unknown:
        errors["specialties"] = f"unknown specialty(ies): {', '.join(unknown)}"
    if form.role not in ROLES:
        errors["role"] = f"role is one of {', '.join(ROLES)}"
    try:
        ZoneInfo(form.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = f"unknown time zone {form.timezone!r}"
    return e164, errors


def save_counselor(
    runtime: Runtime, form: CounselorForm, *, actor: str, counselor_id: int | None = None
) -> int:
    """Add a counselor (counselor_id None) or update one; FormErrors and nothing saved if bad."""
    e164, errors = check_counselor(runtime, form)
    if errors:
        raise FormErrors(errors)
    try:
        with runtime.sessions.begin() as session:
            if counselor_id is None:
                row = Counselor(name=form.name.strip())
                session.add(row)
            else:
                found = session.get(Counselor, counselor_id)
                if found is None:
                    raise FormErrors({"id": "no such counselor"})
                row = found
            row.name = form.name.strip()
            row.phone = e164
            row.languages = list(dict.fromkeys(form.languages))
            row.specialties = list(dict.fromkeys(form.specialties))
            row.role = form.role
            row.always_on_call = form.always_on_call
            row.timezone = form.timezone
            session.flush()
            saved = row.id
            action = "roster.add" if counselor_id is None else "roster.edit"
            session.add(AuditEvent(actor=actor, action=action, detail={"counselor": saved}))
    except IntegrityError as exc:
        raise FormErrors({"name": "another counselor has this name"}) from exc
    return saved


def parse_shift_lines(text: str) -> list[tuple[int, int, int]]:
    """Weekly shifts written one per line, like `mon 08:00-16:00` or `tue,wed 22:00-06:00`."""
    out: list[tuple[int, int, int]] = []
    problems = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lower()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"([a-z,\s]+)\s+(\d\d:\d\d)\s*-\s*(\d\d:\d\d)", line)
        days = [d.strip() for d in match.group(1).split(",")] if match else []
        start = parse_minute(match.group(2)) if match else None
        end = parse_minute(match.group(3)) if match else None
        if not days or any(d not in DAYS for d in days) or start is None or end is None:
            problems.append(f"line {n}: write like `mon,tue 08:00-16:00` (days {', '.join(DAYS)})")
            continue
        if start == end:
            problems.append(f"line {n}: a shift must not start and end at the same time")
            continue
        out.extend((DAYS.index(d), start, end) for d in days)
    if problems:
        raise FormErrors({"shifts": "; ".join(problems)})
    return out


def set_shifts(runtime: Runtime, counselor_id: int, text: str, *, actor: str) -> int:
    """Replace the counselor's weekly shifts with those written in `text`; returns how many."""
    shifts = parse_shift_lines(text)
    with runtime.sessions.begin() as session:
        row = session.get(Counselor, counselor_id)
        if row is None:
            raise FormErrors({"id": "no such counselor"})
        row.shifts = [Shift(weekday=w, start_minute=s, end_minute=e) for w, s, e in shifts]
        session.add(
            AuditEvent(
                actor=actor,
                action="roster.shifts",
                detail={"counselor": counselor_id, "shifts": len(shifts)},
            )
        )
    return len(shifts)


def shift_lines(view: CounselorView) -> str:
    return "\n".join(f"{s.day} {s.start}-{s.end}" for s in view.shifts)


def add_override(
    runtime: Runtime,
    counselor_id: int,
    *,
    day: str,
    start: str,
    end: str,
    on_shift: bool,
    actor: str,
) -> int:
    errors: dict[str, str] = {}
    try:
        when = dt.date.fromisoformat(day.strip())
    except ValueError:
        errors["day"] = "a date like 2026-12-24"
    first, last = parse_minute(start), parse_minute(end)
    if first is None or last is None or first == last:
        errors["time"] = "from and to are different times, HH:MM (24-hour)"
    if errors:
        raise FormErrors(errors)
    assert first is not None and last is not None
    with runtime.sessions.begin() as session:
        if session.get(Counselor, counselor_id) is None:
            raise FormErrors({"id": "no such counselor"})
        row = ShiftOverride(
            counselor_id=counselor_id,
            day=when,
            start_minute=first,
            end_minute=last,
            on_shift=on_shift,
            created_by=actor,
        )
        session.add(row)
        session.flush()
        made = row.id
        session.add(
            AuditEvent(
                actor=actor,
                action="roster.override",
                detail={"counselor": counselor_id, "day": when.isoformat(), "on_shift": on_shift},
            )
        )
    return made


def delete_override(runtime: Runtime, override_id: int, *, actor: str) -> bool:
    with runtime.sessions.begin() as session:
        row = session.get(ShiftOverride, override_id)
        if row is None:
            return False
        session.delete(row)
        session.add(
            AuditEvent(
                actor=actor, action="roster.override_removed", detail={"override": override_id}
            )
        )
    return True
