"""Staffing advice as the terminal prints it, as a roster file, and as an HTML chart."""

from __future__ import annotations

from html import escape

import yaml

from hotline.roster import Roster
from hotline.whatif.cross_training import Suggestion
from hotline.whatif.losses import CAUSES, losses
from hotline.whatif.staffing import Advice, grid_roster
from hotline.whatif.text import percent

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WIDTH, ROW, LEFT, TOP = 760, 26, 60, 30
ADVISED, ROSTER, SHORT = "#3b6ea8", "#999", "#d1495b"


def _hours(hours: list[int]) -> str:
    """Hours of the week as day ranges: "Mon 08-16, Tue 08-16"."""
    spans: list[str] = []
    for h in sorted(hours):
        day, hour = divmod(h, 24)
        if spans and spans[-1].startswith(DAYS[day]) and int(spans[-1][-2:]) == hour:
            spans[-1] = f"{spans[-1][:-2]}{hour + 1:02d}"
        else:
            spans.append(f"{DAYS[day]} {hour:02d}-{hour + 1:02d}")
    return ", ".join(spans)


def render_staffing(advice: Advice, suggestions: tuple[Suggestion, ...]) -> str:
    a = advice
    lines = [
        f"Staffing advice: the fewest counselors on shift, by hour of the week and language, "
        f"for every tier to answer {percent(a.target)} of its calls within its answer_within.",
        f"Square-root staffing to start, then {a.rounds} round(s) of simulation adding a "
        "counselor where calls were answered late.",
        "",
        f"{'language':<9} {'sqrt start':>10} {'advised':>8} {'roster':>7}  counselor-hours a "
        "week; hours short",
    ]
    for code in a.advised:
        short = a.short(code)
        lines.append(
            f"{code:<9} {sum(a.start[code]):>10} {sum(a.advised[code]):>8} "
            f"{sum(a.roster[code]):>7}  {len(short)} h short"
            + (f": {_hours(short)}" if short else "")
        )
    lines += ["", "The advised staffing simulated on callers it was not refined on:"]
    for h in a.check.headline[:-1]:
        sl = h.rules.service_level or 0.0
        cap = a.reachable[h.tier]
        note = "" if sl >= a.target else " (under target)"
        lines.append(
            f"  {h.tier:<9} within {h.target} s: {percent(sl)}{note} (counselors to spare "
            f"reach {percent(cap)} on the refining callers)"
        )
    lines += _losses(a)
    unreachable = [t for t, cap in a.reachable.items() if cap < a.target]
    if unreachable:
        lines.append(
            f"  No staffing reaches {percent(a.target)} for {', '.join(unreachable)}: offers "
            "that ring out and callers who hang up in the first seconds cost more than that;"
        )
        lines.append("  the advice aims just under what counselors to spare reach.")
    verdict = "meets" if a.meets_target else "does NOT meet"
    lines.append(
        f"  The advised staffing {verdict} the target of {percent(a.target)} for every tier."
    )
    if suggestions:
        lines += [
            "",
            "Cross-training where the roster is short (one second language for a counselor who "
            "speaks one; two skills each gets most of full pooling's benefit, Wallace & Whitt "
            "2005):",
            f"  the roster as it is: all tiers within target "
            f"{percent(a.baseline.overall.service_level)}, in the caller's language "
            f"{percent(a.baseline.language_match)}",
        ]
        for s in suggestions:
            result = (
                f"all tiers within target {percent(s.service_level)}, in the caller's language "
                f"{percent(s.language_match)}"
                if s.service_level is not None
                else "not simulated"
            )
            lines.append(
                f"  {s.counselor} + {s.language}: covers {s.short_hours} short hour(s); {result}"
            )
    return "\n".join(lines)


