"""Staffing advice: the fewest counselors on shift, per hour of the week and language, for
every tier to answer a target share of its calls within its answer_within.

Square-root staffing gives the start: each language's calls in each hour are an offered
load R (Erlangs), and N = R + beta sqrt(R) counselors, with beta from the Halfin-Whitt
delay probability for the target (Halfin & Whitt 1981). It knows neither the rules'
relaxation, nor misses, nor the queue's priorities, so the simulation refines it: the
advised counselors (one language each) are simulated under the rules over several weeks,
and one counselor is added where a language's calls missed the target most, round after
round, until every tier reaches the target. The final advice is simulated again on callers
it was not tuned on, and the report says whether it meets the target there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from statistics import NormalDist

from hotline.roster import CounselorEntry, Roster, ShiftEntry
from hotline.routing.policy import SPECIALTY_IDS, Rules
from hotline.whatif.arrivals import hour_of_week
from hotline.whatif.model import HOURS_PER_WEEK, Scenario, default_scenario
from hotline.whatif.report import Report
from hotline.whatif.run import delay
from hotline.whatif.runner import default_start, handle_time, simulate
from hotline.whatif.staff import staff_from

DEFAULT_TARGET = 0.9
TUNE_WEEKS = 3  # weeks simulated per refining round
CHECK_SEED = 1000  # the final check meets callers the refining never saw
MAX_ROUNDS = 20
ADD_PER_ROUND = 12  # hours given one more counselor per round, at most
AMPLE = 4  # counselors added to every hour and language to see what is reachable at all
# Where even ample counselors leave a tier under the target (offers that ring out, callers
# who hang up within seconds), the refining aims this far under what ample staff reached.
REACHED = 0.02
# The refining aims this many standard errors above the target, so that callers it was not
# refined on meet the target too.
MARGIN = 2.0
QUEUED = 1.0  # seconds before a counselor was rung: more is waiting for one
SHIFT_HOURS = 12  # the longest shift the advised roster gives anyone
Grid = dict[str, list[int]]  # language -> counselors for each hour of the week (Monday 00 first)


def halfin_whitt_beta(target: float) -> float:
    """The beta whose Halfin-Whitt delay probability, 1 / (1 + beta Phi(beta) / phi(beta)),
    is 1 - target: the share of callers who may wait at all."""
    wait, normal = max(1e-6, 1.0 - target), NormalDist()
    low, high = 0.0, 10.0
    for _ in range(60):
        beta = (low + high) / 2
        delay = 1.0 / (1.0 + beta * normal.cdf(beta) / max(normal.pdf(beta), 1e-300))
        low, high = (beta, high) if delay > wait else (low, beta)
    return high


def square_root_staffing(load: float, beta: float) -> int:
    """At least one counselor: a language callers use is never left uncovered, at any hour."""
    return max(1, math.ceil(load + beta * math.sqrt(load) - 1e-9))


def start_grid(rules: Rules, scenario: Scenario, target: float) -> Grid:
    handle, _ = handle_time(rules, scenario)
    beta = halfin_whitt_beta(target)
    profile = scenario.profile
    return {
        code: [
            square_root_staffing(rate * share * handle / 3600, beta) if share > 0 else 0
            for rate in profile.rates
        ]
        for code in rules.languages
        for share in (profile.languages.share(code),)
    }


def grid_roster(grid: Grid, timezone: str) -> Roster:
    """One counselor per language and rank: the k-th is on shift wherever k are needed."""
    people: list[CounselorEntry] = []
    for code, need in grid.items():
        for rank in range(1, max(need, default=0) + 1):
            shifts = _blocks([n >= rank for n in need])
            people.append(
                CounselorEntry(
                    name=f"{code}-{rank}",
                    phone=f"+1415555{len(people):04d}",
                    languages=(code,),
                    specialties=tuple(s for s in SPECIALTY_IDS if s != "general"),
                    role="counselor",
                    always_on_call=shifts is None,
                    shifts=tuple(shifts or ()),
                )
            )
    return Roster(timezone, tuple(people))


def _blocks(on: list[bool]) -> list[ShiftEntry] | None:
    """Runs of hours on shift around the week, cut into shifts of at most SHIFT_HOURS (one
    may run past midnight); None when on shift every hour (always on call)."""
    if all(on):
        return None
    first_off = on.index(False)
    out = []
    hour = 0
    while hour < HOURS_PER_WEEK:
        at = (first_off + hour) % HOURS_PER_WEEK
        if not on[at]:
            hour += 1
            continue
        length = 0
        while hour + length < HOURS_PER_WEEK and on[(at + length) % HOURS_PER_WEEK]:
            length += 1
        for piece in range(0, length, SHIFT_HOURS):
            begin = at + piece
            end = begin + min(SHIFT_HOURS, length - piece)
            out.append(ShiftEntry((begin // 24) % 7, (begin % 24) * 60, (end % 24) * 60))
        hour += length
    return out


def roster_grid(roster: Roster, languages: tuple[str, ...], start: dt.datetime) -> Grid:
    """Counselors on shift for the whole of each hour of the week, per language they speak."""
    staff = staff_from(roster, start, HOURS_PER_WEEK * 3600.0)
    grid = {code: [0] * HOURS_PER_WEEK for code in languages}
    for person in staff:
        for h in range(HOURS_PER_WEEK):
            whole = any(on <= h * 3600 and off >= (h + 1) * 3600 for on, off in person.on_shift)
            if whole:
                for code in person.languages:
                    if code in grid:
                        grid[code][h] += 1
    return grid


@dataclass(frozen=True)
class Advice:
    target: float
    reachable: dict[str, float]  # per tier: with counselors to spare, on the refining callers
    start: Grid  # square-root staffing
    advised: Grid
    rounds: int
    tuned: Report  # the advised staffing on the callers it was refined on (last round)
    check: Report  # the advised staffing on as many weeks of callers it never saw
    baseline: Report  # the roster as it is, on the refining callers
    roster: Grid  # the roster's counselors on shift, for comparison

    @property
    def meets_target(self) -> bool:
        return all((h.rules.service_level or 0.0) >= self.target for h in self.check.headline[:-1])

    def short(self, code: str) -> list[int]:
        """Hours of the week where the roster has fewer counselors for `code` than advised."""
        pairs = zip(self.advised[code], self.roster[code], strict=True)
        return [h for h, (need, have) in enumerate(pairs) if have < need]


def advise(
    rules: Rules,
    roster: Roster,
    *,
    target: float = DEFAULT_TARGET,
    scenario: Scenario | None = None,
    seed: int = 1,
    weeks: int = TUNE_WEEKS,
    rounds: int = MAX_ROUNDS,
) -> Advice:
    scenario = scenario or default_scenario(rules)
    start = default_start(roster.timezone)
    grid = start_grid(rules, scenario, target)
    first = {code: list(need) for code, need in grid.items()}
    ample = {code: [n + AMPLE for n in need] for code, need in grid.items()}
    best = _run(rules, ample, roster.timezone, scenario, weeks, seed)
    reachable = {h.tier: h.rules.service_level or 0.0 for h in best.headline[:-1]}
    calls = {h.tier: h.rules.calls for h in best.headline[:-1]}
    aims = {
        tier: min(target + MARGIN * math.sqrt(target * (1 - target) / max(calls[tier], 1)),
                  best - REACHED)
        for tier, best in reachable.items()
    }  # fmt: skip
    done = 0
    while True:
        report = _run(rules, grid, roster.timezone, scenario, weeks, seed)
        missing = _missed(report, rules, aims, start, roster.timezone)
        if not missing or done >= rounds:
            break
        for (code, hour), _ in missing.most_common(ADD_PER_ROUND):
            grid[code][hour] += 1
        done += 1
    check = _run(rules, grid, roster.timezone, scenario, weeks, CHECK_SEED + seed)
    have = roster_grid(roster, tuple(rules.languages), start)
    baseline = simulate(rules, roster, days=7 * weeks, seed=seed, scenario=scenario, ideal=False)
    return Advice(target, reachable, first, grid, done, report, check, baseline, have)


def _run(
    rules: Rules, grid: Grid, timezone: str, scenario: Scenario, weeks: int, seed: int
) -> Report:
    return simulate(rules, grid_roster(grid, timezone), days=7 * weeks, seed=seed,
                    scenario=scenario, ideal=False)  # fmt: skip


def _missed(
    report: Report, rules: Rules, aims: dict[str, float], start: dt.datetime, timezone: str
) -> Counter[tuple[str, int]]:
    """For every tier under its aim: its calls that waited for a counselor and were answered
    late or never, by (language, hour of the week). Empty when every tier reaches its aim.
    A call offered at once but rung out, or a caller gone within seconds, is not counted:
    one more counselor would not have changed it."""
    short = {h.tier for h in report.headline[:-1] if (h.rules.service_level or 0.0) < aims[h.tier]}
    late: Counter[tuple[str, int]] = Counter()
    for o in report.outcomes:
        caller = o.caller
        if caller.tier not in short:
            continue
        within = rules.tier_for(caller.tier).answer_within
        if o.result == "answered" and o.left_at is not None and o.left_at - caller.at <= within:
            continue
        if delay(o) <= QUEUED:
            continue
        moment = start + dt.timedelta(seconds=caller.at)
        late[(caller.language, hour_of_week(moment, timezone))] += 1
    return late


def with_language(roster: Roster, name: str, code: str) -> Roster:
    """The roster with `code` added to one counselor's languages."""
    people = tuple(
        dataclasses.replace(c, languages=(*c.languages, code)) if c.name == name else c
        for c in roster.counselors
    )
    return dataclasses.replace(roster, counselors=people)
