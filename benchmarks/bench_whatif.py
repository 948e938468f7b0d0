"""The what-if's promises, as printed figures: shipped rules, demo roster, default profile.

1. Seven days, seeds 1 to 5: every tier's service level beside the pooled ideal's on the
   same calls (per seed, and over the five seeds); conversations in the caller's language;
   the hang-ups summed over the seeds beside those expected from the waits.
2. The staffing `hotline simulate --staffing` advises, simulated on seeds 1 to 5: every
   tier against the target, and imminent within 20 s against 95 %.

Run: .venv/bin/python benchmarks/bench_whatif.py [--rules R] [--roster S] [--target T]
[--seeds N] (prints the figures; not a test). The promises are stated on seeds 1 to 5;
--seeds 20 shows how much of a figure is the seeds' luck.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

from hotline.roster import Roster, parse_roster
from hotline.routing.policy import Rules
from hotline.routing.rules import parse_rules
from hotline.whatif import simulate
from hotline.whatif.losses import CAUSES, losses
from hotline.whatif.staffing import advise, grid_roster

ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(1, 6)


def load(rules_path: Path, roster_path: Path) -> tuple[Rules, Roster]:
    rules = parse_rules(rules_path.read_text(encoding="utf-8"), str(rules_path))
    roster = parse_roster(
        roster_path.read_text(encoding="utf-8"),
        str(roster_path),
        languages=rules.languages.keys(),
        specialties=rules.specialties.keys(),
    )
    return rules, roster


def against_the_ideal(rules: Rules, roster: Roster) -> None:
    print(f"1. Shipped rules and roster against the pooled ideal, 7 days, seeds 1-{SEEDS[-1]}")
    print(f"{'seed':>4}  " + "  ".join(f"{t:>24}" for t in (*rules.tier_order, "all"))
          + f"  {'language':>8}  {'hung up':>7} {'expected':>8}")  # fmt: skip
    answered: dict[str, float] = defaultdict(float)
    ideal: dict[str, float] = defaultdict(float)
    matched = conversations = 0.0
    hung = expected = 0.0
    for seed in SEEDS:
        r = simulate(rules, roster, days=7, seed=seed)
        cells = []
        for h in r.headline:
            sl, best = h.rules.service_level or 0.0, h.ideal.service_level or 0.0
            answered[h.tier] += sl * h.rules.calls
            ideal[h.tier] += best * h.rules.calls
            cells.append(f"{sl:6.1%} / {best:6.1%} = x{h.service_level_ratio or 0:.3f}")
        served = sum(c.conversations for c in r.counselors)
        matched += (r.language_match or 0.0) * served
        conversations += served
        everyone = r.headline[-1].rules
        hung += everyone.hung_up
        expected += everyone.expected_hung_up
        print(f"{seed:>4}  " + "  ".join(f"{c:>24}" for c in cells)
              + f"  {r.language_match or 0:8.1%}  {everyone.hung_up:>7} "
              f"{everyone.expected_hung_up:>8.1f}")  # fmt: skip
    pooled = [f"x{answered[t] / ideal[t]:.3f}" if ideal[t] else "-" for t in answered]
    print(f"{f'1-{SEEDS[-1]}':>4}  " + "  ".join(f"{c:>24}" for c in pooled)
          + f"  {matched / conversations:8.1%}  {hung:>7.0f} {expected:>8.1f}")  # fmt: skip
    print("cells: service level (answered within the tier's answer_within, of all calls) of the "
          "rules / of the pooled ideal = ratio")  # fmt: skip
    worst = min(answered[t] / ideal[t] for t in answered if ideal[t])
    print(f"every tier over seeds 1-{SEEDS[-1]} at x{worst:.3f} of the ideal or better "
          "(promise: x0.97); "
          f"in the caller's language {matched / conversations:.1%} (promise: 95%); "
          f"hang-ups {hung:.0f} against {expected:.1f} expected, {hung / expected - 1:+.1%} "
          "(promise: within 12%)")  # fmt: skip


def advised_staffing(rules: Rules, roster: Roster, target: float) -> None:
    print(
        f"\n2. The staffing --staffing advises for {target:.0%}, simulated, 7 days, "
        f"seeds 1-{SEEDS[-1]}"
    )
    began = time.perf_counter()
    advice = advise(rules, roster, target=target)
    took = time.perf_counter() - began
    staffed = grid_roster(advice.advised, roster.timezone)
    hours = {code: sum(need) for code, need in advice.advised.items()}
    print(f"advice in {took:.1f} s after {advice.rounds} round(s); counselor-hours a week "
          + ", ".join(f"{c} {n}" for c, n in hours.items())
          + "; the roster: "
          + ", ".join(f"{c} {sum(n)}" for c, n in advice.roster.items()))  # fmt: skip
    rows, short_out = [], []
    first = rules.tier_order[0]
    within = rules.tier_for(first).answer_within
    lost: Counter[str] = Counter()
    calls = 0
    for seed in SEEDS:
        r = simulate(rules, staffed, days=7, seed=seed, ideal=False)
        rows.append({h.tier: h.rules.service_level or 0.0 for h in r.headline[:-1]})
        short_out.append(r.headline[0].rules.service_level_short_out or 0.0)
        lost += losses(r.outcomes, first, within)
        calls += r.headline[0].rules.calls
        print(f"{seed:>4}  " + "  ".join(f"{t} {sl:6.1%}" for t, sl in rows[-1].items())
              + f"  ({first}, hang-ups under 5 s left out: {short_out[-1]:6.1%})")  # fmt: skip
    mean = {t: sum(row[t] for row in rows) / len(rows) for t in rows[0]}
    print("mean  " + "  ".join(f"{t} {sl:6.1%}" for t, sl in mean.items())
          + f"  ({first}, hang-ups under 5 s left out: "
          f"{sum(short_out) / len(short_out):6.1%})")  # fmt: skip
    print(f"{first} callers not answered within {within} s, seeds 1-{SEEDS[-1]}, by cause "
          f"(of {calls} calls):")  # fmt: skip
    for why in CAUSES:
        print(f"  {why:<40} {lost[why]:>4}  {lost[why] / max(calls, 1):6.1%}")
    print(f"every tier at or above {target:.0%}: "
          f"{'yes' if all(v >= target for v in mean.values()) else 'no'}; {first} within "
          f"{rules.tier_for(first).answer_within} s {mean[first]:.1%} (promise: 95%); with "
          f"counselors to spare {first} reaches {advice.reachable[first]:.1%}")  # fmt: skip
    print("service level: answered within answer_within, of all calls (hang-ups count "
          "against); in brackets the same with hang-ups under 5 s left out")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rules", type=Path, default=ROOT / "routing_rules.yaml")
    parser.add_argument("--roster", type=Path, default=ROOT / "demo" / "roster.yaml")
    parser.add_argument("--target", type=float, default=0.9)
    parser.add_argument("--seeds", type=int, default=5, help="seeds 1 to N (default 5)")
    args = parser.parse_args()
    global SEEDS
    SEEDS = range(1, args.seeds + 1)
    rules, roster = load(args.rules, args.roster)
    against_the_ideal(rules, roster)
    advised_staffing(rules, roster, args.target)


if __name__ == "__main__":
    main()