def _losses(a: Advice) -> list[str]:
    """Where each tier's late calls lost their time, so that a supervisor sees whether more
    counselors would help (waiting) or not (ringing)."""
    out = ["", "Calls not answered within answer_within, by cause (advised staffing):"]
    for h in a.check.headline[:-1]:
        found = losses(a.check.outcomes, h.tier, h.target or 0)
        causes = ", ".join(f"{found[why]} {why}" for why in CAUSES if found[why])
        out.append(f"  {h.tier:<9} {sum(found.values())} of {h.rules.calls}" + (
            f": {causes}" if causes else ""))  # fmt: skip
    return out


def advised_roster_yaml(advice: Advice, timezone: str) -> str:
    """The advised staffing as a roster file `hotline simulate --roster` takes (fictional
    counselors, one language each, every specialty)."""
    roster: Roster = grid_roster(advice.advised, timezone)
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    doc = {
        "timezone": timezone,
        "counselors": [
            {
                "name": c.name,
                "phone": c.phone,
                "languages": list(c.languages),
                "specialties": list(c.specialties),
                **(
                    {"always_on_call": True}
                    if c.always_on_call
                    else {
                        "shifts": [
                            {
                                "days": [names[s.weekday]],
                                "from": f"{s.start_minute // 60:02d}:00",
                                "to": f"{s.end_minute // 60:02d}:00",
                            }
                            for s in c.shifts
                        ]
                    }
                ),
            }
            for c in roster.counselors
        ],
    }
    header = "# Advised by `hotline simulate --staffing`: fictional counselors, one per language\n"
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def staffing_chart(advice: Advice) -> str:
    """Per language, a strip of the week: advised counselors (bars), the roster's (line),
    and the hours the roster is short (red)."""
    parts: list[str] = []
    step = (WIDTH - LEFT - 10) / 168
    top = TOP
    for code in advice.advised:
        need, have = advice.advised[code], advice.roster[code]
        peak = max([*need, *have, 1])
        height = ROW * 3
        parts.append(f'<text x="4" y="{top + height / 2:.0f}" font-size="12">{escape(code)}</text>')
        for h in range(168):
            x = LEFT + h * step
            bar = height * need[h] / peak
            colour = SHORT if have[h] < need[h] else ADVISED
            parts.append(
                f'<rect x="{x:.1f}" y="{top + height - bar:.1f}" width="{step - 0.5:.1f}" '
                f'height="{bar:.1f}" fill="{colour}"><title>{DAYS[h // 24]} {h % 24:02d}:00 '
                f"advised {need[h]}, roster {have[h]}</title></rect>"
            )
        points = " ".join(
            f"{LEFT + (h + 0.5) * step:.1f},{top + height - height * have[h] / peak:.1f}"
            for h in range(168)
        )
        parts.append(f'<polyline points="{points}" fill="none" stroke="{ROSTER}"/>')
        top += height + 20
    for day in range(7):
        x = LEFT + day * 24 * step
        parts.append(f'<text x="{x + 2:.1f}" y="{top + 4}" font-size="10">{DAYS[day]}</text>')
    body = "\n".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{top + 16}" '
        f'viewBox="0 0 {WIDTH} {top + 16}" role="img" aria-label="Staffing advice">\n'
        f"<title>Staffing advice</title>\n{body}\n</svg>"
    )


def staffing_html(advice: Advice, suggestions: tuple[Suggestion, ...]) -> str:
    legend = (
        f'<p><span style="color:{ADVISED}">■</span> advised counselors on shift &nbsp; '
        f'<span style="color:{SHORT}">■</span> advised, where the roster has fewer &nbsp; '
        f'<span style="color:{ROSTER}">━</span> the roster</p>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Hotline staffing advice</title>\n"
        "<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
        "pre{font-size:12px;background:#f6f6f6;padding:1em;overflow-x:auto}</style>\n"
        "</head>\n<body>\n<h1>Staffing advice</h1>\n"
        f"{legend}\n{staffing_chart(advice)}\n"
        f"<pre>{escape(render_staffing(advice, suggestions))}</pre>\n</body>\n</html>\n"
    )
