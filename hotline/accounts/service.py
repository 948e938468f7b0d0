"""Accounts for the console and the dashboard: create, sign in, change password, lock-out.

Only an argon2 hash of a password is kept. Failed sign-ins are counted in Redis per
user name and per client address; past the limit that name (or address) is locked
for a while, whether or not the user exists, so the page never tells which names do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from hotline.accounts.signin import SignInThrottle
from hotline.records.models import AuditEvent, Counselor, User
from hotline.runtime import Runtime

log = logging.getLogger(__name__)

ROLES = ("counselor", "supervisor", "admin")  # each may do what the ones before it may
LOCALES = ("en", "zh_Hans")
MIN_PASSWORD = 10

_hasher = PasswordHasher()
# Verified against when the name is unknown, so an unknown name takes as long as a known one.
_UNKNOWN_HASH = _hasher.hash(secrets.token_hex(16))


class UserError(ValueError):
    """A request about accounts that cannot be done; the message says why, and `code` lets a
    page say it in the user's language."""

    def __init__(self, message: str, code: str = "other") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Account:
    """The signed-in user as pages see it; never the password hash."""

    id: int
    name: str
    role: str
    counselor_id: int | None  # counselors.id; str() of it is the live (Redis) counselor id
    locale: str

    def at_least(self, role: str) -> bool:
        return rank(self.role) >= rank(role)

    @property
    def live_counselor_id(self) -> str | None:
        return str(self.counselor_id) if self.counselor_id is not None else None


@dataclass(frozen=True)
class SignIn:
    outcome: Literal["ok", "bad", "locked"]
    account: Account | None = None
    fingerprint: str = ""  # changes with the password: older sessions are then refused


def rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else -1


def new_password() -> str:
    """A random password that reads aloud without ambiguity (no 0/O, 1/l)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _account(user: User) -> Account:
    return Account(user.id, user.name, user.role, user.counselor_id, user.locale)


def _audit(session: object, actor: str, action: str, **detail: object) -> None:
    session.add(AuditEvent(actor=actor, action=action, detail=detail))  # type: ignore[attr-defined]


def _check(name: str, role: str, locale: str) -> str:
    name = name.strip().lower()
    if not name or len(name) > 80 or any(c.isspace() for c in name):
        raise UserError("A user name is 1 to 80 characters with no spaces.")
    if role not in ROLES:
        raise UserError(f"The role must be one of {', '.join(ROLES)}.")
    if locale not in LOCALES:
        raise UserError(f"The language must be one of {', '.join(LOCALES)}.")
    return name


def create_user(
    runtime: Runtime,
    *,
    name: str,
    role: str,
    actor: str,
    password: str | None = None,
    counselor: str | None = None,
    locale: str = "en",
) -> tuple[Account, str]:
    """Add an account; returns it and its password (made up when none is given)."""
    name = _check(name, role, locale)
    password = password if password is not None else new_password()
    if len(password) < MIN_PASSWORD:
        raise UserError(f"A password has at least {MIN_PASSWORD} characters.")
    with runtime.sessions() as session:
        counselor_id = None
        if counselor is not None:
            counselor_id = session.scalar(
                select(Counselor.id).where(func.lower(Counselor.name) == counselor.strip().lower())
            )
            if counselor_id is None:
                raise UserError(f"No counselor named {counselor!r} on the roster.")
        user = User(
            name=name,
            password_hash=_hasher.hash(password),
            role=role,
            counselor_id=counselor_id,
            locale=locale,
            active=True,
            password_changed_at=_now(),
        )
        session.add(user)
        _audit(session, actor, "user_added", name=name, role=role, counselor_id=counselor_id)
        try:
            session.commit()
        except IntegrityError as exc:
            raise UserError(f"A user named {name!r} exists already.") from exc
        return _account(user), password


def get_account(runtime: Runtime, user_id: int, print_: str) -> Account | None:
    """The account a session names, if it still exists, is active and its password unchanged."""
    with runtime.sessions() as session:
        user = session.get(User, user_id)
        if user is None or not user.active or fingerprint(user.password_hash) != print_:
            return None
        return _account(user)


def authenticate(runtime: Runtime, *, name: str, password: str, address: str) -> SignIn:
    """Check a sign-in; a locked name or address is refused before the password is looked at."""
    name = name.strip().lower()
    throttle = SignInThrottle(runtime.redis)
    if throttle.locked(name, address):
        return SignIn("locked")
    with runtime.sessions() as session:
        user = session.scalar(select(User).where(User.name == name)) if name else None
        stored = user.password_hash if user is not None and user.active else _UNKNOWN_HASH
        try:
            good = _hasher.verify(stored, password) and user is not None and user.active
        except (VerificationError, InvalidHashError):
            good = False
        if not good or user is None:
            locked = throttle.fail(name, address)
            log.info("sign-in refused", extra={"locked": locked})
            return SignIn("locked" if locked else "bad")
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_sign_in_at = _now()
        session.commit()
        throttle.clear(name)
        return SignIn("ok", _account(user), fingerprint(user.password_hash))


def change_password(runtime: Runtime, *, user_id: int, current: str, new: str) -> str:
    """Set a new password after checking the current one; returns the new session fingerprint."""
    if len(new) < MIN_PASSWORD:
        raise UserError(f"A password has at least {MIN_PASSWORD} characters.", "short_password")
    with runtime.sessions() as session:
        user = session.get(User, user_id)
        if user is None:
            raise UserError("This account no longer exists.")
        try:
            _hasher.verify(user.password_hash, current)
        except (VerificationError, InvalidHashError) as exc:
            raise UserError("The current password is not right.", "wrong_password") from exc
        if current == new:
            raise UserError("The new password must differ from the current one.", "same_password")
        user.password_hash = _hasher.hash(new)
        user.password_changed_at = _now()
        _audit(session, user.name, "password_changed", user_id=user.id)
        session.commit()
        return fingerprint(user.password_hash)


def set_locale(runtime: Runtime, *, user_id: int, locale: str) -> None:
    if locale not in LOCALES:
        raise UserError(f"The language must be one of {', '.join(LOCALES)}.")
    with runtime.sessions() as session:
        user = session.get(User, user_id)
        if user is not None:
            user.locale = locale
            session.commit()


def ensure_demo_users(runtime: Runtime) -> list[tuple[str, str, str]]:
    """Known sign-ins for the local demo: (name, password, role). Local mode only.

    One supervisor, one admin, and one counselor account per roster counselor (their
    first name, lower case). The password is the name twice with "-demo", so it can be
    printed on the demo's start page. Existing accounts are left as they are.
    """
    if not runtime.settings.local:
        raise UserError("Demo accounts exist only in local mode.")
    wanted: list[tuple[str, str, int | None]] = [("supervisor", "supervisor", None)]
    wanted.append(("admin", "admin", None))
    with runtime.sessions() as session:
        for cid, cname in session.execute(
            select(Counselor.id, Counselor.name).order_by(Counselor.id)
        ):
            first = cname.split()[0].lower() if cname.split() else f"c{cid}"
            wanted.append((first, "counselor", cid))
        known = set(session.scalars(select(User.name)))
        made: list[tuple[str, str, str]] = []
        for name, role, counselor_id in wanted:
            password = f"{name}-{name}-demo"
            if name not in known:
                session.add(
                    User(
                        name=name,
                        password_hash=_hasher.hash(password),
                        role=role,
                        counselor_id=counselor_id,
                        locale="en",
                        active=True,
                        password_changed_at=_now(),
                    )
                )
                known.add(name)
            made.append((name, password, role))
        session.commit()
    return made


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
