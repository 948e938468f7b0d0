"""The discrete-event loop: callers, counselors and the real matcher on a virtual clock.

At every moment something happens (a call arrives, a counselor comes free or on shift, a
relaxation step or max_wait falls due) the matcher (`routing.match.plan`, what dispatch
runs in the live service) decides the offers and the overflows. Everything else plays
the rules' offer section and the scenario's callers and counselors around it.
"""

from __future__ import annotations

import datetime as dt
import enum
import heapq
import math
import random
from dataclasses import dataclass, field

from hotline.routing.match import plan
from hotline.routing.policy import Rules
from hotline.routing.snapshot import Counselor, CounselorState, WaitingCall
from hotline.routing.windows import closes_within, next_open
from hotline.whatif.arrivals import Caller
from hotline.whatif.model import Scenario
from hotline.whatif.staff import Staff

RING_CALLER_FOR = 30.0  # seconds a callback rings the caller (as hotline/callbacks does)
DRAIN = 24 * 3600.0  # after the last arrival, how long calls in progress may finish
BUSY = frozenset({CounselorState.RINGING, CounselorState.ON_CALL, CounselorState.WRAP_UP})
WORKING = BUSY | {CounselorState.AVAILABLE, CounselorState.AWAY}


class Kind(enum.IntEnum):
    SHIFT_ON = 0
    SHIFT_OFF = 1
    ARRIVE = 2
    ANSWER = 3
    MISS = 4
    TALK_END = 5
    FREE = 6
    BACK = 7
    HANG_UP = 8
    CALLBACK_DUE = 9
    DUE = 10


@dataclass
class Desk:
    """One counselor during the simulation, with the time they spent in each state."""

    staff: Staff
    state: CounselorState = CounselorState.OFF_SHIFT
    idle_since: float = 0.0
    working: bool = False
    misses: int = 0
    token: int = 0  # the offer in progress; a stale event carries an older token
    call_id: str | None = None
    offered: WaitingCall | None = None
    wrap_up_until: float | None = None  # in WRAP_UP: when it ends
    wrap_up_left: float = 0.0  # a wrap-up paused for a caller in danger: done after that call
    since: float = 0.0
    seconds: dict[CounselorState, float] = field(default_factory=dict)

    def move(self, state: CounselorState, now: float, horizon: float) -> None:
        spent = max(0.0, min(now, horizon) - min(self.since, horizon))
        self.seconds[self.state] = self.seconds.get(self.state, 0.0) + spent
        self.state, self.since = state, now
        if state is CounselorState.AVAILABLE:
            self.idle_since = now

    def snapshot(self) -> Counselor:
        s = self.staff
        until = self.wrap_up_until if self.state is CounselorState.WRAP_UP else None
        return Counselor(
            s.counselor_id, s.languages, s.specialties, self.state, self.idle_since, until
        )


@dataclass
class Outcome:
    """What became of one caller (and of the callback they asked for, if any)."""

    caller: Caller
    result: str = "waiting"  # answered | abandoned | overflowed | callback (or still waiting)
    left_at: float | None = None  # connected, hung up, overflowed, asked callback; or the end
    offered_at: float | None = None  # when the offer that connected them was made
    counselor: str | None = None
    callback: str | None = None  # reached | failed | pending
    callback_attempts: int = 0
    callback_reached_at: float | None = None
    rings: int = 0  # offers made to counselors while the caller was on the line


