"""A report as the terminal prints it, and as JSON (infinities and gaps as null)."""

from __future__ import annotations

import json
import math
from typing import Any

from hotline.whatif.headline import TierHeadline
from hotline.whatif.ideal import IDEAL_YIELDS
from hotline.whatif.report import Report, TierFigures
from hotline.whatif.run import ALL


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if math.isinf(value):
        return "inf"
    return f"{value:.0f} s" if value < 600 else f"{value / 60:.1f} min"


def times(value: float | None) -> str:
    return "-" if value is None else f"x{value:.2f}"


def _tier_row(t: TierFigures) -> str:
    target = f"{t.target} s" if t.target is not None else "own"
    return (
        f"{t.tier:<9} {t.calls:>6} {target:>7} {percent(t.service_level):>7} "
        f"{seconds(t.mean_wait):>9} {seconds(t.p90_wait):>9} {t.abandoned:>6} "
        f"{t.overflowed:>6} {t.callbacks:>6}  | {percent(t.erlang_service_level):>7} "
        f"{seconds(t.erlang_mean_wait):>9} {seconds(t.mean_delay):>9} {times(t.wait_ratio):>7}"
    )


def render(report: Report, *, rules_file: str = "", roster_file: str = "") -> str:
    lines = [
        *_by_tier(report, rules_file, roster_file),
        "",
        *render_ideal(report),
        "",
        *_matches_and_people(report),
        "",
        *_erlang_c(report),
    ]
    return "\n".join(lines)


def _by_tier(r: Report, rules_file: str, roster_file: str) -> list[str]:
    """What was run, and the simulated figures per tier beside Erlang C's."""
    return [
        f"What-if: {r.days} day(s) from {r.start} ({r.timezone}), seed {r.seed}",
        f"rules {rules_file or 'given'} (version {r.rules_version}), "
        f"roster {roster_file or 'given'} ({len(r.counselors)} people); arrivals: {r.scenario}",
        "",
        f"{'tier':<9} {'calls':>6} {'target':>7} {'SL':>7} {'mean wait':>9} {'p90 wait':>9} "
        f"{'abandn':>6} {'overfl':>6} {'callbk':>6}  | {'ErlC SL':>7} {'ErlC wait':>9} "
        f"{'queue':>9} {'ratio':>7}",
        *(_tier_row(t) for t in (*r.tiers, r.overall)),
        "",
        "SL: answered within the tier's answer_within, of all calls. Waits: on hold until "
        "answered or gone (ringing included).",
        "queue: wait until the counselor who answered was rung (what Erlang C counts), in "
        "hours Erlang C can serve; ratio = queue / ErlC wait.",
        *(
            [
                f"{r.overall.still_waiting} caller(s) still on hold when the run stopped, a day "
                "after the last arrival (no max_wait reached): their waits count up to then."
            ]
            if r.overall.still_waiting
            else []
        ),
    ]


def _matches_and_people(r: Report) -> list[str]:
    """Language and topic matches, offers and callbacks, and each counselor's utilisation."""
    return [
        f"conversations in the caller's language {percent(r.language_match)}; with a counselor "
        f"trained in the topic {percent(r.specialty_match)} (topics other than general)",
        f"offers made {r.offers}; callbacks asked {r.callbacks.requested}, reached "
        f"{r.callbacks.reached}, given up {r.callbacks.failed}, still due {r.callbacks.pending}"
        + (
            f" (reached after {r.callbacks.mean_hours_to_reach:.1f} h on average)"
            if r.callbacks.mean_hours_to_reach is not None
            else ""
        ),
        f"counselor utilisation {percent(r.utilisation)} (ringing, talking, wrap-up, of time on "
        "shift):",
        *(
            f"  {c.name:<20} {c.hours_on:6.1f} h on shift  {percent(c.utilisation):>6}  "
            f"{c.conversations:>4} conversations"
            for c in r.counselors
        ),
    ]


def _erlang_c(r: Report) -> list[str]:
    """Erlang C's figures beside the simulation's, and when to trust them."""
    e = r.erlang
    left = r.overall.abandoned + r.overall.overflowed + r.overall.callbacks
    left_share = left / r.overall.calls if r.overall.calls else None
    return [
        f"Erlang C, {e.method}:",
        f"  handle time {e.handle_time / 60:.1f} min (cv {e.handle_cv:.2f}); load "
        f"{e.mean_load:.2f} Erlangs on {e.mean_agents:.2f} counselors on average; "
        f"{e.overloaded_hours} of {e.hours} hours overloaded (load >= counselors)",
        f"  P(wait)   Erlang C {percent(e.p_wait)}  simulated {percent(e.sim_p_wait)}  "
        f"ratio {times(e.p_wait_ratio)}",
        f"  mean wait Erlang C {seconds(e.mean_wait)}  simulated {seconds(e.sim_mean_wait)}  "
        f"ratio {times(e.wait_ratio)}",
        f"  the whole run as one pool ({math.ceil(e.mean_agents - 1e-9)} counselors on "
        f"{e.mean_load:.2f} Erlangs): P(wait) {percent(e.period_p_wait)}, mean wait "
        f"{seconds(e.period_mean_wait)}; simulated / that: {times(e.period_wait_ratio)}",
        f"  left before an answer (hung up, overflowed, asked for a callback): "
        f"{left} of {r.overall.calls} ({percent(left_share)})",
        "  Erlang C assumes nobody leaves and handle times as variable as an exponential's",
        f"  (cv 1; at cv {e.handle_cv:.2f} an ideal pool waits about "
        f"x{(1 + e.handle_cv**2) / 2:.2f} its mean): read its mean wait as a bound only when few "
        "leave.",
    ]


