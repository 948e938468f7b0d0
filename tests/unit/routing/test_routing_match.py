"""The matcher on small, named situations a supervisor would recognise."""

from __future__ import annotations

from hotline.routing.index import QueueIndex, best_call_for
from hotline.routing.match import Counselor, CounselorState, Offer, WaitingCall, plan
from hotline.routing.policy import RelaxStep
from hotline.routing.rules import parse_rules
from hotline.routing.snapshot import on_call_summary

TOPIC_IDS = "suicide domestic_violence relationships youth lgbtq substance_use general"
SPECIALTIES = "\n".join(f"  {s}: {s}" for s in TOPIC_IDS.split())
RULES = parse_rules(
    f"""
tiers:
  imminent:
    priority: 1
    answer_within: 20
    max_wait: 120
    relax:
      - {{require: [language, specialty], after: 0}}
      - {{require: [language], after: 20}}
      - {{require: [], after: 45}}
  urgent:
    priority: 2
    answer_within: 60
    max_wait: 300
    relax:
      - {{require: [language, specialty], after: 0}}
      - {{require: [language], after: 60}}
      - {{require: [], after: 150}}
  standard:
    priority: 3
    answer_within: 180
    max_wait: 900
    relax:
      - {{require: [language, specialty], after: 0}}
      - {{require: [language], after: 180}}
      - {{require: [], after: 480}}
languages:
  en: {{name: English, say_language: en-US}}
  zh: {{name: Mandarin, say_language: cmn-CN}}
  yue: {{name: Cantonese, say_language: yue-HK}}
specialties:
{SPECIALTIES}
counselor_choice: {{strategy: longest_idle, prefer_counselor_for: 60}}
overflow: {{default: "+12025550100"}}
"""
)
T0 = 1_000_000.0
AVAILABLE, ON_CALL = CounselorState.AVAILABLE, CounselorState.ON_CALL


def counselor(
    cid: str,
    languages: str = "en",
    specialties: str = "",
    state: CounselorState = AVAILABLE,
    idle_since: float = T0 - 600,
) -> Counselor:
    return Counselor(
        cid, frozenset(languages.split()), frozenset(specialties.split()), state, idle_since
    )


def call(
    cid: str,
    tier: str = "urgent",
    waited: float = 0.0,
    language: str = "en",
    topic: str = "general",
    preferred: str | None = None,
) -> WaitingCall:
    return WaitingCall(cid, tier, T0 - waited, language, topic, preferred, RULES.version)


def offers_at(
    now: float, calls: list[WaitingCall], roster: list[Counselor]
) -> set[tuple[str, str]]:
    return {(o.call_id, o.counselor_id) for o in plan(now, calls, roster, RULES).offers}


def test_mandarin_suicide_call_goes_to_the_mandarin_suicide_specialist() -> None:
    roster = [
        counselor("english-general", "en", idle_since=T0 - 3000),
        counselor("mandarin-suicide", "zh en", "suicide", idle_since=T0 - 10),
        counselor("mandarin-youth", "zh", "youth", idle_since=T0 - 2000),
    ]
    result = plan(T0, [call("c1", language="zh", topic="suicide")], roster, RULES)
    assert result.offers == (Offer("c1", "mandarin-suicide", 0),)


def test_after_the_relax_time_a_counselor_without_the_specialty_takes_it() -> None:
    roster = [
        counselor("specialist", "zh", "suicide", state=ON_CALL),
        counselor("mandarin-general", "zh"),
        counselor("english-suicide", "en", "suicide"),
    ]
    calls = [call("c1", language="zh", topic="suicide")]
    assert offers_at(T0 + 59, calls, roster) == set()
    assert plan(T0 + 60, calls, roster, RULES).offers == (Offer("c1", "mandarin-general", 1),)


