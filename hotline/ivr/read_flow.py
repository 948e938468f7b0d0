"""flow.yaml -> the menu structure, with every shape error named by line and node."""

from __future__ import annotations

import re
from typing import Any

from hotline.ivr.model import ENDS, VERBS, Action, Menu, Node, Pass, Script, Target
from hotline.ivr.reading import Reader
from hotline.problems import Problem, say
from hotline.yamlsource import Located, Path

TOP = ("default_language", "languages", "danger_key", "tiers", "default_topic", "speech")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
KEYS = re.compile(r"^[0-9*#]+$")
MENU_KEYS = ("gather", "digits", "on_silence", "on_invalid")


def read_flow(located: Located) -> tuple[Script | None, list[Problem]]:
    """The script's structure (no languages yet), or None when it cannot be built."""
    reader = Reader(located)
    top = reader.mapping(
        located.data,
        (),
        "",
        allowed=(*TOP, "start", "nodes"),
        required=("default_language", "languages", "danger_key", "start", "nodes"),
    )
    if top is None:
        return None, reader.problems
    default_language = reader.text(top.get("default_language"), ("default_language",), "")
    languages = reader.texts(top.get("languages"), ("languages",), "")
    danger_key = reader.key(top.get("danger_key"), ("danger_key",), "")
    if danger_key is not None and not re.fullmatch(r"[0-9*#]", danger_key):
        reader.report(("danger_key",), say("danger_key must be one key: 0-9, * or #"))
        danger_key = None
    start = reader.text(top.get("start"), ("start",), "")
    tiers = reader.mapping(top.get("tiers", {}), ("tiers",), "", allowed=("danger", "default"))
    danger_tier = default_tier = None
    if tiers is not None:
        danger_tier = reader.text(tiers.get("danger", "imminent"), ("tiers", "danger"), "")
        default_tier = reader.text(tiers.get("default", "urgent"), ("tiers", "default"), "")
    default_topic = reader.text(top.get("default_topic", "general"), ("default_topic",), "")
    speech = reader.mapping(top.get("speech", {}), ("speech",), "", allowed=("enabled",))
    speech_on = None
    if speech is not None:
        speech_on = reader.flag(speech.get("enabled", True), ("speech", "enabled"), "")
    nodes = _read_nodes(reader, top.get("nodes"), danger_key)
    if (
        default_language is None
        or languages is None
        or danger_key is None
        or start is None
        or danger_tier is None
        or default_tier is None
        or default_topic is None
        or speech_on is None
        or nodes is None
    ):
        return None, reader.problems
    script = Script(
        version="",
        default_language=default_language,
        languages=languages,
        danger_key=danger_key,
        start=start,
        nodes=nodes,
        danger_tier=danger_tier,
        default_tier=default_tier,
        default_topic=default_topic,
        speech=speech_on,
    )
    return script, reader.problems


def _read_nodes(reader: Reader, value: Any, danger_key: str | None) -> dict[str, Node] | None:
    raw = reader.mapping(value, ("nodes",), "")
    if raw is None:
        return None
    if not raw:
        reader.report(("nodes",), say("nodes must hold at least one menu"))
        return None
    nodes: dict[str, Node] = {}
    for node_id, body in raw.items():
        path: Path = ("nodes", node_id)
        if not isinstance(node_id, str) or not re.fullmatch(r"[A-Za-z0-9_]+", node_id):
            reader.report(path, say("a node id is letters, digits and _ only"), str(node_id))
            continue
        node = _read_node(reader, node_id, body, path, danger_key)
        if node is not None:
            nodes[node_id] = node
    return nodes


