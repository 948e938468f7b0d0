"""The caller's whole path through the signed webhooks, from the first ring to the queue."""

from __future__ import annotations

import json
import time
from collections import deque
from urllib.parse import parse_qs, urlsplit

import pytest

from hotline.calls.url_state import read_token
from hotline.ivr.flow import CallState
from hotline.ivr.model import Menu
from hotline.live.calls import CallStore, LiveCall
from hotline.runtime import Runtime
from tests.support.caller import SILENCE, Caller, goes_to_hold, is_menu, said
from tests.support.twiml import Verb, flat

MAX_TURNS = 8


def _replay(client, inputs: tuple[str | None, ...]) -> tuple[Caller, list[Verb]]:  # type: ignore[no-untyped-def]
    caller = Caller(client)
    verbs = caller.call()
    for given in inputs:
        verbs = caller.give(verbs, given)
    return caller, verbs


def _live(runtime: Runtime, caller: Caller) -> LiveCall:
    call = CallStore(runtime.redis).by_sid(caller.call_sid)
    assert call is not None
    return call


def _menu_state(runtime: Runtime, verbs: list[Verb]) -> CallState:
    """The IVR state a menu carries in its signed action URL (the menus keep none in Redis)."""
    query = parse_qs(urlsplit(_action(verbs)).query)
    carried = read_token(runtime, query["s"][0], query["call"][0])
    assert carried is not None
    return carried.state


def _safe_default_in_line(runtime: Runtime, caller: Caller, verbs: list[Verb]) -> LiveCall:
    """The caller holds in line with the safe default: default language, general, urgent."""
    assert goes_to_hold(verbs)
    call = _live(runtime, caller)
    assert (call.language, call.topic, call.tier) == (
        runtime.rules.default_language,
        "general",
        "urgent",
    )
    return call


