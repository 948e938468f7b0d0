"""Why callers of a tier were not answered within its answer_within: where the time went.

A supervisor reading "imminent 92.7 % within 20 s" needs to know whether more counselors
would help. Only the late answers that waited for a free counselor, and the hang-ups before
any counselor was rung, are staffing's to fix; a caller who hangs up once a counselor's
phone has rung, or is answered only after a ring went unanswered, is lost in the ringing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from hotline.whatif.engine import Outcome
from hotline.whatif.run import HUNG_UP, waited

# The causes, in the order a report lists them.
NO_COUNSELOR = "waited for a free counselor"
HUNG_UP_WAITING = "hung up before any counselor was rung"
HUNG_UP_RINGING = "hung up after a counselor was rung"
RING_UNANSWERED = "answered after a ring went unanswered"
OVERFLOWED = "dialled through to the backup line"
CAUSES = (NO_COUNSELOR, HUNG_UP_WAITING, HUNG_UP_RINGING, RING_UNANSWERED, OVERFLOWED)


def cause(o: Outcome, within: float) -> str | None:
    """None for a caller answered within `within` seconds (or still waiting at the end)."""
    if o.result == "answered":
        if waited(o) <= within:
            return None
        return RING_UNANSWERED if o.rings > 1 else NO_COUNSELOR
    if o.result in HUNG_UP:
        return HUNG_UP_RINGING if o.rings > 0 else HUNG_UP_WAITING
    if o.result == "overflowed":
        return OVERFLOWED
    return None


def losses(outcomes: Iterable[Outcome], tier: str, within: float) -> Counter[str]:
    """The tier's callers not answered in time, counted by cause."""
    found: Counter[str] = Counter()
    for o in outcomes:
        if o.caller.tier == tier and (why := cause(o, within)) is not None:
            found[why] += 1
    return found