def _read_node(
    reader: Reader, node_id: str, body: Any, path: Path, danger_key: str | None
) -> Node | None:
    line = reader.located.line(path)
    if isinstance(body, dict) and "do" in body:
        fields = reader.mapping(body, path, node_id, allowed=("do",))
        actions = _read_target(reader, fields["do"] if fields else None, (*path, "do"), node_id)
        return Pass(node_id, actions, line) if actions is not None else None
    fields = reader.mapping(body, path, node_id, allowed=MENU_KEYS, required=("digits",))
    if fields is None:
        return None
    gather = reader.mapping(
        fields.get("gather", {}),
        (*path, "gather"),
        node_id,
        allowed=("timeout", "num_digits", "speech"),
    )
    if gather is None:
        return None
    timeout = reader.integer(gather.get("timeout", 6), (*path, "gather", "timeout"), node_id, 3, 30)
    num_digits = reader.integer(
        gather.get("num_digits", 1), (*path, "gather", "num_digits"), node_id, 1, 3
    )
    speech = reader.flag(gather.get("speech", False), (*path, "gather", "speech"), node_id)
    digits = _read_digits(reader, fields.get("digits"), path, node_id, num_digits, danger_key)
    on_silence = on_invalid = None
    if "on_silence" in fields:
        on_silence = _read_target(reader, fields["on_silence"], (*path, "on_silence"), node_id)
    if "on_invalid" in fields:
        on_invalid = _read_target(reader, fields["on_invalid"], (*path, "on_invalid"), node_id)
    if timeout is None or num_digits is None or speech is None or digits is None:
        return None
    return Menu(node_id, timeout, num_digits, speech, digits, on_silence, on_invalid, line)


def _read_digits(
    reader: Reader,
    value: Any,
    path: Path,
    node_id: str,
    num_digits: int | None,
    danger_key: str | None,
) -> dict[str, Target] | None:
    raw = reader.mapping(value, (*path, "digits"), node_id)
    if raw is None:
        return None
    digits: dict[str, Target] = {}
    for key_value, target_value in raw.items():
        key_path: Path = (*path, "digits", key_value)
        key = reader.key(key_value, key_path, node_id)
        if key is None:
            continue
        if not KEYS.fullmatch(key):
            reader.report(
                key_path, say("key %(key)r: only 0-9, * and # can be pressed", key=key), node_id
            )
        elif num_digits is not None and len(key) > num_digits:
            message = say("key %(key)r is longer than num_digits %(n)d", key=key, n=num_digits)
            reader.report(key_path, message, node_id)
        elif key == danger_key:
            reader.report(
                key_path, say("key %(key)r is the danger key; pick another", key=key), node_id
            )
        elif key in digits:
            reader.report(key_path, say("key %(key)r is used twice in this menu", key=key), node_id)
        target = _read_target(reader, target_value, key_path, node_id)
        if target is not None and key not in digits:
            digits[key] = target
    return digits


def _read_target(reader: Reader, value: Any, path: Path, node_id: str) -> Target | None:
    """A node id, or an action list whose last action is go or an end."""
    line = reader.located.line(path)
    if isinstance(value, str) and value.strip():
        return (Action("go", value, line),)
    if not isinstance(value, list) or not value:
        reader.report(path, say("a target is a node id or a non-empty list of actions"), node_id)
        return None
    actions: list[Action] = []
    for i, item in enumerate(value):
        action = _read_action(reader, item, (*path, i), node_id)
        if action is None:
            return None
        actions.append(action)
    for action in actions[:-1]:
        if action.verb == "go" or action.verb in ENDS:
            message = say("%(verb)s must be the last action of its list", verb=action.verb)
            reader.report(path, message, node_id)
            return None
    if actions[-1].verb != "go" and actions[-1].verb not in ENDS:
        ends = ", ".join(("go", *ENDS))
        message = say("this action list never reaches a person: end it with %(ends)s", ends=ends)
        reader.report(path, message, node_id)
        return None
    return tuple(actions)


def _read_action(reader: Reader, item: Any, path: Path, node_id: str) -> Action | None:
    line = reader.located.line(path)
    if item in ("enqueue", "offer_callback"):
        return Action(str(item), "", line)
    if not isinstance(item, dict) or len(item) != 1:
        known = ", ".join(VERBS)
        message = say("an action is enqueue, offer_callback or one of %(known)s", known=known)
        reader.report(path, message, node_id)
        return None
    ((verb, value),) = item.items()
    if verb not in VERBS or verb in ("enqueue", "offer_callback"):
        message = say(
            "unknown action %(verb)r (known: %(known)s)", verb=verb, known=", ".join(VERBS)
        )
        reader.report(path, message, node_id)
        return None
    text = reader.text(value, (*path, verb), node_id)
    if text is None:
        return None
    if verb == "transfer" and text != "overflow" and not E164.fullmatch(text):
        reader.report(
            path,
            say("transfer to %(to)r: use +E.164 (e.g. +15551234567) or overflow", to=text),
            node_id,
        )
        return None
    return Action(verb, text, line)
