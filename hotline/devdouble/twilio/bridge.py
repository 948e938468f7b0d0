"""<Dial> (numbers, conferences, queues) and <Enqueue>, after Twilio's documented behaviour.

After a conversation the person hangs up (a Caller with stay_after_bridge=True stays):
Twilio still posts the action URL, and ignores what it answers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from hotline.devdouble.twilio.legs import Dequeued, Fetch, Hangup, Left, Room
from hotline.devdouble.twilio.parties import ring, stays_after_bridge
from hotline.devdouble.twilio.rooms import join, leave, stay
from hotline.devdouble.twilio.twiml import Verb

if TYPE_CHECKING:
    from hotline.devdouble.twilio.runner import Runner


@dataclass(frozen=True)
class Outcome:
    status: str  # DialCallStatus: completed, busy, no-answer, failed, canceled
    sid: str | None = None
    duration: int = 0
    bridged: bool = False

    def params(self) -> dict[str, str]:
        params = {"DialCallStatus": self.status}
        if self.sid:
            params["DialCallSid"] = self.sid
        if self.bridged:
            params["DialCallDuration"] = str(self.duration)
        return params


def after(
    r: Runner, verb: Verb, base: str | None, params: dict[str, str], bridged: bool
) -> Fetch | None:
    """Twilio posts the action (or goes on); a person whose conversation ended hangs up."""
    action = r.resolve(verb.attr("action"), base) if verb.attr("action") else None
    fetch = Fetch(action, verb.attr("method", "POST"), extra=params) if action else None
    if not bridged or stays_after_bridge(r.leg.party):
        return fetch
    r.leg.log("hangup", by="party", after="conversation")
    if fetch is not None:  # Twilio still tells the action URL, and ignores what it answers
        r.post(replace(fetch, extra={**params, "CallStatus": "completed"}))
    raise Hangup("party")


# --- <Dial> --------------------------------------------------------------------------------


def dial(r: Runner, verb: Verb, base: str | None) -> Fetch | None:
    timeout = float(verb.attr("timeout", "30") or 30)
    nouns = list(verb.children) or [Verb("Number", {}, verb.text, ())]
    noun = nouns[0]
    r.leg.log("dial", noun=noun.name, target=noun.text, attrs=dict(verb.attrs))
    if noun.name == "Conference":
        outcome = _conference(r, noun)
    elif noun.name == "Queue":
        outcome = _dequeue(r, noun, timeout)
    else:
        outcome = _numbers(r, verb, [n for n in nouns if n.name == "Number"], timeout, base)
    r.leg.log("dial_result", **outcome.params())
    return after(r, verb, base, outcome.params(), outcome.bridged)


def _numbers(r: Runner, verb: Verb, nouns: list[Verb], timeout: float, base: str | None) -> Outcome:
    """Ring every number at once; the first to answer is connected, the rest stop ringing."""
    sim, leg = r.sim, r.leg
    r.enter_hold()
    children = [
        sim.dialled_leg(leg, n.text, verb.attr("callerId") or leg.from_, n.attrs) for n in nouns
    ]
    rings = [ring(child.party, timeout) for child in children]
    answered = [(after, i) for i, (result, after) in enumerate(rings) if result == "answer"]
    first = min(answered) if answered else None
    winner = children[first[1]] if first else None
    try:
        r.wait(first[0] if first else max((a for _, a in rings), default=0.0))
    except BaseException:
        for child in children:
            sim.finish(child, "canceled", status="canceled")
        raise
    for child, (result, _) in zip(children, rings, strict=True):
        if child is not winner:
            status = "canceled" if winner else result
            sim.finish(child, "unanswered", status=status)
    if winner is None:
        statuses = {result for result, _ in rings}
        return Outcome("busy" if statuses == {"busy"} else "no-answer")
    noun = nouns[children.index(winner)]
    room = Room(f"dial:{winner.sid}", private=True)
    join(r, room)
    whisper = None
    if noun.attr("url"):
        whisper = Fetch(r.resolve(noun.attr("url"), base), noun.attr("method", "POST"))
    sim.start_dialled(winner, whisper, room)
    try:
        stay(r, done=lambda: winner.finished and room.bridged_at is None)
    finally:
        leave(r)
        with sim.cond:
            if not winner.finished and winner.room is None:
                winner.hangup = "partner"  # still in the whisper: the caller is gone
                sim.cond.notify_all()
    if room.bridged_at is None:
        return Outcome("no-answer", winner.sid)  # declined (or hung up) during the whisper
    return Outcome("completed", winner.sid, round(leg.sim_seconds(room.bridged_at)), True)


def _conference(r: Runner, noun: Verb) -> Outcome:
    sim, name = r.sim, noun.text
    with sim.cond:
        room = sim.rooms.get(name)
        if room is None or room.ended:
            room = sim.rooms[name] = Room(name)
        if room.status_callback is None and noun.attr("statusCallback"):
            room.status_callback = r.resolve(noun.attr("statusCallback"), r.last_url)
            room.status_method = noun.attr("statusCallbackMethod", "POST")
            room.status_events = tuple(noun.attr("statusCallbackEvent", "start end").split())
    r.leg.log("conference", name=name, attrs=dict(noun.attrs))
    join(r, room, ender=noun.attr("endConferenceOnExit") == "true")
    start = time.monotonic()
    try:
        stay(r)
    finally:
        leave(r)
    bridged = room.bridged_at is not None
    return Outcome("completed", None, round(r.leg.sim_seconds(start)), bridged)


def _dequeue(r: Runner, noun: Verb, timeout: float) -> Outcome:
    """Connect to the caller at the front of the queue (waiting up to timeout for one)."""
    sim, name = r.sim, noun.text
    if not r.wait(timeout, until=lambda: bool(sim.queues.get(name))):
        return Outcome("no-answer")
    with sim.cond:
        member = sim.queues[name].pop(0)
        room = Room(f"queue:{member.sid}", private=True)
        join(r, room)
        member.dequeued_to = room
        sim.cond.notify_all()
    try:
        stay(r, done=lambda: member.finished and room.bridged_at is None)
    finally:
        leave(r)
    bridged = room.bridged_at is not None
    seconds = round(r.leg.sim_seconds(room.bridged_at)) if room.bridged_at else 0
    return Outcome("completed" if bridged else "no-answer", member.sid, seconds, bridged)


# --- <Enqueue> -----------------------------------------------------------------------------


def enqueue(r: Runner, verb: Verb, base: str | None) -> Fetch | None:
    """Wait in a named queue, looping on waitUrl, until dequeued, <Leave>, or hung up."""
    sim, leg, name = r.sim, r.leg, verb.text
    leg.log("enqueue", name=name, attrs=dict(verb.attrs))
    joined = time.monotonic()
    with sim.cond:
        sim.queues.setdefault(name, []).append(leg)
        sim.cond.notify_all()
    r.enter_hold()
    result = "hangup"
    r.in_queue = True
    try:
        try:
            wait_url = verb.attr("waitUrl")
            if wait_url:
                waiting = Fetch(r.resolve(wait_url, base), verb.attr("waitUrlMethod", "POST"))
                _wait_loop(r, waiting, name)
            r.wait(None)
        except Dequeued:
            r.in_queue = False
            with sim.cond:
                room, leg.dequeued_to = leg.dequeued_to, None
            assert room is not None
            join(r, room)
            try:
                stay(r)
            finally:
                leave(r)
            result = "bridged"
        except Left:
            result = "leave"
    finally:
        r.in_queue = False
        with sim.cond:
            if leg in sim.queues.get(name, []):
                sim.queues[name].remove(leg)
    params = {
        "QueueResult": result,
        "QueueSid": sim.queue_sid(name),
        "QueueTime": str(round(leg.sim_seconds(joined))),
    }
    return after(r, verb, base, params, bridged=result == "bridged")


def _wait_loop(r: Runner, fetch: Fetch, name: str) -> None:
    """The waitUrl's document, again and again, with the caller's place in the queue."""
    sim, leg = r.sim, r.leg
    while True:
        with sim.cond:
            queue = sim.queues.get(name, [])
            position = queue.index(leg) + 1 if leg in queue else 0
            extra = {"QueuePosition": str(position), "CurrentQueueSize": str(len(queue))}
        started = time.monotonic()
        loaded = r.load(replace(fetch, extra=extra))
        if loaded is None:
            return  # the wait music failed: wait quietly until dequeued
        nxt = None
        for v in loaded[0]:
            nxt = r.run_verb(v, loaded[1])
            if nxt is not None:
                break
        fetch = nxt or fetch
        if leg.sim_seconds(started) < 1:
            r.wait(1)  # an empty wait document must not become a busy loop
