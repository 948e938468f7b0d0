"""Whatever a caller (or a broken request) sends, the flow answers and ends with a person."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hotline.ivr import (
    Ask,
    CallerInput,
    CallState,
    Enqueue,
    OfferCallback,
    Script,
    Transfer,
    advance,
    load_scripts,
    start,
)

SCRIPT: Script = load_scripts(Path(__file__).resolve().parents[3] / "ivr_scripts")
MAX_STEPS = 8

keys = st.text(alphabet="0123456789*#", max_size=4)
speech = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(["kill myself", "我想死", "唔想生存", "my wife hits me", "酒精", "LGBT"]),
)
inputs = st.builds(
    CallerInput, digits=st.one_of(st.none(), keys, st.text(max_size=6)), speech=speech
)
texts = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["en", "zh", "yue", "xx"]))
states = st.builds(
    CallState,
    node=st.one_of(st.sampled_from([*SCRIPT.nodes, "gone"]), st.text(min_size=1, max_size=20)),
    language=texts,
    topic=texts,
    tier=st.one_of(st.none(), st.sampled_from(["imminent", "urgent", "standard", "odd"])),
    retries=st.integers(0, 9),
    speech_used=st.booleans(),
    script_version=st.text(min_size=1, max_size=12),
    ended=st.booleans(),
)


@settings(max_examples=300)
@given(st.lists(inputs, min_size=MAX_STEPS, max_size=MAX_STEPS))
def test_any_caller_ends_with_a_person_within_a_few_steps(sequence: list[CallerInput]) -> None:
    state, step = start(SCRIPT)
    for caller in sequence:
        if not isinstance(step, Ask):
            break
        state, step = advance(SCRIPT, state, caller)
    assert isinstance(step, Enqueue | Transfer | OfferCallback)
    assert state.ended and state.language in SCRIPT.languages


@settings(max_examples=300)
@given(states, inputs)
def test_any_stored_state_with_any_input_gives_a_step(
    state: CallState, caller: CallerInput
) -> None:
    stored = CallState.from_dict(json.loads(json.dumps(state.to_dict())))
    new_state, step = advance(SCRIPT, stored, caller)
    assert isinstance(step, Ask | Enqueue | Transfer | OfferCallback)
    assert CallState.from_dict(new_state.to_dict()) == new_state
    if isinstance(step, Ask):
        assert step.node in SCRIPT.nodes and step.prompts


@given(states)
def test_state_round_trips_through_json(state: CallState) -> None:
    assert CallState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)


@given(json_values)
@example(None)
@example(["node", "welcome"])
@example({})
@example({"node": 3})
def test_garbage_is_refused_with_value_error(value: object) -> None:
    try:
        parsed = CallState.from_dict(value)
    except ValueError:
        return  # refused, as promised; any other exception fails the test
    assert parsed.to_dict() == value  # accepted only if it was a valid state after all


@given(states, st.sampled_from(list(CallState.__dataclass_fields__)), json_values)
def test_a_wrong_field_is_refused_with_value_error(
    state: CallState, name: str, value: object
) -> None:
    data = {**state.to_dict(), name: value}
    try:
        parsed = CallState.from_dict(data)
    except ValueError:
        return
    assert parsed.to_dict() == data  # accepted only if it was a valid value after all
