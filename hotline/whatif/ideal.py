"""The pooled ideal: the best this roster could do with the same callers, whatever the rules.

Every counselor on shift may take any call from the moment it joins the queue (no language,
specialty or preferred counselor to wait for, so no relaxation delay), calls are served in
strict priority then age (the matcher's order), and a counselor's wrap-up yields to a caller
in danger (the most urgent tier, and any other the rules name). What stays: the callers,
the counselors' answering, the tiers' max_wait, the offer and callback settings. Any rules
on this roster do no better, so the ratio of the rules' figures to the ideal's says how
much the rules, not the staff, cost.
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from hotline.routing.policy import RelaxStep, Rules

IDEAL_YIELDS = ", wrap-up yielding to the most urgent tier"  # as the report says it
ANYONE_AT_ONCE = (RelaxStep(after=0, require=frozenset()),)


def pooled_ideal(rules: Rules) -> Rules:
    tiers = {
        name: dataclasses.replace(tier, relax=ANYONE_AT_ONCE) for name, tier in rules.tiers.items()
    }
    return dataclasses.replace(
        rules,
        version=f"{rules.version}-pooled-ideal",
        tiers=MappingProxyType(tiers),
        counselor_choice=dataclasses.replace(rules.counselor_choice, prefer_counselor_for=0),
        offer=dataclasses.replace(
            rules.offer, wrap_up_yields_to=rules.offer.wrap_up_yields_to | {rules.tier_order[0]}
        ),
    )
