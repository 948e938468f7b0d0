"""Dispatch: match waiting callers to free counselors, claim atomically, ring, bridge.

Runs on every event that can change a match (a call queued, a counselor free, an
offer declined) and on a short periodic tick for relaxation steps. Any number of
dispatchers may run at once: the claim in Redis is what makes an offer real, so a
counselor is never rung for two calls, and a call rings two counselors or more only
when its tier rings them at once (`ring_at_once`: companion offers), in which case the
first to accept takes it and the other phones stop.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError

from hotline.live.calls import CallStore, LiveCall, now
from hotline.live.offers import LiveOffer, Offers
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.live.wrapup import WrapUps
from hotline.platform.counters import count
from hotline.queue.whisper import WaitingFacts, whisper, whisper_language
from hotline.records.calls import calls_since, last_counselor
from hotline.routing.match import plan
from hotline.routing.snapshot import CounselorState, WaitingCall
from hotline.runtime import Runtime
from hotline.staffing.roster import counselor_languages, counselor_phone
from hotline.telephony.client import TelephonyError

log = logging.getLogger(__name__)
CLAIM_GRACE = 15  # seconds an offer outlives the ring timeout, for the whisper and the key


@dataclass
class DispatchReport:
    offered: list[tuple[str, str]] = field(default_factory=list)
    overflowed: list[str] = field(default_factory=list)
    refused: int = 0
    next_due: float | None = None


def enqueue_call(runtime: Runtime, call: LiveCall) -> None:
    """The call joins the live queue of its tier (idempotent: a redelivery changes nothing)."""
    assert call.tier and call.language and call.topic and call.queued_at
    runtime.queue.enqueue(
        WaitingCall(
            call_id=call.call_id,
            tier=call.tier,
            entered_at=call.queued_at,
            language=call.language,
            topic=call.topic,
            preferred_counselor=preferred_counselor(runtime, call),
            rules_version=call.rules_version,
        )
    )
    count(runtime.redis, "calls_queued")


def preferred_counselor(runtime: Runtime, call: LiveCall) -> str | None:
    """A frequent caller is offered first to the counselor who last answered them, when the
    rules say so (for `prefer_counselor_for` seconds, if that counselor is on call).

    The records only add the preference: if the database is down, the call queues as any.
    """
    policy = runtime.rules.frequent_callers
    if call.caller_key is None or "prefer_last_counselor" not in policy.actions:
        return None
    since = dt.datetime.fromtimestamp(now() - 7 * 24 * 3600, dt.UTC)
    try:
        if calls_since(runtime.sessions, call.caller_key, since) + 1 < policy.threshold:
            return None
        last = last_counselor(runtime.sessions, call.caller_key, since)
    except SQLAlchemyError:
        log.warning("no counselor preference: records unavailable", extra={"call_id": call.call_id})
        return None
    return str(last) if last is not None else None


def dispatch(runtime: Runtime, *, at: float | None = None) -> DispatchReport:
    moment = now() if at is None else at
    redis = runtime.redis
    presence, offers, queue = Presence(redis), Offers(redis), LiveQueue(redis)
    wrapups = WrapUps(redis)
    for counselor_id in wrapups.due(moment):
        presence.set_state(counselor_id, CounselorState.AVAILABLE, moment)
        wrapups.clear(counselor_id)
    # Each waiting call relaxes and overflows by the rules it entered with.
    waiting = {call.call_id: call for call in queue.waiting()}
    decided = plan(
        moment, waiting.values(), presence.all(), runtime.rules, rules_for=runtime.rules_for
    )
    report = DispatchReport(next_due=decided.next_due)
    store = CallStore(redis)
    for offer in decided.offers:
        call = waiting[offer.call_id]
        # The phone rings as long as the call's tier says (by the rules it entered with).
        ring_for = runtime.rules_for(call.rules_version).ring_timeout_for(call.tier)
        pause_for = paused_call = ""
        if offer.from_wrap_up:  # wrap-up yields to danger: the claim checks it again
            pause_for = call.tier
            paused_call = store.current_of(offer.counselor_id) or ""
        claimed = offers.claim(
            offer.call_id,
            offer.counselor_id,
            now=moment,
            ttl=ring_for + CLAIM_GRACE,
            pause_for=pause_for,
            paused_call=paused_call,
            companion=offer.companion,
        )
        if claimed is None:  # someone else got there first: fine, the next pass re-plans
            report.refused += 1
            continue
        if offer.from_wrap_up:
            log.info(
                "wrap-up paused for a caller who cannot wait",
                extra={"call_id": offer.call_id, "counselor": offer.counselor_id},
            )
        if ring(runtime, claimed, ring_for, companion=offer.companion):
            report.offered.append((offer.call_id, offer.counselor_id))
    for call_id in decided.overflows:
        if overflow(runtime, call_id):
            report.overflowed.append(call_id)
    return report


def ring(runtime: Runtime, offer: LiveOffer, ring_for: int, *, companion: bool = False) -> bool:
    """Ring the counselor's phone for a claimed offer for `ring_for` seconds; on failure,
    release it as a miss. The live call names the lead offer's counselor and leg; every
    offer keeps its own leg, so that the phones still ringing can be stopped."""
    phone = phone_of(runtime, offer.counselor_id)
    try:
        if phone is None:
            raise TelephonyError("no phone on the roster")
        leg = runtime.telephony.call(
            to=phone,
            url=runtime.public("/voice/offer", offer=offer.offer_id),
            status_callback=runtime.public(
                "/voice/offer/status",
                offer=offer.offer_id,
                counselor=offer.counselor_id,
                call=offer.call_id,
            ),
            timeout=ring_for,
        )
    except TelephonyError as exc:
        log.warning(
            "could not ring counselor",
            extra={"call_id": offer.call_id, "counselor": offer.counselor_id, "error": str(exc)},
        )
        missed(runtime, offer)
        return False
    if not runtime.offers.set_leg(offer.offer_id, leg):
        # Accepted elsewhere or released while Twilio placed the call: stop this ring.
        with contextlib.suppress(TelephonyError):
            runtime.telephony.hang_up(leg)
        return False
    store = runtime.calls
    call = store.get(offer.call_id)
    if call is not None and not (companion and call.stage == "offered"):
        call.stage, call.counselor_id, call.counselor_leg = "offered", offer.counselor_id, leg
        store.save(call)
    count(runtime.redis, "offers")
    log.info(
        "offer made",
        extra={"call_id": offer.call_id, "counselor": offer.counselor_id, "companion": companion},
    )
    return True


def phone_of(runtime: Runtime, counselor_id: str) -> str | None:
    """From the live copy of the roster; the database only when that copy lacks it."""
    phone = runtime.phones.get(counselor_id)
    if phone is not None:
        return phone
    try:
        return counselor_phone(runtime.sessions, counselor_id)
    except SQLAlchemyError:
        return None


def missed(runtime: Runtime, offer: LiveOffer) -> None:
    """Declined, not answered or failed: the caller keeps their place; the miss is counted.

    Release and count are one atomic step, so a no-answer reported twice counts once.
    """
    result = runtime.offers.miss(
        offer.offer_id, now=now(), max_no_answer=runtime.rules.offer.max_no_answer
    )
    if result is None:
        return  # already released or accepted elsewhere
    count(runtime.redis, "offers_missed")
    back_in_line(runtime, offer.call_id)
    if result.went_away:
        log.warning(
            "counselor set away after missed offers", extra={"counselor": offer.counselor_id}
        )
    log.info("offer missed", extra={"call_id": offer.call_id, "counselor": offer.counselor_id})


def stop_ringing(runtime: Runtime, offer: LiveOffer) -> None:
    """Hang up a counselor's phone still ringing for an offer that is no longer live."""
    leg = offer.leg
    if leg is None:  # rung before its leg was noted: the live call's is the lead's
        call = runtime.calls.get(offer.call_id)
        if call is not None and call.stage == "offered" and call.counselor_id == offer.counselor_id:
            leg = call.counselor_leg
    if leg:
        with contextlib.suppress(TelephonyError):
            runtime.telephony.hang_up(leg)


