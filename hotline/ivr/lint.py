"""Checks that make a script safe for a caller in crisis: every path ends with a person.

Problems name file, line and node, so `hotline check` can point a supervisor at the spot.
"""

from __future__ import annotations

import os
from collections.abc import Collection

import hotline.ivr.recordings as recordings
from hotline.ivr.lint_language import check_languages, unrecorded
from hotline.ivr.model import Menu, Node, Script, Target
from hotline.ivr.sources import FLOW_FILE, Sources, read_sources
from hotline.problems import Problem, say
from hotline.yamlsource import Located

MAX_MENUS = 3  # menus on any path before the caller reaches a person


def lint_scripts(
    directory: str | os.PathLike[str],
    *,
    languages: Collection[str] | None = None,
    topics: Collection[str] | None = None,
    tiers: Collection[str] | None = None,
) -> list[Problem]:
    """Every problem in the script directory; the optional sets come from the routing rules."""
    return lint_sources(read_sources(directory), languages=languages, topics=topics, tiers=tiers)


def recording_warnings(directory: str | os.PathLike[str]) -> list[Problem]:
    """What `hotline check` warns about without failing: every prompt of a recordings-only
    language still said in its fallback language, and files in audio/ no prompt can name."""
    sources = read_sources(directory)
    warnings = unrecorded(sources, sources.flow) if sources.flow is not None else []
    for stray in recordings.strays(directory):
        message = say("not a recording a prompt can name (lowercase name, .mp3 or .wav)")
        warnings.append(Problem(sources.path(stray), 1, message))
    return sorted(warnings)


def lint_sources(
    sources: Sources,
    *,
    languages: Collection[str] | None = None,
    topics: Collection[str] | None = None,
    tiers: Collection[str] | None = None,
) -> list[Problem]:
    problems = list(sources.problems)
    script, flow_file = sources.flow, sources.flow_file
    if script is not None and flow_file is not None:
        flow = _FlowCheck(script, sources.path(FLOW_FILE), flow_file)
        flow.check_names(languages, topics, tiers)
        flow.check_paths()
        problems += flow.problems
        problems += check_languages(sources, script)
    return sorted(set(problems))


class _FlowCheck:
    """The checks on flow.yaml's structure, collecting problems as they go."""

    def __init__(self, script: Script, file: str, located: Located) -> None:
        self.script, self.file, self.located = script, file, located
        self.problems: list[Problem] = []

    def report(self, line: int, message: str, where: str) -> None:
        self.problems.append(Problem(self.file, line, message, where))

    def top_line(self, key: str) -> int:
        return self.located.line((key,))

    def check_names(
        self,
        languages: Collection[str] | None,
        topics: Collection[str] | None,
        tiers: Collection[str] | None,
    ) -> None:
        """Every name the flow uses is one it (and the routing rules, if given) knows."""
        s = self.script
        if len(set(s.languages)) != len(s.languages):
            self.report(self.top_line("languages"), say("a language is listed twice"), "languages")
        if s.default_language not in s.languages:
            message = say("default_language %(code)r is not in languages", code=s.default_language)
            self.report(self.top_line("default_language"), message, "default_language")
        for code in s.languages:
            if languages is not None and code not in languages:
                message = say("language %(code)r is not in the routing rules", code=code)
                self.report(self.top_line("languages"), message, code)
        if tiers is not None:
            for tier in (s.danger_tier, s.default_tier):
                if tier not in tiers:
                    message = say("tier %(tier)r is not in the rules", tier=tier)
                    self.report(self.top_line("tiers"), message, tier)
        if topics is not None and s.default_topic not in topics:
            message = say("topic %(topic)r is not in the routing rules", topic=s.default_topic)
            self.report(self.top_line("default_topic"), message, "default_topic")
        if s.start not in s.nodes:
            message = say("start %(start)r is not a node", start=s.start)
            self.report(self.top_line("start"), message, "start")
        for node in s.nodes.values():
            for target in _targets(node):
                for action in target:
                    self.check_action(
                        node.id, action.verb, action.value, action.line, topics, tiers
                    )

    def check_action(
        self,
        node: str,
        verb: str,
        value: str,
        line: int,
        topics: Collection[str] | None,
        tiers: Collection[str] | None,
    ) -> None:
        s = self.script
        if verb == "go" and value not in s.nodes:
            self.report(line, say("no node named %(value)r", value=value), node)
        elif verb == "set_language" and value not in s.languages:
            self.report(line, say("language %(value)r is not in languages", value=value), node)
        elif verb == "set_topic" and topics is not None and value not in topics:
            self.report(line, say("topic %(value)r is not in the routing rules", value=value), node)
        elif verb == "set_tier" and tiers is not None and value not in tiers:
            self.report(line, say("tier %(value)r is not in the routing rules", value=value), node)

    def check_paths(self) -> None:
        """Nothing unreachable, no loop, at most MAX_MENUS menus before a person."""
        s = self.script
        if s.start not in s.nodes:
            return
        reached, looped = self.walk()
        for node in s.nodes.values():
            if node.id not in reached:
                message = say("node %(node)r cannot be reached from start", node=node.id)
                self.report(node.line, message, node.id)
        if not looped:
            self.check_depth()

    def walk(self) -> tuple[set[str], bool]:
        """Depth-first from start: the nodes reached, and whether some edge loops back."""
        s = self.script
        done: set[str] = set()
        path: list[str] = []
        stack: list[tuple[str, list[tuple[str, int]]]] = [(s.start, _edges(s, s.nodes[s.start]))]
        path.append(s.start)
        looped = False
        while stack:
            node_id, edges = stack[-1]
            if not edges:
                stack.pop()
                path.pop()
                done.add(node_id)
                continue
            succ, line = edges.pop()
            if succ in path:
                message = say(
                    "goes back to %(node)r: a caller could go round and never reach a person",
                    node=succ,
                )
                self.report(line, message, node_id)
                looped = True
            elif succ not in done:
                path.append(succ)
                stack.append((succ, _edges(s, s.nodes[succ])))
        return done, looped

    def check_depth(self) -> None:
        s = self.script
        depth: dict[str, int] = {}

        def menus(node_id: str) -> int:  # no loops here: walk() found none
            if node_id not in depth:
                node = s.nodes[node_id]
                below = [menus(succ) for succ, _ in _edges(s, node)]
                depth[node_id] = (1 if isinstance(node, Menu) else 0) + max(below, default=0)
            return depth[node_id]

        if menus(s.start) <= MAX_MENUS:
            return
        node_id, seen = s.start, 0
        while True:  # follow the deepest path to the menu that is one too many
            node = s.nodes[node_id]
            seen += isinstance(node, Menu)
            if seen > MAX_MENUS:
                count = menus(s.start)
                message = say(
                    "a caller can meet %(count)d menus before a person (at most %(most)d)",
                    count=count,
                    most=MAX_MENUS,
                )
                self.report(node.line, message, node_id)
                return
            node_id = max(_edges(s, node), key=lambda edge: menus(edge[0]))[0]


def _targets(node: Node) -> list[Target]:
    if isinstance(node, Menu):
        extra = [t for t in (node.on_silence, node.on_invalid) if t is not None]
        return [*node.digits.values(), *extra]
    return [node.actions]


def _edges(script: Script, node: Node) -> list[tuple[str, int]]:
    """(next node, line) for every go of a node that names a known node."""
    return [
        (action.value, action.line)
        for target in _targets(node)
        for action in target
        if action.verb == "go" and action.value in script.nodes
    ]
