"""The IVR core: script files -> menus -> a step for each webhook. Pure: stdlib and PyYAML."""

from hotline.ivr.flow import CallerInput, CallState, advance, safe_default, start
from hotline.ivr.lint import lint_scripts
from hotline.ivr.model import Script
from hotline.ivr.script import load_scripts
from hotline.ivr.steps import (
    OVERFLOW,
    Ask,
    Enqueue,
    OfferCallback,
    Pause,
    Play,
    Prompt,
    Say,
    Step,
    Transfer,
)

__all__ = [
    "OVERFLOW",
    "Ask",
    "CallState",
    "CallerInput",
    "Enqueue",
    "OfferCallback",
    "Pause",
    "Play",
    "Prompt",
    "Say",
    "Script",
    "Step",
    "Transfer",
    "advance",
    "lint_scripts",
    "load_scripts",
    "safe_default",
    "start",
]
