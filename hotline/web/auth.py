"""Sign-in, sign-out, password and language; who may open which page.

Every page needs sign-in, and the check fails closed: a guard before each request refuses
any endpoint not listed as public, so a page added without a decorator is still
protected. By default /supervisor/* needs a supervisor and /admin/* an admin;
`login_required(role=...)` may ask for more on any view.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Request,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from hotline.accounts import service as users
from hotline.accounts.service import Account, UserError
from hotline.accounts.signin import LOCK_SECONDS
from hotline.runtime import Runtime

bp = Blueprint("auth", __name__)
F = TypeVar("F", bound=Callable[..., Any])

# Answered without sign-in: signed webhooks, health and metrics (token), the recorded
# prompts callers hear (web/audio.py), and the sign-in page.
MACHINE_BLUEPRINTS = frozenset({"voice", "health", "metrics", "audio"})
PUBLIC_ENDPOINTS = frozenset({"static", "auth.signin"})
PREFIX_ROLES = (("/admin", "admin"), ("/supervisor", "supervisor"))


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions["hotline"]
    return rt


def current_user() -> Account | None:
    """The signed-in user of this request (also `g.user` and `current_user` in templates)."""
    user: Account | None = g.get("user")
    return user


def required_role(path: str) -> str:
    for prefix, role in PREFIX_ROLES:
        if path == prefix or path.startswith(prefix + "/"):
            return role
    return "counselor"


def login_required(role: str = "counselor") -> Callable[[F], F]:
    """A view for signed-in users of at least `role` (counselor < supervisor < admin)."""
    if role not in users.ROLES:
        raise ValueError(f"unknown role {role!r}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            denied = _deny(role)
            if denied is not None:
                return denied
            return view(*args, **kwargs)

        checked.required_role = role  # type: ignore[attr-defined]  # read by the access test
        return checked  # type: ignore[return-value]

    return decorate


def _deny(role: str) -> ResponseReturnValue | None:
    user = current_user()
    if user is None:
        if request.method == "GET" and not _wants_json():
            return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
        abort(401)
    if not user.at_least(role):
        abort(403)
    return None


def _wants_json() -> bool:
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def _load_user() -> None:
    g.user = None
    uid, print_ = session.get("uid"), session.get("pw")
    if isinstance(uid, int) and isinstance(print_, str):
        g.user = users.get_account(runtime(), uid, print_)
        if g.user is None:
            session.clear()


def _guard() -> ResponseReturnValue | None:
    """Before every request: machine endpoints and the sign-in page pass; all else needs
    a user of the role its path asks for."""
    if request.blueprint in MACHINE_BLUEPRINTS:
        return None
    _load_user()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    # Also for a path with no page: a counselor probing /admin/... learns nothing from a 404.
    return _deny(required_role(request.path))


def home_for(user: Account) -> str:
    """Counselors land on the console, supervisors and admins on the dashboard (if any)."""
    if user.at_least("supervisor") and "supervisor.dashboard" in current_app.view_functions:
        return url_for("supervisor.dashboard")
    return url_for("console.index")


@bp.get("/")
def index() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    return redirect(home_for(user))


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("signin.html", name="")
    name = request.form.get("name", "")[:80]
    password = request.form.get("password", "")[:200]
    result = users.authenticate(
        runtime(), name=name, password=password, address=request.remote_addr or "unknown"
    )
    if result.outcome == "ok" and result.account is not None:
        session.clear()
        session["uid"], session["pw"] = result.account.id, result.fingerprint
        session.permanent = False
        return redirect(_safe_next(request.args.get("next")) or home_for(result.account))
    if result.outcome == "locked":
        message = _(
            "Too many failed sign-ins. Sign-in is paused for %(minutes)d minutes; "
            "ask a supervisor if you need in sooner.",
            minutes=LOCK_SECONDS // 60,
        )
    else:
        message = _("That name and password do not match.")
    return render_template("signin.html", name=name, error=message), 401


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.post("/signout")
def signout() -> ResponseReturnValue:
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.signin"))


@bp.route("/account/password", methods=["GET", "POST"])
def password() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    if request.method == "GET":
        return render_template("password.html")
    new = request.form.get("new", "")
    if new != request.form.get("repeat", ""):
        return render_template("password.html", error=_("The two new passwords differ.")), 400
    try:
        print_ = users.change_password(
            runtime(), user_id=user.id, current=request.form.get("current", ""), new=new
        )
    except UserError as exc:
        return render_template("password.html", error=_translate_user_error(exc)), 400
    session["pw"] = print_  # this session stays; every other one is signed out
    flash(_("Your password is changed."), "info")
    return redirect(home_for(user))


def _translate_user_error(exc: UserError) -> str:
    words = {
        "short_password": _("A password has at least %(n)d characters.", n=users.MIN_PASSWORD),
        "wrong_password": _("The current password is not right."),
        "same_password": _("The new password must differ from the current one."),
    }
    return str(words.get(exc.code, str(exc)))


@bp.post("/account/language")
def language() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    try:
        users.set_locale(runtime(), user_id=user.id, locale=request.form.get("locale", ""))
    except UserError:
        abort(400)
    return redirect(_safe_next(request.form.get("next")) or home_for(user))


def _error_page(exc: HTTPException) -> ResponseReturnValue:
    if request.blueprint in MACHINE_BLUEPRINTS:
        return exc
    if _wants_json():
        return {"error": exc.name}, exc.code or 500
    titles = {
        400: _("That request could not be understood."),
        401: _("Please sign in."),
        403: _("This page is not open to your role."),
        404: _("There is no such page."),
        405: _("That is not how this page is used."),
        409: _("Your account is not linked to anyone on the roster."),
    }
    title = titles.get(exc.code or 500, _("Something went wrong."))
    return render_template("error.html", title=title, code=exc.code), exc.code or 500


def _csrf_error(exc: CSRFError) -> ResponseReturnValue:
    if _wants_json():
        return {"error": "csrf"}, 400
    title = _("This form has expired. Go back, reload the page and try again.")
    return render_template("error.html", title=title, code=400), 400


class PageSessions(SecureCookieSessionInterface):
    """The signed-cookie session, for people's pages only: Twilio's webhooks carry no
    cookie and get a null session (nothing can be stored in it), and skip the work."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith("/voice/"):
            return None  # Flask puts a NullSession in its place and never saves it
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = PageSessions()
    app.before_request(_guard)
    for code in (400, 401, 403, 404, 405, 409):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)

    @app.context_processor
    def user_context() -> dict[str, object]:
        user = current_user()
        return {"current_user": user, "nav_items": nav_for(user)}


class NavItem:
    """A link in the top bar, shown to users of at least `role`. A page blueprint lists its
    own in a module-level `NAV`; create_app collects them in registration order."""

    def __init__(self, endpoint: str, label: object, role: str = "counselor") -> None:
        self.endpoint, self.label, self.role = endpoint, label, role


def nav_for(user: Account | None) -> list[NavItem]:
    items: list[NavItem] = current_app.config.get("HOTLINE_NAV", [])
    known = current_app.view_functions
    return [i for i in items if user and user.at_least(i.role) and i.endpoint in known]
