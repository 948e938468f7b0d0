"""The rules and scripts editor: validate on save with line numbers, diff against the
version in force, dry-run (in force and the text being edited side by side: its Run button
posts the text, so an edit is never thrown away), publish, history with a roll back that
names what it brings back, and the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hotline.problems import InvalidFile, Problem
from hotline.routing.explain import Caller, DryRun
from hotline.routing.rules import Rules
from hotline.rules import dry_run, publishing, versions
from hotline.staffing.coverage import roster_zone
from hotline.web.auth import current_user, login_required, runtime
from hotline.web.said import problem_text, said
from hotline.web.supervisor.blueprint import bp
from hotline.web.supervisor.words import REQUIRES, STATES, TIERS, minutes, percent

AUDIT_ACTIONS = {
    "rules.seed": _l("Rules read from the file"),
    "rules.publish": _l("Rules published"),
    "rules.rollback": _l("Rules rolled back"),
    "ivr.seed": _l("Scripts read from the files"),
    "ivr.publish": _l("Scripts published"),
    "ivr.rollback": _l("Scripts rolled back"),
    "ivr.recording": _l("Recording uploaded"),
}


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    problems: tuple[str, ...]


def numbered(text: str, problems: Sequence[Problem], file: str) -> list[Line]:
    """The text line by line, each with the problems found on it."""
    by_line: dict[int, list[str]] = {}
    for p in problems:
        if p.file == file:
            by_line.setdefault(p.line, []).append(problem_text(p))
    lines = text.split("\n")
    return [Line(n, line, tuple(by_line.get(n, ()))) for n, line in enumerate(lines, start=1)]


def diff_lines(diff: str) -> list[tuple[str, str]]:
    """(css class, line) for each line of a unified diff."""
    out = []
    for line in diff.splitlines():
        kind = (
            "hunk"
            if line.startswith("@@")
            else "file"
            if line.startswith(("---", "+++"))
            else ("add" if line.startswith("+") else "del" if line.startswith("-") else "same")
        )
        out.append((kind, line))
    return out


def _refusal(exc: Exception) -> str:
    """Why publishing or a roll back was refused, in the reader's language."""
    if isinstance(exc, InvalidFile):
        return "; ".join(f"{p.file}:{p.line}: {problem_text(p)}" for p in exc.problems)
    return said(exc.args[0]) if exc.args else str(exc)


def _actor() -> str:
    user = current_user()
    return user.name if user else "unknown"


DRY_RUN_CHOICES = ("language", "topic", "tier", "roster", "at")


def _dry_args(source: Mapping[str, str], rules: Rules) -> tuple[Caller, dt.datetime, str, str]:
    language = source.get("language") or (
        "yue" if "yue" in rules.languages else rules.default_language
    )
    topic = source.get("topic") or ("youth" if "youth" in rules.specialties else "general")
    tier = source.get("tier") or ("urgent" if "urgent" in rules.tiers else rules.tier_order[0])
    roster = source.get("roster") if source.get("roster") in dry_run.ROSTERS else dry_run.LIVE
    at_text = source.get("at", "")
    try:
        at = dt.datetime.fromisoformat(at_text) if at_text else dt.datetime.now(dt.UTC)
    except ValueError:
        at = dt.datetime.now(dt.UTC)
        flash(_("The time for the dry-run was not understood; it uses now."), "warning")
    if at.tzinfo is None:  # a time typed in the form is in the roster's time zone
        at = at.replace(tzinfo=ZoneInfo(roster_zone(runtime())))
    return Caller(language, topic, tier), at, roster or dry_run.LIVE, at_text


