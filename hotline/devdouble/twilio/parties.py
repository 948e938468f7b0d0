"""Who is at the other end of a simulated line: callers, counselor phones, external lines.

Plain dataclasses, so a test says in one line how a person behaves. Times are in
Twilio seconds; the simulator multiplies them by its time_scale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Speech:
    """Words spoken at a <Gather> that listens for speech."""

    words: str
    confidence: float = 0.9


class _Silence:
    def __repr__(self) -> str:
        return "SILENCE"


SILENCE = _Silence()
Input = str | Speech | _Silence
PickUp = Literal["answer", "no-answer", "busy"]


@dataclass
class Caller:
    """A person calling the hotline (or being called back).

    digits: one entry per <Gather> met, in order (a key string, a Speech, or SILENCE;
    SILENCE once the list runs out), or a function given what was said so far in the
    current document. patience: seconds on hold before hanging up. hang_up_after:
    seconds from the start of the call, wherever the caller is by then.
    stay_after_bridge: stay on the line when the other side hangs up (default: hang up,
    as people do). pick_up, answer_after: what happens when this number is rung.
    """

    number: str
    digits: Sequence[Input] | Callable[[list[str]], Input] = ()
    patience: float | None = None
    hang_up_after: float | None = None
    stay_after_bridge: bool = False
    pick_up: PickUp = "answer"
    answer_after: float = 0.0
    answered_by: str = "human"


@dataclass
class Phone:
    """A counselor's phone. accept_key is pressed at each <Gather> (None: presses nothing;
    another key declines). hang_up_at_prompt: declines by hanging up at the first <Gather>.
    hang_up_after: seconds of talk once bridged (None: until the other side hangs up).
    """

    number: str
    answer: bool = True
    answer_after: float = 0.0
    accept_key: str | None = "1"
    hang_up_after: float | None = None
    busy: bool = False
    hang_up_at_prompt: bool = False
    answered_by: str = "human"


@dataclass
class Line:
    """Any other number: a backup or overflow line. It answers by default and talks a while."""

    number: str
    pick_up: PickUp = "answer"
    answer_after: float = 0.0
    talk_for: float | None = 5.0
    answered_by: str = "human"


Party = Caller | Phone | Line


def ring(party: Party, timeout: float) -> tuple[str, float]:
    """(result, after how many seconds): answer, busy or no-answer (at the timeout)."""
    if isinstance(party, Phone):
        pick_up: PickUp = "busy" if party.busy else ("answer" if party.answer else "no-answer")
    else:
        pick_up = party.pick_up
    if pick_up == "busy":
        return "busy", 0.0
    if pick_up == "no-answer" or party.answer_after >= timeout:
        return "no-answer", timeout
    return "answer", party.answer_after


def talk_limit(party: Party) -> float | None:
    """Seconds this party talks once bridged before hanging up; None: until the other side."""
    if isinstance(party, Phone):
        return party.hang_up_after
    if isinstance(party, Line):
        return party.talk_for
    return None


def stays_after_bridge(party: Party) -> bool:
    return isinstance(party, Caller) and party.stay_after_bridge


def choose(party: Party, turn: int, said: list[str]) -> Input | None:
    """What the party gives at its `turn`-th <Gather>; None means it hangs up instead."""
    if isinstance(party, Phone):
        if party.hang_up_at_prompt:
            return None
        return SILENCE if party.accept_key is None else party.accept_key
    if isinstance(party, Line):
        return SILENCE
    if callable(party.digits):
        return party.digits(list(said))
    return party.digits[turn] if turn < len(party.digits) else SILENCE
