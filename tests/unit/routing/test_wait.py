"""The rough wait said on hold: rounded up to 5 minutes, never when it would mislead."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hotline.routing.wait import LONGEST_SAID, rough_wait_minutes

CALL = 20 * 60  # seconds a call and its wrap-up usually take


def test_next_in_line_with_two_counselors_busy_waits_about_half_a_call() -> None:
    assert rough_wait_minutes(1, 2, False, CALL) == 10


def test_the_third_in_line_with_two_counselors_waits_one_more_call() -> None:
    assert rough_wait_minutes(3, 2, False, CALL) == 30


def test_nothing_is_said_when_it_would_mislead() -> None:
    assert rough_wait_minutes(1, 3, True, CALL) is None, "a counselor is free: it is coming"
    assert rough_wait_minutes(2, 0, False, CALL) is None, "nobody on call could take them"
    assert rough_wait_minutes(9, 1, False, CALL) is None, "more than an hour"


@given(st.integers(1, 50), st.integers(1, 20), st.floats(60, 7200))
def test_further_back_never_waits_less_and_more_counselors_never_make_it_longer(
    position: int, able: int, handle: float
) -> None:
    here = rough_wait_minutes(position, able, False, handle)
    behind = rough_wait_minutes(position + 1, able, False, handle)
    helped = rough_wait_minutes(position, able + 1, False, handle)
    if here is not None:
        assert here % 5 == 0 and 5 <= here <= LONGEST_SAID
        assert behind is None or behind >= here
        assert helped is not None and helped <= here