def _headline_row(h: TierHeadline) -> str:
    r, i = h.rules, h.ideal
    return (
        f"{h.tier:<9} {r.calls:>6} {percent(r.service_level):>7} {percent(i.service_level):>7} "
        f"{times(h.service_level_ratio):>6}  {percent(r.service_level_short_out):>7} "
        f"{percent(i.service_level_short_out):>7}  {percent(r.p_wait):>7} {percent(i.p_wait):>7} "
        f"{times(h.p_wait_ratio):>6}  {seconds(r.asa):>7} {seconds(i.asa):>7}  "
        f"{percent(r.abandoned_share):>6} {percent(i.abandoned_share):>6}"
    )


def render_ideal(report: Report) -> list[str]:
    """The rules beside the pooled ideal on the same calls, then Erlang A and C by hour."""
    everyone = report.headline[-1].rules
    lines = [
        "Against the pooled ideal: the same callers again, every counselor on shift taking any "
        "call at once,",
        f"strict priority then age{IDEAL_YIELDS} (the best this roster could do):",
        f"{'tier':<9} {'calls':>6} {'SL':>7} {'ideal':>7} {'ratio':>6}  {'SL*':>7} {'ideal*':>7}"
        f"  {'P(wait)':>7} {'ideal':>7} {'ratio':>6}  {'ASA':>7} {'ideal':>7}  {'hung':>6} "
        f"{'ideal':>6}",
        *(_headline_row(h) for h in report.headline),
        "SL: answered within the tier's answer_within, of all calls (hang-ups count against); "
        "SL*: hang-ups under 5 s left out.",
        "P(wait): not offered to a counselor the moment they joined. ASA: mean wait of the "
        "answered. hung: patience ran out",
        "(gone, or asked for a callback), of all calls.",
        f"hang-ups {everyone.hung_up}, expected from the waits and the mean patience "
        f"{everyone.expected_hung_up:.1f} ({percent(everyone.abandoned_share)} against "
        f"{percent(everyone.expected_abandoned_share)} of calls)",
        "",
        "Hour by hour (local hour, all days), all pooled: the simulation beside Erlang A "
        "(callers hang up) and Erlang C (nobody does)",
        f"{'hour':>4} {'calls':>6} {'on shift':>8}  {'P(wait)':>7} {'ErlA':>6} {'ErlC':>6}  "
        f"{'hung':>6} {'ErlA':>6}  {'queue':>7} {'ErlA':>7} {'ErlC':>7}",
        *(
            f"{h.hour:>4} {h.calls:>6} {h.agents:>8.1f}  {percent(h.p_wait):>7} "
            f"{percent(h.erlang_a_p_wait):>6} {percent(h.erlang_p_wait):>6}  "
            f"{percent(h.hung_up):>6} {percent(h.erlang_a_p_abandon):>6}  "
            f"{seconds(h.queue_wait):>7} {seconds(h.erlang_a_mean_wait):>7} "
            f"{seconds(h.erlang_mean_wait):>7}"
            for h in report.hours
            if h.calls
        ),
        "queue: wait until the counselor who answered was rung (ringing is handle time in "
        "Erlang A and C), in every hour.",
    ]
    return lines


def summary(report: Report) -> dict[str, Any]:
    """The figures `hotline simulate --json` prints, and only those."""
    everyone = report.headline[-1].rules
    figures: dict[str, Any] = _clean(
        {
            "calls": everyone.calls,
            "language_match": report.language_match,
            "mean_wait_s": everyone.mean_wait,
            "abandoned_share": everyone.abandoned_share,
            "expected_abandoned_share": everyone.expected_abandoned_share,
            "tiers": {
                h.tier: {
                    "calls": h.rules.calls,
                    "service_level": h.rules.service_level,
                    "ideal_service_level": h.ideal.service_level,
                    "p_wait": h.rules.p_wait,
                    "ideal_p_wait": h.ideal.p_wait,
                    "erlang_a_p_wait": h.erlang_a_p_wait,
                    "abandoned_share": h.rules.abandoned_share,
                }
                for h in report.headline
                if h.tier != ALL
            },
        }
    )
    return figures


def to_json(report: Report) -> str:
    return json.dumps(summary(report), indent=2)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value
