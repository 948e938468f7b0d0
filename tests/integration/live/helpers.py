"""Small builders for the live tests."""

from __future__ import annotations

from hotline.live.presence import Presence
from hotline.routing.snapshot import CounselorState, WaitingCall

TIERS = ("imminent", "urgent", "standard")
T0 = 1_718_000_000.123456  # a real clock value: entered_at must survive to the microsecond


def call(call_id: str, tier: str = "standard", at: float = 0.0, **kw: str) -> WaitingCall:
    return WaitingCall(
        call_id=call_id,
        tier=tier,
        entered_at=T0 + at,
        language=kw.get("language", "en"),
        topic=kw.get("topic", "general"),
        preferred_counselor=kw.get("preferred_counselor"),
        rules_version=kw.get("rules_version", "v1"),
    )


def available(presence: Presence, counselor_id: str, at: float = 0.0) -> None:
    presence.upsert(counselor_id, languages=["en"], specialties=["general"])
    assert presence.set_state(counselor_id, CounselorState.AVAILABLE, T0 + at)