def _explain(run: DryRun, names: Mapping[str, str]) -> dict[str, Any]:
    def who(cid: str) -> str:
        return names.get(cid, cid)

    return {
        "run": run,
        "order": [
            {
                "name": who(c.counselor_id),
                "step": c.step + 1,
                "from": c.from_second,
                "idle": int(c.idle_seconds),
            }
            for c in run.offer_order
        ],
        "busy": [
            {"name": who(c.counselor_id), "state": STATES.get(c.state.value, c.state.value)}
            for c in run.busy
        ],
        "pausable": [{"name": who(c.counselor_id), "from": c.from_second} for c in run.pausable],
        "steps": [
            {
                "n": s.index + 1,
                "after": s.after,
                "starts_at": s.starts_at,
                "require": ", ".join(str(REQUIRES.get(r, r)) for r in s.require) or _("anyone"),
                "adds": [who(c) for c in s.adds],
            }
            for s in run.steps
        ],
    }


def _common(kind: str, source: Mapping[str, str], proposed: Rules | None) -> dict[str, Any]:
    rt = runtime()
    rules = rt.rules
    caller, at, roster, at_text = _dry_args(source, rules)
    names = dry_run.counselor_names(rt)
    in_force = _explain(dry_run.dry_run(rt, caller, at=at, roster=roster), names)
    preview = (
        _explain(dry_run.dry_run(rt, caller, at=at, rules=proposed, roster=roster), names)
        if proposed is not None and proposed.version != rules.version
        else None
    )
    return {
        "kind": kind,
        "rules": rules,
        "tiers": TIERS,
        "current": publishing.in_force(rt, kind),
        "history": publishing.history(rt, kind, limit=20),
        "audit": publishing.audit_log(rt, limit=30),
        "audit_actions": AUDIT_ACTIONS,
        "dry_caller": caller,
        "dry_at": at_text,
        "dry_roster": roster,
        "dry": in_force,
        "dry_preview": preview,
    }


def _published(number: int) -> None:
    flash(
        _(
            "Published as version %(n)d. Every process uses it within seconds; "
            "calls in progress keep theirs.",
            n=number,
        ),
        "info",
    )


@bp.route("/rules", methods=["GET", "POST"])
@login_required("supervisor")
def rules() -> ResponseReturnValue:
    rt = runtime()
    source = request.form if request.method == "POST" else request.args
    text = request.form.get("text", "").replace("\r\n", "\n") if request.method == "POST" else None
    problems: tuple[Problem, ...] = ()
    diff = ""
    proposed: Rules | None = None
    if text is not None:
        checked = publishing.check_rules(rt, text)
        problems, proposed = checked.problems, checked.rules
        if request.form.get("action") == "publish" and proposed is not None:
            try:
                done = publishing.publish_rules(rt, text, actor=_actor())
            except (publishing.NothingToPublish, InvalidFile) as exc:
                flash(_refusal(exc), "warning")
            else:
                _published(done.number)
                keep: dict[str, Any] = {k: source[k] for k in DRY_RUN_CHOICES if source.get(k)}
                return redirect(url_for("supervisor.rules", **keep))
        if problems:
            flash(
                _("Refused: %(n)d problem(s). The rules in force stay in force.", n=len(problems)),
                "error",
            )
        diff = publishing.diff_rules(rt, text)
    simulation, learnt = None, None
    if text is not None and proposed is not None and request.form.get("action") == "simulate":
        simulation, learnt = dry_run.simulate_edit(rt, text)
    context = _common(versions.RULES, source, proposed)
    shown = text if text is not None else context["current"].text
    unpublished = shown != context["current"].text
    return render_template(
        "supervisor/rules.html",
        text=shown,
        unpublished=unpublished,
        edit_refused=unpublished and proposed is None,
        lines=numbered(shown, problems, versions.RULES_FILE) if problems else [],
        problems=problems,
        bad_lines=",".join(str(p.line) for p in problems if p.file == versions.RULES_FILE),
        diff=diff_lines(diff),
        checked=text is not None,
        simulation=simulation,
        learnt=learnt,
        zip=zip,
        pct=percent,
        secs=minutes,
        **context,
    )


