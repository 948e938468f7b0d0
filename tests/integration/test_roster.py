"""Roster import: whole or nothing, updated by name, phones normalised to E.164."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hotline.problems import InvalidFile
from hotline.records.models import Counselor, Shift
from hotline.roster import parse_roster
from hotline.runtime import Runtime
from hotline.staffing.roster import save_roster
from tests.conftest import ROOT

SAMPLE = (ROOT / "demo" / "roster.yaml").read_text()


def _parse(runtime: Runtime, text: str, file: str = "roster.yaml"):  # type: ignore[no-untyped-def]
    return parse_roster(
        text,
        file,
        languages=runtime.rules.languages.keys(),
        specialties=runtime.rules.specialties.keys(),
    )


def _count(runtime: Runtime, model: type) -> int:
    with runtime.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_sample_roster_imports_and_reimport_never_duplicates(runtime: Runtime) -> None:
    first = save_roster(runtime.sessions, _parse(runtime, SAMPLE), actor="test")
    assert len(first.added) == 16 and not first.updated
    shifts = _count(runtime, Shift)
    second = save_roster(runtime.sessions, _parse(runtime, SAMPLE), actor="test")
    assert not second.added and len(second.updated) == 16
    assert _count(runtime, Counselor) == 16
    assert _count(runtime, Shift) == shifts


def test_reimport_updates_by_name(runtime: Runtime) -> None:
    save_roster(runtime.sessions, _parse(runtime, SAMPLE), actor="test")
    changed = SAMPLE.replace('phone: "+14155550105"', 'phone: "(415) 555-0195"').replace(
        "timezone: America/Los_Angeles", "timezone: America/Los_Angeles\nregion: US"
    )
    save_roster(runtime.sessions, _parse(runtime, changed), actor="test")
    with runtime.sessions() as session:
        li = session.scalars(select(Counselor).where(Counselor.name == "Li Wei")).one()
        assert li.phone == "+14155550195"
        assert set(li.languages) == {"zh", "en"}
        assert next((s.weekday, s.start_minute, s.end_minute) for s in li.shifts) == (0, 960, 0)


def test_a_bad_entry_refuses_the_whole_file_with_name_and_line(runtime: Runtime) -> None:
    save_roster(runtime.sessions, _parse(runtime, SAMPLE), actor="test")
    bad = SAMPLE.replace('phone: "+14155550107"', 'phone: "12"').replace(
        "languages: [yue, en]\n    specialties: [lgbtq",
        "languages: [klingon]\n    specialties: [lgbtq",
    )
    with pytest.raises(InvalidFile) as caught:
        _parse(runtime, bad)
    by_where = {p.where: p for p in caught.value.problems}
    assert "not a valid phone number" in by_where["Wang Fang"].message
    assert by_where["Wang Fang"].line == bad.splitlines().index('    phone: "12"') + 1
    assert "unknown language 'klingon'" in by_where["Lee Mei-ling"].message
    assert _count(runtime, Counselor) == 16  # nothing half-applied


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timezone: Mars/Base\ncounselors: []\n", "unknown time zone"),
        (
            "timezone: UTC\ncounselors:\n  - name: A\n    phone: '+14155550101'\n"
            "    languages: [en]\n    shifts: [{days: [someday], from: '08:00', to: '09:00'}]\n",
            "days are among",
        ),
        (
            "timezone: UTC\ncounselors:\n  - name: A\n    phone: '+14155550101'\n"
            "    languages: [en]\n    role: boss\n",
            "role must be one of",
        ),
        (
            "timezone: UTC\ncounselors:\n  - name: A\n    phone: '+14155550101'\n"
            "    languages: [en]\n  - name: A\n    phone: '+14155550102'\n    languages: [en]\n",
            "listed twice",
        ),
        (
            "timezone: UTC\ncounselors:\n  - name: A\n    phone: '+14155550101'\n"
            "    languages: [en]\n    shifts: [{days: [mon], from: '25:00', to: '09:00'}]\n",
            "HH:MM",
        ),
    ],
)
def test_each_kind_of_mistake_is_named(runtime: Runtime, text: str, message: str) -> None:
    with pytest.raises(InvalidFile, match=message):
        _parse(runtime, text)
