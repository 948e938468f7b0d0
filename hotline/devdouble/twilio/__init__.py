"""The Twilio double, for development and tests only: a local, in-process Twilio whose
callers, counselor phones and lines are driven through the service's real signed
webhooks, with the Calls REST API on 127.0.0.1. See core.TwilioSim.

    with TwilioSim(account_sid=sid, auth_token=token) as sim:   # TWILIO_API_URL=sim.api_url
        sim.service_url = "http://127.0.0.1:8000"                # once the service listens
        sim.add_phone(Phone("+14155550105", accept_key="1"))
        call = sim.place_call(Caller("+14155550177", digits=["2", "1"]))
        sim.wait_for(lambda: call.finished, timeout=30)
        call.outcome, call.bridged_with, call.said, call.errors
"""

from hotline.devdouble.twilio.core import TwilioSim
from hotline.devdouble.twilio.legs import Event, Leg, Said
from hotline.devdouble.twilio.parties import SILENCE, Caller, Line, Phone, Speech
from hotline.devdouble.twilio.rest import RestRequest
from hotline.devdouble.twilio.status import StatusCallback

Call = Leg

__all__ = [
    "SILENCE",
    "Call",
    "Caller",
    "Event",
    "Leg",
    "Line",
    "Phone",
    "RestRequest",
    "Said",
    "Speech",
    "StatusCallback",
    "TwilioSim",
]