def back_in_line(runtime: Runtime, call_id: str) -> None:
    """An offer of the call was released: the live call waits again, or, when another of
    its offers still rings (a companion became the lead), names that one."""
    store = runtime.calls
    call = store.get(call_id)
    if call is None or call.stage != "offered":
        return
    lead = runtime.offers.for_call(call_id)
    if lead is not None:
        call.counselor_id, call.counselor_leg = lead.counselor_id, lead.leg
    else:
        call.stage, call.counselor_id, call.counselor_leg = "queued", None, None
    store.save(call)


@dataclass(frozen=True)
class OfferAnswered:
    """What the counselor's key did: "accepted" (with the call), "passed", "taken" (another
    counselor rung at the same time accepted first) or "gone"."""

    outcome: Literal["accepted", "passed", "taken", "gone"]
    call: LiveCall | None = None


def answer_offer(runtime: Runtime, offer_id: str, digits: str) -> OfferAnswered:
    """The counselor's key on an offer: the accept key bridges them in; anything else
    passes the caller on (they keep their place, and the next counselor is sought)."""
    pending = runtime.offers.get(offer_id)
    if pending is None:
        return OfferAnswered(why_gone(runtime, offer_id))
    if digits != runtime.rules.offer.accept_key:
        missed(runtime, pending)
        runtime.jobs.enqueue("dispatch")
        return OfferAnswered("passed")
    call = accept(runtime, offer_id)
    if call is not None:
        return OfferAnswered("accepted", call)
    return OfferAnswered(why_gone(runtime, offer_id))