def test_a_step_nobody_on_call_could_serve_is_skipped_at_once() -> None:
    english = counselor("english-suicide", "en", "suicide")
    cantonese = counselor("cantonese-general", "yue", state=ON_CALL)
    suicide_call = call("c1", language="yue", topic="suicide")
    # Nobody on call speaks Cantonese: language is dropped now, not after 150 s.
    assert plan(T0, [suicide_call], [english], RULES).offers == (
        Offer("c1", english.counselor_id, 2),
    )
    # A Cantonese speaker is on call (busy): only the specialty step is skipped; we wait for them.
    result = plan(T0, [suicide_call], [english, cantonese], RULES)
    assert result.offers == ()
    assert result.next_due == T0 + 150


def test_imminent_is_served_before_a_standard_call_that_waited_longer() -> None:
    calls = [call("standard", "standard", waited=800), call("imminent", "imminent", waited=1)]
    assert offers_at(T0, calls, [counselor("only")]) == {("imminent", "only")}


def test_oldest_call_first_within_a_tier() -> None:
    calls = [call("newer", waited=10), call("older", waited=30)]
    assert offers_at(T0, calls, [counselor("only")]) == {("older", "only")}


def test_longest_idle_counselor_gets_the_call() -> None:
    roster = [
        counselor("recent", idle_since=T0 - 5),
        counselor("longest", idle_since=T0 - 900),
        counselor("middle", idle_since=T0 - 60),
    ]
    assert offers_at(T0, [call("c1")], roster) == {("c1", "longest")}


def test_a_call_that_waited_for_anyone_still_gets_the_closest_fit_free_now() -> None:
    # 150 s in: the urgent Mandarin suicide call may go to anyone. The three are free now;
    # the one idle longest speaks no Mandarin, so the Mandarin speaker takes it, and a
    # Mandarin suicide specialist before them; among equals, the longest idle.
    stranger = counselor("english", "en", idle_since=T0 - 900)
    speaker = counselor("mandarin", "zh", idle_since=T0 - 60)
    specialist = counselor("mandarin-suicide", "zh", "suicide", idle_since=T0 - 5)
    other = counselor("mandarin-2", "zh", idle_since=T0 - 300)
    waited = call("c1", waited=150, language="zh", topic="suicide")
    assert offers_at(T0, [waited], [stranger, speaker]) == {("c1", "mandarin")}
    assert offers_at(T0, [waited], [stranger, speaker, specialist]) == {("c1", "mandarin-suicide")}
    assert offers_at(T0, [waited], [stranger, speaker, other]) == {("c1", "mandarin-2")}
    assert offers_at(T0, [waited], [stranger]) == {("c1", "english")}  # anyone, as relaxed


def test_busy_away_and_off_shift_counselors_are_never_offered() -> None:
    roster = [
        counselor(state.value, state=state)
        for state in CounselorState
        if state is not CounselorState.AVAILABLE
    ]
    result = plan(T0, [call("c1")], roster, RULES)
    assert result.offers == () and result.overflows == ()


def test_preferred_counselor_is_waited_for_then_released() -> None:
    preferred = counselor("preferred", state=ON_CALL)
    other = counselor("other")
    followup = call("c1", preferred="preferred")
    held = plan(T0 + 30, [followup], [preferred, other], RULES)
    assert held.offers == () and held.next_due == T0 + 60
    assert offers_at(T0 + 60, [followup], [preferred, other]) == {("c1", "other")}


def test_preferred_counselor_gets_the_call_when_free() -> None:
    roster = [counselor("preferred", idle_since=T0), counselor("other", idle_since=T0 - 900)]
    assert offers_at(T0, [call("c1", preferred="preferred")], roster) == {("c1", "preferred")}


def test_preference_for_someone_not_on_call_is_ignored() -> None:
    roster = [counselor("preferred", state=CounselorState.OFF_SHIFT), counselor("other")]
    assert offers_at(T0, [call("c1", preferred="preferred")], roster) == {("c1", "other")}


