"""Erlang A's closed forms against the birth-death chain they summarise, solved numerically."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.whatif.erlang import Queue
from hotline.whatif.erlang_a import ErlangA


def chain(servers: int, rate: float, handle: float, patience: float) -> tuple[float, float, float]:
    """P(wait), P(abandon), mean wait of M/M/n+M from its stationary distribution:
    state k has births at `rate` and deaths min(k, n)/handle + max(k - n, 0)/patience."""
    logs = [0.0]  # log weights: a heavy load with patient callers overflows plain floats
    top = 0.0
    k = 0
    while True:
        k += 1
        death = min(k, servers) / handle + max(k - servers, 0) / patience
        logs.append(logs[-1] + math.log(rate / death))
        top = max(top, logs[-1])
        if k > servers and logs[-1] < top + math.log(1e-18):
            break
    weights = [math.exp(x - top) for x in logs]
    total = sum(weights)
    p = [w / total for w in weights]
    p_wait = sum(p[servers:])
    queued = sum((k - servers) * p[k] for k in range(servers + 1, len(p)))
    mean_wait = queued / rate  # Little's law on the queue
    return p_wait, mean_wait / patience, mean_wait


@settings(max_examples=200, deadline=None)
@given(
    servers=st.integers(1, 40),
    per_server=st.floats(0.05, 2.0),
    handle=st.floats(60.0, 3600.0),
    patience=st.floats(10.0, 3600.0),
)
def test_the_closed_forms_agree_with_the_chain(
    servers: int, per_server: float, handle: float, patience: float
) -> None:
    """Light and heavy load alike (up to twice the counselors: Erlang A stays finite)."""
    rate = per_server * servers / handle
    model = ErlangA(servers, rate, handle, patience)
    p_wait, p_abandon, mean_wait = chain(servers, rate, handle, patience)
    assert model.p_wait == pytest.approx(p_wait, rel=1e-7, abs=1e-12)
    assert model.p_abandon == pytest.approx(p_abandon, rel=1e-7, abs=1e-12)
    assert model.mean_wait == pytest.approx(mean_wait, rel=1e-7, abs=1e-9)


def test_a_worked_case() -> None:
    """Ten counselors, 48 calls an hour of 12 minutes (9.6 Erlangs), patience 5 minutes:
    two in five wait and one in seven gives up, where Erlang C has six in seven waiting
    almost half an hour on average."""
    model = ErlangA(10, 48 / 3600, 720.0, 300.0)
    p_wait, p_abandon, mean_wait = chain(10, 48 / 3600, 720.0, 300.0)
    assert (model.p_wait, model.p_abandon, model.mean_wait) == pytest.approx(
        (p_wait, p_abandon, mean_wait), rel=1e-9
    )
    assert round(model.p_wait, 3) == 0.405 and round(model.p_abandon, 3) == 0.134
    erlang_c = Queue(10, 9.6, 720.0)
    assert round(erlang_c.p_wait, 3) == 0.859 and erlang_c.mean_wait > 25 * 60
    assert erlang_c.mean_wait > 30 * model.mean_wait


def test_patient_callers_make_it_erlang_c() -> None:
    for servers, load in ((1, 0.5), (4, 3.0), (20, 17.5)):
        handle = 600.0
        rate = load / handle
        patient = ErlangA(servers, rate, handle, 1e9)
        never = ErlangA(servers, rate, handle, math.inf)
        queue = Queue(servers, load, handle)
        assert patient.p_wait == pytest.approx(queue.p_wait, rel=1e-5)
        assert never.p_wait == pytest.approx(queue.p_wait, rel=1e-12)
        assert never.mean_wait == pytest.approx(queue.mean_wait, rel=1e-12)
        assert never.p_abandon == 0.0


def test_abandoning_is_patience_times_the_mean_wait() -> None:
    """P(abandon) = theta E[wait]: the relation the simulation's hang-ups are checked by."""
    model = ErlangA(3, 3.5 / 1200, 1200.0, 240.0)
    assert model.p_abandon == pytest.approx(model.mean_wait / 240.0)
    assert model.p_abandon > 0.1  # overloaded, yet finite


def test_no_calls_or_no_counselors() -> None:
    assert ErlangA(3, 0.0, 600.0, 300.0).p_wait == 0.0
    nobody = ErlangA(0, 0.01, 600.0, 300.0)
    assert nobody.p_wait == 1.0 and nobody.p_abandon == 1.0
    assert nobody.mean_wait == pytest.approx(300.0)