def why_gone(runtime: Runtime, offer_id: str) -> Literal["taken", "gone"]:
    """Why an offer is no more, truly: a colleague rung at the same time took the call
    ("taken"), or the caller is no longer waiting ("gone")."""
    return "taken" if runtime.offers.taken_by_another(offer_id) else "gone"


def accept(runtime: Runtime, offer_id: str) -> LiveCall | None:
    """The counselor pressed the accept key: bridge them with the caller, if still there."""
    taken = runtime.offers.take(offer_id, now=now())
    if taken is None:
        return None
    accepted = taken.offer
    for other in taken.dropped:  # rung at the same time: their phones stop now
        stop_ringing(runtime, other)
        log.info(
            "offer taken by another counselor",
            extra={"call_id": other.call_id, "counselor": other.counselor_id},
        )
    runtime.presence.clear_misses(accepted.counselor_id)
    store = runtime.calls
    call = store.get(accepted.call_id)
    if call is None:
        return None
    call.stage, call.counselor_id = "connected", accepted.counselor_id
    if accepted.leg:
        call.counselor_leg = accepted.leg
    if call.callback_id is None:
        call.connected_at = now()
    store.save(call)
    store.set_current(accepted.counselor_id, call.call_id)  # for the counselor's console
    count(runtime.redis, "offers_accepted")
    if call.callback_id is not None:
        # The counselor is in the room: now ring the caller (a job, so this webhook
        # answers the counselor at once).
        runtime.jobs.enqueue("ring_caller", call.call_id)
        log.info("callback accepted", extra={"call_id": call.call_id})
        return call
    try:
        runtime.telephony.redirect(
            call.call_sid, runtime.public("/voice/connect", call=call.call_id)
        )
    except TelephonyError:
        # The hold loop's next turn sees stage "connected" and joins the room itself.
        log.warning(
            "caller redirect failed; hold loop will connect", extra={"call_id": call.call_id}
        )
    log.info("offer accepted", extra={"call_id": call.call_id, "counselor": accepted.counselor_id})
    return call


def overflow(runtime: Runtime, call_id: str) -> bool:
    """Past max_wait or nobody could ever take it: to the backup line for their language."""
    if runtime.offers.for_call(call_id) is not None:
        return False  # a counselor's phone is ringing for this caller: let it ring out
    store = runtime.calls
    call = store.get(call_id)
    if call is not None and call.callback_id is not None:
        return False  # a callback has nobody on the line to send anywhere: it waits
    runtime.queue.remove(call_id)
    if call is None or call.stage not in ("queued", "ivr"):
        return False
    call.stage = "overflowed"
    store.save(call)
    count(runtime.redis, "overflows")
    log.info("call overflowed", extra={"call_id": call_id})
    with contextlib.suppress(TelephonyError):  # else the hold loop's next turn overflows it
        runtime.telephony.redirect(call.call_sid, runtime.public("/voice/hold", call=call_id))
    return True


@dataclass(frozen=True)
class Whisper:
    text: str
    say_language: str  # Twilio's <Say language> for the counselor's language


def whisper_for(runtime: Runtime, offer_id: str) -> Whisper | None:
    """What the counselor hears, in their language; None when the caller is gone.

    The database only adds the counselor's language and the caller's weekly count: if it
    is down, the whisper goes on in English without the count.
    """
    pending = runtime.offers.get(offer_id)
    waiting = runtime.queue.get(pending.call_id) if pending else None
    if pending is None or waiting is None:
        return None
    calls = 1
    languages: tuple[str, ...] = ()
    try:
        languages = counselor_languages(runtime.sessions, pending.counselor_id)
        calls = _calls_this_week(runtime, pending.call_id)
    except SQLAlchemyError:
        log.warning("whisper without roster or records", extra={"call_id": pending.call_id})
    language = whisper_language(languages)
    facts = WaitingFacts(
        tier=waiting.tier,
        language=waiting.language,
        topic=waiting.topic,
        minutes=int((now() - waiting.entered_at) // 60),
        calls_this_week=calls,
        frequent=calls >= runtime.rules.frequent_callers.threshold
        and "flag" in runtime.rules.frequent_callers.actions,
        pauses_wrap_up=runtime.presence.pausing(pending.counselor_id),
    )
    spoken = runtime.rules.languages.get(language)
    return Whisper(
        text=whisper(facts, language, runtime.rules.offer.accept_key),
        say_language=spoken.say_language if spoken else "en-US",
    )


def _calls_this_week(runtime: Runtime, call_id: str) -> int:
    call = runtime.calls.get(call_id)
    if call is None or call.caller_key is None:
        return 1
    since = dt.datetime.fromtimestamp(now() - 7 * 24 * 3600, dt.UTC)
    return calls_since(runtime.sessions, call.caller_key, since) + 1
