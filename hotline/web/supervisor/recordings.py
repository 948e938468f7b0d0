"""The recordings page: upload or replace a recorded prompt; see which prompts still lack one.

An upload is checked (type, size, length), kept by content, and published as a new scripts
version with its audit event, like an edit of the scripts.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from hotline.ivr import recordings as names
from hotline.ivr.audio_format import MAX_BYTES, UPLOAD_LIMIT
from hotline.problems import InvalidFile
from hotline.rules import publishing, recordings, versions
from hotline.web.auth import current_user, login_required, runtime
from hotline.web.supervisor.blueprint import bp


@bp.get("/recordings")
@login_required("supervisor")
def recordings_page() -> ResponseReturnValue:
    rt = runtime()
    audio = publishing.in_force_audio(rt)
    base = rt.in_force.audio_base
    rows = []
    for key, sha256 in sorted(audio.items()):
        split = names.split_key(key)
        if split is not None:
            language, name = split
            url = base + names.url_path(language, name, sha256)
            rows.append({"language": language, "name": name, "sha": sha256[:12], "url": url})
    script = rt.scripts.current
    lacking = [
        {"language": code, "fallback": pack.fallback, "where": where}
        for code, pack in script.packs.items()
        for where in pack.unrecorded
    ]
    return render_template(
        "supervisor/recordings.html",
        rows=rows,
        lacking=lacking,
        languages=list(rt.rules.languages),
        current=publishing.in_force(rt, versions.IVR),
        audit=[a for a in publishing.audit_log(rt, limit=100) if a.action == "ivr.recording"],
        max_mb=MAX_BYTES // (1024 * 1024),
    )


@bp.post("/recordings")
@login_required("supervisor")
def recordings_upload() -> ResponseReturnValue:
    file = request.files.get("file")
    language = request.form.get("language", "")
    name = (request.form.get("name") or (file.filename if file else "") or "").strip()
    if file is None:
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("supervisor.recordings_page"))
    content = file.read(UPLOAD_LIMIT + 1)
    user = current_user()
    try:
        done = recordings.upload(
            runtime(), language, name, content, actor=user.name if user else "unknown"
        )
    except recordings.Refused as exc:
        flash(_("Refused: %(reason)s. Nothing was changed.", reason=str(exc)), "error")
    except publishing.NothingToPublish:
        flash(_("This recording is in force already."), "warning")
    except InvalidFile as exc:
        flash(_("Refused: %(reason)s. Nothing was changed.", reason=str(exc)), "error")
    else:
        flash(
            _("%(name)s is in force, in scripts version %(n)d.", name=name, n=done.number),
            "info",
        )
    return redirect(url_for("supervisor.recordings_page"))