@bp.route("/scripts", methods=["GET", "POST"])
@login_required("supervisor")
def scripts() -> ResponseReturnValue:
    rt = runtime()
    current = publishing.in_force_scripts(rt)
    texts = dict(current)
    problems: tuple[Problem, ...] = ()
    diff = ""
    if request.method == "POST":
        texts = {
            name: request.form.get(f"file:{name}", "").replace("\r\n", "\n") for name in current
        }
        checked = publishing.check_scripts(rt, texts)
        problems = checked.problems
        if request.form.get("action") == "publish" and checked.ok:
            try:
                done = publishing.publish_scripts(rt, texts, actor=_actor())
            except (publishing.NothingToPublish, InvalidFile) as exc:
                flash(_refusal(exc), "warning")
            else:
                _published(done.number)
                return redirect(url_for("supervisor.scripts"))
        if problems:
            flash(
                _(
                    "Refused: %(n)d problem(s). The scripts in force stay in force.",
                    n=len(problems),
                ),
                "error",
            )
        diff = publishing.diff_scripts(rt, texts)
    return render_template(
        "supervisor/scripts.html",
        files=_script_files(texts, problems, current),
        other_problems=_other_problems(texts, problems),
        problems=problems,
        diff=diff_lines(diff),
        checked=request.method == "POST",
        kind=versions.IVR,
        current=publishing.in_force(rt, versions.IVR),
        history=publishing.history(rt, versions.IVR, limit=20),
        audit=publishing.audit_log(rt, limit=30),
        audit_actions=AUDIT_ACTIONS,
    )


def _script_files(
    texts: Mapping[str, str], problems: Sequence[Problem], current: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Each script file as the editor shows it: its text, its own problems and their lines,
    and whether it differs from the file in force."""
    files = []
    for name, body in texts.items():
        file = f"{versions.SCRIPTS_DIR}/{name}"
        mine = [p for p in problems if p.file == file]
        files.append(
            {
                "name": name,
                "text": body,
                "problems": mine,
                "lines": numbered(body, mine, file) if mine else [],
                "bad_lines": ",".join(str(p.line) for p in mine),
                "unpublished": body != current.get(name),
            }
        )
    return files


def _other_problems(texts: Mapping[str, str], problems: Sequence[Problem]) -> list[Problem]:
    """The problems that belong to none of the script files shown."""
    return [
        p
        for p in problems
        if not p.file.startswith(f"{versions.SCRIPTS_DIR}/")
        or p.file.removeprefix(f"{versions.SCRIPTS_DIR}/") not in texts
    ]


@bp.post("/rollback/<kind>/<int:number>")
@login_required("supervisor")
def rollback(kind: str, number: int) -> ResponseReturnValue:
    if kind not in versions.KINDS:
        abort(404)
    target = "supervisor.rules" if kind == versions.RULES else "supervisor.scripts"
    try:
        done = publishing.rollback(runtime(), kind, number, actor=_actor())
    except LookupError:
        abort(404)
    except publishing.NothingToPublish as exc:
        flash(_refusal(exc), "warning")
    except InvalidFile as exc:
        flash(
            _("Version %(n)d no longer fits what is in force:", n=number) + " " + _refusal(exc),
            "error",
        )
    else:
        flash(
            _("Version %(old)d is in force again, as version %(n)d.", old=number, n=done.number),
            "info",
        )
    # The form carries the dry-run's choices (pages send no Referer: Referrer-Policy).
    keep: dict[str, Any] = {k: request.form[k] for k in DRY_RUN_CHOICES if request.form.get(k)}
    return redirect(url_for(target, **keep))


@bp.get("/export/<kind>")
@login_required("supervisor")
def export(kind: str) -> ResponseReturnValue:
    """The version in force as a file, to put back beside the service (see the README)."""
    if kind == versions.RULES:
        name, body = versions.RULES_FILE, publishing.in_force(runtime(), kind).text
    elif kind == versions.IVR:
        name = request.args.get("file", "")
        found = publishing.in_force_scripts(runtime()).get(name)
        if found is None:
            abort(404)
        body = found
    else:
        abort(404)
    return Response(
        body,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
