"""The roster file supervisors, the dashboard and the tests share: parsed and checked whole.

A bad entry is refused with its name, line and reason, and the file as a whole is
refused: nothing of it is half-applied.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from hotline.problems import InvalidFile, Problem
from hotline.yamlsource import Located, load_located

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ROLES = ("counselor", "supervisor")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")
_TOP_KEYS = {"timezone", "region", "counselors"}
_ENTRY_KEYS = {"name", "phone", "languages", "specialties", "role", "always_on_call", "shifts"}


@dataclass(frozen=True)
class ShiftEntry:
    weekday: int  # 0 = Monday
    start_minute: int
    end_minute: int  # at or before start: runs past midnight


@dataclass(frozen=True)
class CounselorEntry:
    name: str
    phone: str  # E.164
    languages: tuple[str, ...]
    specialties: tuple[str, ...]
    role: str
    always_on_call: bool
    shifts: tuple[ShiftEntry, ...]


@dataclass(frozen=True)
class Roster:
    timezone: str
    counselors: tuple[CounselorEntry, ...]


def parse_roster(
    text: str,
    file: str,
    *,
    languages: Collection[str],
    specialties: Collection[str],
) -> Roster:
    """Check every entry against the rules in force; raise InvalidFile listing all problems."""
    doc = load_located(text, file)
    problems: list[Problem] = []
    data = doc.data
    if not isinstance(data, dict):
        raise InvalidFile([doc.problem((), "a roster is a mapping with timezone and counselors")])
    for key in sorted(set(data) - _TOP_KEYS, key=str):
        problems.append(doc.problem((key,), f"unknown key {key!r}"))
    timezone = data.get("timezone")
    if not isinstance(timezone, str) or not _zone_exists(timezone):
        problems.append(doc.problem(("timezone",), f"unknown time zone {timezone!r}"))
    region = data.get("region")
    if region is not None and region not in phonenumbers.SUPPORTED_REGIONS:
        problems.append(doc.problem(("region",), f"unknown phone region {region!r}"))
        region = None
    entries = data.get("counselors")
    if not isinstance(entries, list) or not entries:
        problems.append(doc.problem(("counselors",), "counselors must be a non-empty list"))
        entries = []
    counselors: list[CounselorEntry] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(entries):
        entry = _entry(doc, i, raw, region, set(languages), set(specialties), problems)
        if entry is None:
            continue
        if entry.name in seen:
            problems.append(doc.problem(("counselors", i, "name"), "listed twice", entry.name))
            continue
        seen[entry.name] = i
        counselors.append(entry)
    if problems:
        raise InvalidFile(problems)
    assert isinstance(timezone, str)
    return Roster(timezone=timezone, counselors=tuple(counselors))


def _entry(
    doc: Located,
    i: int,
    raw: object,
    region: str | None,
    languages: set[str],
    specialties: set[str],
    problems: list[Problem],
) -> CounselorEntry | None:
    at = ("counselors", i)
    if not isinstance(raw, dict):
        problems.append(doc.problem(at, "each counselor is a mapping"))
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(doc.problem(at, "a counselor needs a name"))
        return None
    name = name.strip()
    before = len(problems)

    def bad(key: str, message: str) -> None:
        problems.append(doc.problem((*at, key), message, name))

    for key in sorted(set(raw) - _ENTRY_KEYS, key=str):
        bad(key, f"unknown key {key!r}")
    phone = _phone(raw.get("phone"), region)
    if phone is None:
        bad("phone", f"not a valid phone number: {raw.get('phone')!r}")
    langs = _names(raw.get("languages"))
    if not langs:
        bad("languages", "at least one language is needed")
    for code in langs:
        if code not in languages:
            bad("languages", f"unknown language {code!r} (the rules know {sorted(languages)})")
    specs = _names(raw.get("specialties", []))
    for spec in specs:
        if spec not in specialties:
            bad("specialties", f"unknown specialty {spec!r}")
    role = raw.get("role", "counselor")
    if role not in ROLES:
        bad("role", f"role must be one of {list(ROLES)}")
    always = raw.get("always_on_call", False)
    if not isinstance(always, bool):
        bad("always_on_call", "always_on_call must be true or false")
    shifts = _shifts(doc, at, name, raw.get("shifts", []), problems)
    if len(problems) > before or phone is None:
        return None
    return CounselorEntry(name, phone, langs, specs, str(role), bool(always), shifts)


def _shifts(
    doc: Located, at: tuple[str | int, ...], name: str, raw: object, problems: list[Problem]
) -> tuple[ShiftEntry, ...]:
    if not isinstance(raw, list):
        problems.append(doc.problem((*at, "shifts"), "shifts must be a list", name))
        return ()
    out: list[ShiftEntry] = []
    for j, shift in enumerate(raw):
        where = (*at, "shifts", j)
        if not isinstance(shift, dict) or set(shift) != {"days", "from", "to"}:
            problems.append(doc.problem(where, "a shift has exactly days, from and to", name))
            continue
        days = shift["days"]
        if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
            problems.append(doc.problem((*where, "days"), f"days are among {list(DAYS)}", name))
            continue
        start, end = _minute(shift["from"]), _minute(shift["to"])
        if start is None or end is None or start == end:
            problems.append(
                doc.problem(where, "from and to are different times, HH:MM (24-hour)", name)
            )
            continue
        out.extend(ShiftEntry(DAYS.index(d), start, end % (24 * 60)) for d in days)
    return tuple(out)


def _phone(raw: object, region: str | None) -> str | None:
    if not isinstance(raw, str | int):
        return None
    try:
        number = phonenumbers.parse(str(raw), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _names(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        return ()
    return tuple(dict.fromkeys(raw))


def _minute(raw: object) -> int | None:
    # YAML 1.1 reads an unquoted 08:00 as a sexagesimal number (480); accept that too.
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 24 * 60:
        return raw
    if not isinstance(raw, str) or not _TIME.match(raw):
        return None
    hours, minutes = raw.split(":")
    return int(hours) * 60 + int(minutes)


def _zone_exists(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def on_shift(shifts: tuple[ShiftEntry, ...], timezone: str, now_utc: dt.datetime) -> bool:
    """Is `now_utc` inside one of the weekly shifts, in the roster's time zone?

    A shift whose end is at or before its start runs past midnight into the next day.
    """
    local = now_utc.astimezone(ZoneInfo(timezone))
    minute = local.hour * 60 + local.minute
    today, yesterday = local.weekday(), (local.weekday() - 1) % 7
    for shift in shifts:
        overnight = shift.end_minute <= shift.start_minute
        if (
            shift.weekday == today
            and minute >= shift.start_minute
            and (overnight or minute < shift.end_minute)
        ):
            return True
        if overnight and shift.weekday == yesterday and minute < shift.end_minute:
            return True
    return False
