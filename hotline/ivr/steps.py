"""What the IVR asks the web layer to do next: plain values it turns into TwiML."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Say:
    """Text spoken with a Twilio <Say> voice; each piece carries its own voice and language."""

    text: str
    voice: str
    language: str


@dataclass(frozen=True)
class Play:
    """A recorded prompt (https URL) for a <Play>: for dialects with no good text-to-speech."""

    url: str


@dataclass(frozen=True)
class Pause:
    """A short silence between pieces, so options in different languages do not run together."""

    seconds: int


Prompt = Say | Play | Pause


@dataclass(frozen=True)
class Ask:
    """Play `prompts` inside one <Gather>, then send what the caller gave (or nothing) back."""

    node: str
    prompts: tuple[Prompt, ...]
    timeout: int
    num_digits: int
    speech: bool  # True: input="dtmf speech"; False: input="dtmf"
    speech_language: str | None  # the <Gather language> for recognition, when speech is on
    hints: tuple[str, ...]  # words to bias recognition (<Gather hints>), when speech is on


@dataclass(frozen=True)
class Enqueue:
    """Put the caller in the live queue of `tier`; `prompts` are said first."""

    language: str
    topic: str
    tier: str
    speech_used: bool
    prompts: tuple[Prompt, ...]


@dataclass(frozen=True)
class Transfer:
    """Dial `number` (E.164), or the rules' overflow number for `language` if it is "overflow"."""

    number: str
    language: str
    prompts: tuple[Prompt, ...]


@dataclass(frozen=True)
class OfferCallback:
    """Offer a callback instead of waiting; the web layer asks consent, else queues the caller."""

    language: str
    topic: str
    tier: str
    speech_used: bool
    prompts: tuple[Prompt, ...]


Step = Ask | Enqueue | Transfer | OfferCallback
OVERFLOW = "overflow"
