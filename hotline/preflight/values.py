"""The settings' values alone: keys, the Twilio account and number, the public address.

No connection is made here; the servers are checked in reach.py."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import phonenumbers
from cryptography.fernet import Fernet

from hotline.config import Secret, Settings
from hotline.preflight.finding import Finding

MIN_KEY_BYTES = 32
MIN_METRICS_TOKEN = 32
ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
# Values found in tutorials, .env examples and first tries: never a key, whatever their length.
WEAK = frozenset(
    {
        "secret",
        "secret-key",
        "secret_key",
        "secretkey",
        "changeme",
        "change-me",
        "change_me",
        "password",
        "dev",
        "development",
        "test",
        "testing",
        "default",
        "hotline",
        "your-secret-key",
        "your-secret-key-here",
        "replace-me",
        "supersecret",
        "super-secret-key",
        "notasecret",
        "0123456789abcdef0123456789abcdef",
        "abcdefghijklmnopqrstuvwxyz012345",
    }
)


def check_values(settings: Settings) -> list[Finding]:
    found = _data_keys(settings.data_key)
    found += _key("SECRET_KEY", settings.secret_key)
    found += _key("HASH_KEY", settings.hash_key)
    if (
        settings.secret_key
        and settings.hash_key
        and settings.secret_key.reveal() == settings.hash_key.reveal()
    ):
        found.append(Finding("HASH_KEY", "is the same as SECRET_KEY; give each its own key"))
    if not ACCOUNT_SID.fullmatch(settings.twilio_account_sid):
        found.append(
            Finding(
                "TWILIO_ACCOUNT_SID",
                "must be AC followed by 32 hex digits (the Account SID in Twilio's console)",
            )
        )
    found += _number(settings.twilio_number)
    found += _public_url(settings.public_url)
    if settings.metrics_token and len(settings.metrics_token.reveal()) < MIN_METRICS_TOKEN:
        found.append(
            Finding(
                "METRICS_TOKEN",
                f"is shorter than {MIN_METRICS_TOKEN} characters; "
                "make one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`",
            )
        )
    return found


def _data_keys(secret: Secret | None) -> list[Finding]:
    keys = [k.strip() for k in (secret.reveal() if secret else "").split(",")]
    bad = []
    for n, key in enumerate(keys, 1):
        try:
            Fernet(key.encode())
        except ValueError:
            bad.append(n)
    if not bad:
        return []
    which = (
        "is not a valid Fernet key"
        if len(keys) == 1
        else f"key {', '.join(map(str, bad))} of {len(keys)} (comma-separated) is not a valid "
        "Fernet key"
    )
    return [
        Finding(
            "DATA_KEY",
            f"{which} (32 url-safe base64-encoded bytes); make one with `python -c "
            "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`",
        )
    ]


def _key(name: str, secret: Secret | None) -> list[Finding]:
    value = secret.reveal() if secret else ""
    make = "make one with `python -c 'import secrets; print(secrets.token_hex(32))'`"
    if value.strip().lower() in WEAK:
        return [Finding(name, f"is a well-known value, not a secret; {make}")]
    if len(value.encode()) < MIN_KEY_BYTES:
        size = len(value.encode())
        needed = f"it must be {MIN_KEY_BYTES} or more"
        return [Finding(name, f"is {size} byte(s) long; {needed}; {make}")]
    if len(set(value)) < 8:
        return [Finding(name, f"repeats a few characters over and over; {make}")]
    return []


def _number(number: str) -> list[Finding]:
    reason = "must be the Twilio number in E.164 form, such as +14155550100"
    if not number:
        return [Finding("TWILIO_NUMBER", f"is not set; it {reason}")]
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return [Finding("TWILIO_NUMBER", reason)]
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if e164 != number or not phonenumbers.is_valid_number(parsed):
        return [Finding("TWILIO_NUMBER", reason)]
    return []


def _public_url(url: str) -> list[Finding]:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return []
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        return []
    return [
        Finding(
            "PUBLIC_URL",
            "must be an https:// address (http only for 127.0.0.1 or localhost): "
            "Twilio signs the URL it calls, and the pages carry sign-in cookies",
        )
    ]
