"""Erlang C against textbook values and against an exact computation done another way."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from hotline.whatif.erlang import Queue, erlang_b, erlang_c


def exact_erlang_c(servers: int, load: int) -> Fraction:
    """The closed form with exact integers: A^N/N! * N/(N-A) over the sum plus that term."""
    term = Fraction(load**servers, math.factorial(servers)) * Fraction(servers, servers - load)
    below = sum(Fraction(load**k, math.factorial(k)) for k in range(servers))
    return term / (below + term)


def test_ten_erlangs_on_twelve_agents_wait_45_percent_of_the_time() -> None:
    assert erlang_c(12, 10.0) == pytest.approx(0.4494, abs=5e-5)
    assert erlang_c(12, 10.0) == pytest.approx(float(exact_erlang_c(12, 10)), rel=1e-12)


@pytest.mark.parametrize(("servers", "load"), [(1, 0), (2, 1), (3, 2), (5, 4), (30, 25)])
def test_matches_the_closed_form_on_small_queues(servers: int, load: int) -> None:
    assert erlang_c(servers, float(load)) == pytest.approx(
        float(exact_erlang_c(servers, load)), rel=1e-12, abs=1e-15
    )


def test_single_agent_waits_with_probability_equal_to_its_load() -> None:
    assert erlang_c(1, 0.7) == pytest.approx(0.7)  # M/M/1: P(wait) = rho
    assert erlang_b(1, 1.0) == pytest.approx(0.5)


def test_stays_finite_and_exact_where_factorials_overflow_a_float() -> None:
    assert math.factorial(500) > 10**300 * 10**300  # far past a float's range
    found = erlang_c(500, 480.0)
    assert 0 < found < 1
    assert found == pytest.approx(float(exact_erlang_c(500, 480)), rel=1e-9)


def test_an_overloaded_queue_always_waits_and_never_meets_a_target() -> None:
    queue = Queue(servers=3, load=3.0, handle=600)
    assert not queue.stable
    assert queue.p_wait == 1.0
    assert math.isinf(queue.mean_wait)
    assert queue.service_level(60) == 0.0


def test_mean_wait_is_the_area_under_the_wait_distribution() -> None:
    """E[W] = integral of P(W > t): an independent check of mean wait and service level."""
    queue = Queue(servers=12, load=10.0, handle=180.0)
    step = 1.0
    area = sum(1 - queue.service_level((i + 0.5) * step) for i in range(20_000)) * step
    assert queue.mean_wait == pytest.approx(area, rel=1e-4)
    assert queue.mean_wait == pytest.approx(0.4494 * 180 / 2, rel=1e-3)


def test_service_level_at_zero_is_the_share_answered_at_once() -> None:
    queue = Queue(servers=12, load=10.0, handle=180.0)
    assert queue.service_level(0) == pytest.approx(1 - queue.p_wait)
    assert queue.service_level(20) == pytest.approx(1 - 0.4494 * math.exp(-2 * 20 / 180), abs=1e-4)