def test_every_path_through_the_menus_ends_with_a_person(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    script = runtime.scripts.current
    pending: deque[tuple[str | None, ...]] = deque([()])
    endings = 0
    while pending:
        inputs = pending.popleft()
        caller, verbs = _replay(client, inputs)
        if is_menu(verbs):
            assert len(inputs) < MAX_TURNS, f"still in the menus after {inputs}"
            node = script.nodes[_menu_state(runtime, verbs).node]
            assert isinstance(node, Menu)
            keys = [*node.digits, script.danger_key, SILENCE, "0", "#"]
            pending.extend((*inputs, key) for key in dict.fromkeys(keys))
            continue
        endings += 1
        call = _live(runtime, caller)
        assert goes_to_hold(verbs) or any(v.name == "Dial" for v in flat(verbs)), inputs
        if goes_to_hold(verbs):
            assert call.stage == "queued"
            assert call.tier in runtime.rules.tiers
            assert call.topic in runtime.rules.specialties
            assert call.language in runtime.rules.languages
    assert endings > 30


def test_a_caller_who_presses_nothing_reaches_the_queue(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    caller = Caller(client)
    verbs = caller.call()
    turns = 0
    while is_menu(verbs):
        verbs = caller.give(verbs, SILENCE)
        turns += 1
        assert turns <= MAX_TURNS
    _safe_default_in_line(runtime, caller, verbs)
    # Every menu said something before waiting, and the re-prompt was heard.
    assert all(list(said(doc)) or not is_menu(doc) for doc in caller.documents)


@pytest.mark.parametrize("language_key", ["1", "2", "3"])
def test_the_danger_key_works_from_every_menu(client, runtime: Runtime, language_key: str) -> None:  # type: ignore[no-untyped-def]
    for before in [(), (language_key,)]:
        caller, verbs = _replay(client, before)
        assert is_menu(verbs)
        verbs = caller.give(verbs, runtime.scripts.current.danger_key)
        assert goes_to_hold(verbs), before
        assert _live(runtime, caller).tier == "imminent"


def test_danger_words_put_the_caller_first_and_are_never_stored(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    words = "I just want to kill myself tonight"
    caller, verbs = _replay(client, ("1",))
    verbs = caller.give(verbs, speech=words)
    assert goes_to_hold(verbs)
    call = _live(runtime, caller)
    assert call.tier == "imminent" and call.speech_used
    dump = b" ".join(
        runtime.redis.get(k) or b""
        for k in runtime.redis.keys("*")
        if runtime.redis.type(k) == b"string"
    )
    assert b"kill" not in dump.lower() and b"tonight" not in dump


def test_mandarin_caller_hears_mandarin_and_topic_is_kept(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    caller, verbs = _replay(client, ("2",))
    languages = {v.attrs.get("language") for v in said(verbs)}
    assert languages == {runtime.rules.languages["zh"].say_language}
    verbs = caller.give(verbs, "1")
    assert goes_to_hold(verbs)
    call = _live(runtime, caller)
    assert (call.language, call.topic) == ("zh", "suicide")


@pytest.mark.parametrize(
    "form",
    [
        {"Digits": "1; DROP TABLE"},
        {"Digits": "７"},  # a full-width digit
        {"Digits": "1" * 500},
        {"SpeechResult": "\x00\ufffd" * 3},
        {"Digits": ""},
        {},
    ],
)
def test_garbage_input_gets_safe_twiml(client, form: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    caller = Caller(client)
    verbs = caller.call()
    gather = next(v for v in verbs if v.name == "Gather")
    for _ in range(3):
        verbs = caller.post(gather.attrs["action"], form)
        if not is_menu(verbs):
            break
        gather = next(v for v in verbs if v.name == "Gather")
    assert goes_to_hold(verbs) or is_menu(verbs)


def test_an_unknown_call_id_goes_to_the_queue(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    caller = Caller(client)
    verbs = caller.post("/voice/ivr?call=not-a-call-we-know", {"Digits": "1"})
    assert goes_to_hold(verbs)
    recovered = _live(runtime, caller)
    assert recovered.tier == "urgent"
    assert recovered.caller_key is not None and recovered.region == "US/CA", "still counted"
    verbs = Caller(client, call_sid="").post("/voice/ivr", {})
    assert goes_to_hold(verbs)


def test_a_call_keeps_the_script_version_it_started_with(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    caller = Caller(client)
    verbs = caller.call()
    old = runtime.scripts.current
    runtime.scripts.publish(dataclasses.replace(old, version="new-version", default_language="zh"))
    verbs = caller.give(verbs, "1")
    assert _menu_state(runtime, verbs).script_version == old.version
    assert goes_to_hold(caller.give(verbs, "7"))
    assert _live(runtime, caller).script_version == old.version
    fresh = Caller(client)
    assert _menu_state(runtime, fresh.call()).script_version == "new-version"


def test_the_callers_number_is_never_in_redis(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    caller = Caller(client, number="+14155550188")
    verbs = caller.call()
    assert goes_to_hold(caller.give(caller.give(verbs, "1"), "7"))
    for key in runtime.redis.keys("*"):
        value = runtime.redis.get(key) if runtime.redis.type(key) == b"string" else b""
        blob = key + (value or b"")
        assert b"4155550188" not in blob and b"55550188" not in blob
    assert _live(runtime, caller).caller_key is not None


def test_hold_overflows_to_the_language_line_after_max_wait(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    caller, verbs = _replay(client, ("3", "4"))  # Cantonese, youth
    assert goes_to_hold(verbs)
    verbs = caller.follow(verbs)
    assert not any(v.name == "Dial" for v in flat(verbs)), "holding, not yet overflowed"
    assert any(v.name == "Pause" for v in verbs) and list(said(verbs))
    store = CallStore(runtime.redis)
    call = _live(runtime, caller)
    call.queued_at = (call.queued_at or 0) - runtime.rules.tiers[call.tier or ""].max_wait - 1
    store.save(call)
    verbs = caller.follow(verbs)
    dial = next(v for v in flat(verbs) if v.name == "Dial")
    assert dial.text == runtime.rules.overflow_number("yue")
    assert _live(runtime, caller).stage == "overflowed"
    # The Cantonese line does not answer: the backup line is tried next.
    verbs = caller.post(dial.attrs["action"], {"DialCallStatus": "no-answer"})
    assert next(v for v in flat(verbs) if v.name == "Dial").text == runtime.backup_number


def test_live_state_is_json_a_person_can_read(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    caller, _ = _replay(client, ("1", "7"))
    raw = runtime.redis.get(f"hotline:call:{_live(runtime, caller).call_id}")
    assert raw is not None and json.loads(raw)["stage"] == "queued"


def test_the_hold_loop_says_where_the_caller_stands(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    first, verbs = _replay(client, ("1", "7"))  # English, standard
    second, verbs2 = _replay(client, ("1", "7"))
    words = " ".join(v.text for v in said(second.follow(verbs2)))
    assert "You are number 2 in line." in words
    words = " ".join(v.text for v in said(first.follow(verbs)))
    assert "You are next in line." in words
    _replay(client, ("9",))
    words = " ".join(v.text for v in said(second.follow(second.documents[-1])))
    assert "You are number 3 in line." in words, "the imminent caller went ahead"


def _action(verbs: list[Verb]) -> str:
    return next(v for v in verbs if v.name == "Gather").attrs["action"]


def test_the_menus_need_no_redis_but_the_queue_does(client, runtime: Runtime, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The menu state rides in the signed action URL: neither the first webhook nor a
    menu step reads or writes Redis, and the caller still lands in the queue with what
    they chose, the moment the call began kept."""
    Caller(client).call()  # this process has looked at Redis once: it answers
    monkeypatch.setattr(runtime.in_force, "clock", lambda: 0.0)  # no look for new versions
    commands: list[str] = []
    original = runtime.redis.execute_command

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        commands.append(str(args[0]))
        return original(*args, **kwargs)

    caller = Caller(client)
    runtime.redis.execute_command = counting  # type: ignore[method-assign]
    try:
        ringing = time.time()
        verbs = caller.call()
        answered = time.time()
        verbs = caller.give(verbs, "3")  # Cantonese: the next menu, from the URL alone
    finally:
        runtime.redis.execute_command = original  # type: ignore[method-assign]
    assert is_menu(verbs) and commands == []
    assert CallStore(runtime.redis).by_sid(caller.call_sid) is None
    verbs = caller.give(verbs, "4")  # youth: into the queue, written to Redis now
    assert goes_to_hold(verbs)
    call = _live(runtime, caller)
    assert (call.language, call.topic, call.stage) == ("yue", "youth", "queued")
    assert call.caller_key is not None and call.region == "US/CA"
    assert ringing - 0.001 <= call.started_at <= answered + 0.001, "it began at the first ring"


@pytest.mark.parametrize("damage", ["flip", "other_call", "drop"])
def test_an_altered_state_in_the_url_takes_the_safe_default(  # type: ignore[no-untyped-def]
    client, runtime: Runtime, damage: str
) -> None:
    caller, other = Caller(client), Caller(client)
    verbs, theirs = caller.call(), other.call()
    verbs = caller.give(verbs, "2")  # Mandarin
    action = _action(verbs)
    base, _, token = action.partition("&s=")
    if damage == "flip":
        action = base + "&s=" + token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    elif damage == "other_call":
        action = base + "&s=" + _action(theirs).partition("&s=")[2]
    else:
        action = base
    verbs = caller.post(action, {"Digits": "7"})  # the state cannot be trusted: to a person
    call = _safe_default_in_line(runtime, caller, verbs)
    assert call.caller_key is not None, "still counted"
