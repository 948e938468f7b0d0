"""Every TwiML document the service answers with, built with Twilio's VoiceResponse."""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

# Said before the backup line is dialled when nothing else can be trusted (the fallback
# URL, an error in a webhook). Short: the caller hears a person as soon as possible.
BACKUP_WORDS = {
    "en": ("You are not alone. Connecting you to a counselor now.", "en-US"),
    "zh": ("你并不孤单。现在为你接通辅导员。", "cmn-CN"),
    "yue": ("你唔係一個人。而家幫你接駁輔導員。", "yue-HK"),
}
STILL_TRYING = "Please stay on the line. We are still trying to reach a counselor."
EMERGENCY = (
    "We could not connect you to a counselor. If you are in danger, "
    "please call your local emergency number now, or call us again."
)
DIAL_TIMEOUT = 30


def dial_backup(number: str, language: str = "en") -> str:
    """Ring the backup line twice, then say what the caller can do: never silence."""
    text, say_language = BACKUP_WORDS.get(language, BACKUP_WORDS["en"])
    response = VoiceResponse()
    response.say(text, language=say_language)
    response.dial(number, timeout=DIAL_TIMEOUT, answer_on_bridge=True)
    response.say(STILL_TRYING, language="en-US")
    response.dial(number, timeout=DIAL_TIMEOUT, answer_on_bridge=True)
    response.say(EMERGENCY, language="en-US")
    return str(response)


def empty() -> str:
    """An empty, valid answer (for status callbacks, where Twilio ignores the body)."""
    return str(VoiceResponse())
