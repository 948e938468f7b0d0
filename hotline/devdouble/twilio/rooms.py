"""Rooms: the legs that hear each other, and the conference status callbacks.

A <Dial><Number> or a dequeued call gets a private room that ends when either side
leaves; a <Conference> is a named room that ends when a member with
endConferenceOnExit leaves, or the last one does. A person left alone after a
conversation is released (and, being a person, hangs up unless told to stay).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hotline.devdouble.twilio.legs import Hangup, Leg, Room
from hotline.devdouble.twilio.parties import Line, talk_limit

if TYPE_CHECKING:
    from hotline.devdouble.twilio.core import TwilioSim
    from hotline.devdouble.twilio.runner import Runner

# <Conference statusCallbackEvent> words -> the StatusCallbackEvent Twilio posts
CONFERENCE_EVENTS = {
    "start": "conference-start",
    "end": "conference-end",
    "join": "participant-join",
    "leave": "participant-leave",
}


def join(r: Runner, room: Room, ender: bool = False) -> None:
    leg, sim = r.leg, r.sim
    with sim.cond:
        leg.released = False
        others = list(room.members)
        room.members.append(leg)
        if ender:
            room.enders.append(leg)
        leg.room = room
        for other in others:
            _bridged(other, leg)
            _bridged(leg, other)
        if others and room.bridged_at is None:
            room.bridged_at = time.monotonic()
        if not others and not room.started:
            room.started = True
            conference_event(sim, room, "start", leg)
        conference_event(sim, room, "join", leg)
        sim.cond.notify_all()
    if not others:
        r.enter_hold()


def _bridged(leg: Leg, other: Leg) -> None:
    leg.partners.append(other.party.number)
    leg.log("bridged", number=other.party.number, sid=other.sid)
    leg.phase, leg.patience_at = "talk", None
    if leg.outcome is None:
        leg.outcome = "overflowed" if isinstance(other.party, Line) else "answered"


def leave(r: Runner) -> None:
    leg, sim = r.leg, r.sim
    with sim.cond:
        room = leg.room
        if room is None:
            return
        room.members.remove(leg)
        leg.room = None
        conference_event(sim, room, "leave", leg)
        ended_by_leg = room.private or leg in room.enders
        if ended_by_leg or not room.members:
            reason = (
                "participant-with-end-conference-on-exit-left"
                if ended_by_leg
                else "last-participant-left"
            )
            if not room.ended:
                room.ended = True
                conference_event(sim, room, "end", leg, ReasonConferenceEnded=reason)
        for member in room.members:
            if room.ended or (room.bridged_at is not None and len(room.members) == 1):
                member.released = True  # the conversation is over for them
        if room.ended and sim.rooms.get(room.name) is room:
            del sim.rooms[room.name]
        sim.cond.notify_all()


def in_talk(leg: Leg) -> bool:
    return leg.room is not None and len(leg.room.members) > 1


def stay(r: Runner, done: Callable[[], bool] = lambda: False) -> None:
    """In a room until the conversation is over; a party with a talk limit hangs up then."""
    leg = r.leg
    r.wait(None, until=lambda: leg.released or in_talk(leg) or done())
    if leg.released or done():
        return
    if not r.wait(talk_limit(leg.party), until=lambda: leg.released or done()):
        leg.log("hangup", by="party", after="talk")
        raise Hangup("party")


def conference_event(sim: TwilioSim, room: Room, word: str, leg: Leg, **extra: str) -> None:
    """Post the conference's statusCallback for `word` if its first caller asked for it."""
    if room.status_callback is None or word not in room.status_events:
        return
    params = {
        "AccountSid": sim.account_sid,
        "ConferenceSid": room.sid,
        "FriendlyName": room.name,
        "StatusCallbackEvent": CONFERENCE_EVENTS[word],
        "Timestamp": email.utils.format_datetime(datetime.now(UTC)),
        "SequenceNumber": str(room.sequence),
        "CallSid": leg.sid,
        **extra,
    }
    if word in {"join", "leave"}:
        params["EndConferenceOnExit"] = "true" if leg in room.enders else "false"
    elif word == "end":
        params["CallSidEndingConference"] = params.pop("CallSid")
    room.sequence += 1
    sim.send_status(room.status_callback, room.status_method, params)