def test_overflow_after_max_wait() -> None:
    roster = [counselor("busy", "en", "suicide", state=ON_CALL)]
    calls = [call("c1", "imminent", topic="suicide")]
    assert plan(T0 + 119.9, calls, roster, RULES).overflows == ()
    assert plan(T0 + 120, calls, roster, RULES).overflows == ("c1",)


def test_overflow_at_once_when_nobody_is_on_call() -> None:
    roster = [counselor("away", state=CounselorState.AWAY)]
    result = plan(T0, [call("c1"), call("c2", "standard")], roster, RULES)
    assert result == plan(T0, [call("c1"), call("c2", "standard")], [], RULES)
    assert set(result.overflows) == {"c1", "c2"} and result.offers == ()
    assert result.next_due is None


def test_next_due_is_the_earliest_widening_or_overflow() -> None:
    busy = counselor("busy", "en zh", "suicide", state=ON_CALL)
    calls = [
        call("a", "standard", waited=10, topic="suicide"),  # language-only at +170 s
        call("b", "imminent", waited=100, topic="suicide"),  # overflows at +20 s
    ]
    assert plan(T0, calls, [busy], RULES).next_due == T0 + 20
    assert plan(T0, calls[:1], [busy], RULES).next_due == T0 + 170
    offered = plan(T0, calls[:1], [busy, counselor("free", "en", "suicide")], RULES)
    assert offered.next_due is None


def test_index_follows_adds_and_removes() -> None:
    roster = [counselor("en-general")]
    on_call = on_call_summary(roster)
    index = QueueIndex([call("old", waited=50), call("new", waited=5)])
    index.add(call("imminent", "imminent", waited=1))
    assert len(index) == 3 and "old" in index
    found = best_call_for(T0, roster[0], index, RULES, on_call)
    assert found is not None and found.call_id == "imminent"
    index.remove("imminent")
    found = best_call_for(T0, roster[0], index, RULES, on_call)
    assert found is not None and found.call_id == "old"
    assert index.remove("old") is not None and index.remove("old") is None
    assert len(index) == 1


def test_index_looks_past_calls_waiting_for_someone_else() -> None:
    roster = [counselor("free"), counselor("preferred", state=ON_CALL)]
    calls = [call("held", waited=30, preferred="preferred"), call("next", waited=20)]
    found = best_call_for(T0, roster[0], QueueIndex(calls), RULES, on_call_summary(roster))
    assert found is not None and found.call_id == "next"
    assert offers_at(T0, calls, roster) == {("next", "free")}


def test_a_callback_never_overflows_it_waits_its_turn() -> None:
    """Nobody is on the line to send to a backup number: past max_wait, or with nobody on
    call who could take it, a callback stays in line; it is offered once someone can."""
    late = WaitingCall("cb", "urgent", T0 - 10_000, "yue", "youth", callback=True)
    ordinary = WaitingCall("c1", "urgent", T0 - 10_000, "yue", "youth")
    nobody = plan(T0, [late, ordinary], [counselor("a", "en", state=ON_CALL)], RULES)
    assert nobody.overflows == ("c1",) and nobody.offers == ()
    someone = plan(T0, [late], [counselor("a", "en")], RULES)
    assert someone.offers == (Offer("cb", "a", 2),)


def test_a_waiting_call_keeps_the_rules_it_entered_with() -> None:
    """New rules that relax later do not take back what a waiting caller already has."""
    import dataclasses

    strict = dataclasses.replace(
        RULES.tiers["urgent"],
        relax=(RelaxStep(0, frozenset({"language", "specialty"})),),
    )
    newer = dataclasses.replace(RULES, version="newer", tiers={**RULES.tiers, "urgent": strict})
    versions = {RULES.version: RULES, "newer": newer}
    waited = call("c1", "urgent", waited=200, language="zh", topic="youth")
    only_english = [counselor("a", "en")]
    assert plan(T0, [waited], only_english, newer).offers == ()
    kept = plan(T0, [waited], only_english, newer, rules_for=versions.__getitem__)
    assert kept.offers == (Offer("c1", "a", 2),), "its own rules had relaxed to anyone"