class Simulation:
    def __init__(
        self,
        rules: Rules,
        scenario: Scenario,
        staff: tuple[Staff, ...],
        callers: list[Caller],
        *,
        start: dt.datetime,
        timezone: str,
        horizon: float,
        seed: int,
    ) -> None:
        self.rules, self.scenario, self.start, self.zones = rules, scenario, start, (timezone,)
        self.horizon = horizon
        self.seed = seed
        self.rung: dict[tuple[str, str], int] = {}  # (call, counselor) -> times rung
        self.desks = {s.counselor_id: Desk(s) for s in staff}
        self.outcomes = {c.call_id: Outcome(c) for c in callers}
        self.waiting: dict[str, WaitingCall] = {}
        self.events: list[tuple[float, int, Kind, str, int]] = []
        self.seq = 0
        self.due: set[float] = set()
        self.offers = 0
        for desk in self.desks.values():
            for on, off in desk.staff.on_shift:
                self.push(on, Kind.SHIFT_ON, desk.staff.counselor_id)
                self.push(off, Kind.SHIFT_OFF, desk.staff.counselor_id)
        for caller in callers:
            self.push(caller.at, Kind.ARRIVE, caller.call_id)

    def push(self, at: float, kind: Kind, ref: str, token: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.events, (at, self.seq, kind, ref, token))

    def run(self) -> None:
        end = self.horizon + DRAIN
        while self.events and self.events[0][0] <= end:
            now = self.events[0][0]
            while self.events and self.events[0][0] == now:
                _, _, kind, ref, token = heapq.heappop(self.events)
                self.handle(now, kind, ref, token)
            self.dispatch(now)
        for desk in self.desks.values():
            desk.move(desk.state, self.horizon, self.horizon)
        for outcome in self.outcomes.values():
            if outcome.callback == "waiting":
                outcome.callback = "pending"
            if outcome.result == "waiting":  # still on hold: only with max_wait past the end
                outcome.left_at = end

    def handle(self, now: float, kind: Kind, ref: str, token: int) -> None:
        if kind is Kind.DUE:
            self.due.discard(now)
        elif kind is Kind.ARRIVE:
            self.arrive(now, self.outcomes[ref].caller)
        elif kind is Kind.HANG_UP:
            self.hang_up(now, self.outcomes[ref])
        elif kind is Kind.CALLBACK_DUE:
            self.requeue_callback(now, self.outcomes[ref])
        else:
            self.counselor_event(now, kind, self.desks[ref], token)

    def counselor_event(self, now: float, kind: Kind, desk: Desk, token: int) -> None:
        if kind is Kind.SHIFT_ON:
            desk.working = True
            if desk.state is CounselorState.OFF_SHIFT:
                desk.misses = 0
                desk.move(CounselorState.AVAILABLE, now, self.horizon)
        elif kind is Kind.SHIFT_OFF:
            desk.working = False
            if desk.state in (CounselorState.AVAILABLE, CounselorState.AWAY):
                desk.move(CounselorState.OFF_SHIFT, now, self.horizon)
        elif token != desk.token:
            return  # the offer this event was for was cancelled (the caller hung up)
        elif kind is Kind.ANSWER:
            self.answer(now, desk)
        elif kind is Kind.MISS:
            self.miss(now, desk)
        elif kind is Kind.TALK_END:
            self.wrap_up(now, desk, self.rules.offer.wrap_up + desk.wrap_up_left)
        elif kind is Kind.FREE:
            self.free(now, desk)
        elif kind is Kind.BACK and desk.state is CounselorState.AWAY:
            desk.misses = 0
            self.free(now, desk)

    def wrap_up(self, now: float, desk: Desk, seconds: float) -> None:
        """Wrap-up (with any paused one's time left added), then free."""
        desk.wrap_up_left, desk.wrap_up_until = 0.0, now + seconds
        desk.move(CounselorState.WRAP_UP, now, self.horizon)
        self.push(now + seconds, Kind.FREE, desk.staff.counselor_id, desk.token)

    def release(self, now: float, desk: Desk) -> None:
        """An offer ended unanswered: back to the wrap-up it paused, if any, else free."""
        if desk.wrap_up_left <= 0:
            self.free(now, desk)
            return
        desk.call_id, desk.offered = None, None
        desk.token += 1
        self.wrap_up(now, desk, desk.wrap_up_left)

    def free(self, now: float, desk: Desk) -> None:
        desk.call_id, desk.offered = None, None
        desk.wrap_up_left, desk.wrap_up_until = 0.0, None
        desk.token += 1
        state = CounselorState.AVAILABLE if desk.working else CounselorState.OFF_SHIFT
        desk.move(state, now, self.horizon)

    def arrive(self, now: float, caller: Caller) -> None:
        self.waiting[caller.call_id] = WaitingCall(
            caller.call_id, caller.tier, now, caller.language, caller.topic
        )
        if not math.isinf(caller.patience):
            self.push(now + caller.patience, Kind.HANG_UP, caller.call_id)

    def hang_up(self, now: float, outcome: Outcome) -> None:
        """The caller's patience ran out: a callback if offered and wanted, else gone."""
        if outcome.result != "waiting":
            return
        caller = outcome.caller
        ringing = self.ringing(caller.call_id)
        for desk in ringing:  # hung up while counselors were being rung: the rings stop
            self.release(now, desk)
        if not ringing and self.callback_offered(now, caller):
            outcome.result, outcome.left_at, outcome.callback = "callback", now, "waiting"
            self.waiting[caller.call_id] = WaitingCall(
                caller.call_id, caller.tier, caller.at, caller.language, caller.topic,
                callback=True,
            )  # fmt: skip
            return
        self.waiting.pop(caller.call_id, None)
        outcome.result, outcome.left_at = "abandoned", now

    def ringing(self, call_id: str, but: Desk | None = None) -> list[Desk]:
        """The desks being rung for a call (several when its tier rings them at once)."""
        return [
            d
            for d in self.desks.values()
            if d.call_id == call_id and d is not but and d.state is CounselorState.RINGING
        ]

    def callback_offered(self, now: float, caller: Caller) -> bool:
        """As the hold loop does: after callback_offer_after, with the window open an hour
        more where the caller is (taken here as the roster's time zone)."""
        if caller.tier not in self.rules.callbacks.offer_to:
            return False  # a caller in danger is kept on the line
        if now - caller.at < self.rules.overflow.callback_offer_after:
            return False
        if caller.luck[0] >= self.scenario.callers.callback_take_up:
            return False
        return not closes_within(self.moment(now), 3600, self.zones, self.rules.callbacks)

    def moment(self, now: float) -> dt.datetime:
        return self.start + dt.timedelta(seconds=now)

    def dispatch(self, now: float) -> None:
        if not self.waiting:
            return
        decided = plan(
            now, self.waiting.values(), [d.snapshot() for d in self.desks.values()], self.rules
        )
        for call_id in decided.overflows:
            del self.waiting[call_id]
            outcome = self.outcomes[call_id]
            outcome.result, outcome.left_at = "overflowed", now
        ringing: dict[str, WaitingCall] = {}
        for offer in decided.offers:  # leads first, then their companions (as plan gives)
            if offer.companion:
                self.offer(now, ringing[offer.call_id], self.desks[offer.counselor_id], True)
            else:
                ringing[offer.call_id] = self.waiting.pop(offer.call_id)
                self.offer(now, ringing[offer.call_id], self.desks[offer.counselor_id])
        if decided.next_due is not None:
            at = max(decided.next_due, now + 1e-3)
            if at not in self.due:
                self.due.add(at)
                self.push(at, Kind.DUE, "")

    def offer(self, now: float, call: WaitingCall, desk: Desk, companion: bool = False) -> None:
        """Ring the counselor for the call's tier's ring timeout: they accept after a few
        seconds, or miss at the timeout (as does one who would have picked up later).

        A counselor in wrap-up (the rules let this call's tier interrupt it) keeps what was
        left of it for after this call, as the live service does."""
        self.offers += 1
        if desk.state is CounselorState.WRAP_UP and desk.wrap_up_until is not None:
            desk.wrap_up_left = max(0.0, desk.wrap_up_until - now)
        desk.token += 1
        desk.call_id, desk.offered = call.call_id, call
        desk.move(CounselorState.RINGING, now, self.horizon)
        model, ring = self.scenario.counselors, self.rules.ring_timeout_for(call.tier)
        name = desk.staff.counselor_id
        luck = self.ring_luck(call.call_id, name)
        answers = luck.random() < model.answer_rate
        after = luck.uniform(*model.answer_after)
        if answers and after - model.whisper_and_key < ring:
            self.push(now + after, Kind.ANSWER, name, desk.token)
        else:
            self.push(now + ring, Kind.MISS, name, desk.token)
        outcome = self.outcomes[call.call_id]
        if not companion:
            outcome.offered_at = now
        if not call.callback and not companion:
            outcome.rings += 1

    def ring_luck(self, call_id: str, counselor_id: str) -> random.Random:
        """Whether and when a counselor answers the n-th ring for a call: drawn from the
        seed, the call, the counselor and n alone (common random numbers), so the rules
        and the pooled ideal, or two rules, meet the same answers for the same rings, and
        one more ring somewhere does not reshuffle every other ring's luck."""
        n = self.rung.get((call_id, counselor_id), 0) + 1
        self.rung[(call_id, counselor_id)] = n
        return random.Random(f"ring:{self.seed}:{call_id}:{counselor_id}:{n}")

    def answer(self, now: float, desk: Desk) -> None:
        call = desk.offered
        assert call is not None
        outcome, name = self.outcomes[call.call_id], desk.staff.counselor_id
        for other in self.ringing(call.call_id, but=desk):  # rung at once: they stop,
            idle = other.idle_since  # keeping their turn, as the live accept does
            self.release(now, other)
            if other.state is CounselorState.AVAILABLE:
                other.idle_since = idle
        desk.misses = 0
        desk.move(CounselorState.ON_CALL, now, self.horizon)
        if not call.callback:
            outcome.result, outcome.left_at, outcome.counselor = "answered", now, name
            self.push(now + outcome.caller.talk, Kind.TALK_END, name, desk.token)
            return
        outcome.callback_attempts += 1
        attempt = outcome.callback_attempts
        luck = outcome.caller.luck[min(attempt, len(outcome.caller.luck) - 1)]
        if luck < self.scenario.callers.callback_reached:
            outcome.callback, outcome.callback_reached_at, outcome.counselor = "reached", now, name
            self.push(now + outcome.caller.talk, Kind.TALK_END, name, desk.token)
            return
        self.push(now + RING_CALLER_FOR, Kind.FREE, name, desk.token)  # no answer
        policy = self.rules.callbacks
        if attempt >= policy.max_attempts:
            outcome.callback = "failed"
            return
        later = self.moment(now + RING_CALLER_FOR + policy.delay_after(attempt))
        retry = next_open(later, self.zones, policy)
        self.push((retry - self.start).total_seconds(), Kind.CALLBACK_DUE, call.call_id)

    def miss(self, now: float, desk: Desk) -> None:
        """No answer: the call keeps its place; too many misses in a row set them away."""
        call = desk.offered
        assert call is not None
        desk.misses += 1
        still = self.ringing(call.call_id, but=desk)  # a companion still rings for them
        if self.outcomes[call.call_id].result in ("waiting", "callback") and not still:
            self.waiting[call.call_id] = call
        if desk.misses >= self.rules.offer.max_no_answer:
            desk.call_id, desk.offered = None, None
            desk.token += 1
            desk.move(CounselorState.AWAY, now, self.horizon)
            self.push(now + self.scenario.counselors.away_for, Kind.BACK, desk.staff.counselor_id,
                      desk.token)  # fmt: skip
        else:
            self.release(now, desk)

    def requeue_callback(self, now: float, outcome: Outcome) -> None:
        c = outcome.caller
        self.waiting[c.call_id] = WaitingCall(
            c.call_id, c.tier, c.at, c.language, c.topic, callback=True
        )
