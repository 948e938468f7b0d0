"""Twilio's Calls REST resource, served on 127.0.0.1 so the service's own twilio client
reaches it through TWILIO_API_URL. Form bodies, HTTP Basic auth, JSON answers and
error bodies shaped like Twilio's (the twilio library turns them into TwilioRestException).
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from hotline.devdouble.twilio.legs import Fetch, Leg, new_sid

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from hotline.devdouble.twilio.core import TwilioSim

BASE = "/2010-04-01/Accounts/<account>"
EVENTS = {"initiated", "ringing", "answered", "completed"}


@dataclass(frozen=True)
class RestRequest:
    method: str
    path: str
    params: dict[str, str]  # repeated parameters (StatusCallbackEvent) joined by spaces
    status: int
    sid: str | None


class QuietHandler(WSGIRequestHandler):
    """No access log: the simulator keeps its own record in sim.rest_requests."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _when(leg: Leg, moment: float | None) -> str | None:
    if moment is None:
        return None
    wall = datetime.now(UTC) - timedelta(seconds=time.monotonic() - moment)
    return email.utils.format_datetime(wall)


def call_json(leg: Leg) -> dict[str, Any]:
    uri = f"/2010-04-01/Accounts/{leg.account_sid}/Calls/{leg.sid}"
    return {
        "sid": leg.sid,
        "account_sid": leg.account_sid,
        "parent_call_sid": leg.parent_sid,
        "to": leg.to,
        "to_formatted": leg.to,
        "from": leg.from_,
        "from_formatted": leg.from_,
        "status": leg.status,
        "direction": leg.direction,
        "answered_by": leg.answered_by,
        "api_version": "2010-04-01",
        "date_created": _when(leg, leg.created),
        "date_updated": email.utils.format_datetime(datetime.now(UTC)),
        "start_time": _when(leg, leg.answered_at),
        "end_time": _when(leg, leg.ended_at),
        "duration": str(leg.duration()) if leg.finished else None,
        "price": None,
        "price_unit": "USD",
        "phone_number_sid": None,
        "caller_name": None,
        "forwarded_from": None,
        "group_sid": None,
        "annotation": None,
        "trunk_sid": None,
        "queue_time": "0",
        "uri": uri + ".json",
        "subresource_uris": {
            "notifications": uri + "/Notifications.json",
            "recordings": uri + "/Recordings.json",
            "events": uri + "/Events.json",
        },
    }


def _json(body: dict[str, Any], status: int) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _error(status: int, code: int, message: str) -> Response:
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    body = {"code": code, "message": message, "more_info": more_info, "status": status}
    return _json(body, status)


class RestApi:
    def __init__(self, sim: TwilioSim) -> None:
        self.sim = sim
        self.urls = Map(
            [
                Rule(f"{BASE}/Calls.json", endpoint="create", methods=["POST"]),
                Rule(f"{BASE}/Calls.json", endpoint="list", methods=["GET"]),
                Rule(f"{BASE}/Calls/<sid>.json", endpoint="fetch", methods=["GET"]),
                Rule(f"{BASE}/Calls/<sid>.json", endpoint="update", methods=["POST"]),
            ]
        )

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        request = Request(environ)
        response = self.dispatch(request)
        params = {k: " ".join(request.form.getlist(k)) for k in request.form}
        sid = response.json.get("sid") if response.is_json and response.json else None
        entry = RestRequest(request.method, request.path, params, response.status_code, sid)
        with self.sim.cond:
            self.sim.rest_requests.append(entry)
            self.sim.cond.notify_all()
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        sim = self.sim
        auth = request.authorization
        if auth is None or (auth.username, auth.password) != (sim.account_sid, sim.auth_token):
            return _error(401, 20003, "Authenticate")
        try:
            endpoint, args = self.urls.bind_to_environ(request.environ).match()
        except NotFound:
            return _error(404, 20404, f"The requested resource {request.path} was not found")
        except MethodNotAllowed:
            return _error(405, 20004, "Method not allowed")
        except HTTPException as other:
            return _error(other.code or 400, 20001, str(other))
        if args["account"] != sim.account_sid:
            return _error(404, 20404, f"The requested resource {request.path} was not found")
        if endpoint == "create":
            return self.create(request)
        if endpoint == "list":
            return self.list(request)
        leg = sim.call(args["sid"])
        if leg is None:
            return _error(404, 20404, f"The requested resource {request.path} was not found")
        if endpoint == "update":
            return self.update(request, leg)
        with sim.cond:
            return _json(call_json(leg), 200)

    def create(self, request: Request) -> Response:
        form = request.form
        if not form.get("To"):
            return _error(400, 21201, "No 'To' number is specified")
        if not form.get("From"):
            return _error(400, 21213, "No 'From' number is specified")
        if not form.get("Url") and not form.get("Twiml"):
            return _error(400, 21205, "Url parameter is required.")
        events = tuple(e for raw in form.getlist("StatusCallbackEvent") for e in raw.split())
        if any(e not in EVENTS for e in events):
            return _error(400, 21626, "Invalid 'StatusCallbackEvent'")
        sim = self.sim
        leg = Leg(
            sid=new_sid(),
            direction="outbound-api",
            from_=form["From"],
            to=form["To"],
            party=sim.party_for(form["To"]),
            account_sid=sim.account_sid,
            time_scale=sim.time_scale,
            url=form.get("Url") or None,
            method=form.get("Method", "POST"),
            twiml=form.get("Twiml") or None,
            fallback_url=form.get("FallbackUrl") or None,
            fallback_method=form.get("FallbackMethod", "POST"),
            status_callback=form.get("StatusCallback") or None,
            status_method=form.get("StatusCallbackMethod", "POST"),
            status_events=events or ("completed",),
            timeout=float(form.get("Timeout", "60") or 60),
            machine_detection=bool(form.get("MachineDetection")),
        )
        created = _json(call_json(leg), 201)  # as queued: the leg starts ringing right after
        sim.start_outbound(leg)
        return created

    def list(self, request: Request) -> Response:
        """GET Calls.json, filtered by To, From and Status as Twilio does, newest first."""
        args = request.args
        size = min(max(int(args.get("PageSize", "50") or 50), 1), 1000)
        with self.sim.cond:
            legs = [
                leg
                for leg in reversed(self.sim.calls)
                if (not args.get("To") or leg.to == args["To"])
                and (not args.get("From") or leg.from_ == args["From"])
                and (not args.get("Status") or leg.status == args["Status"])
            ][:size]
            page = [call_json(leg) for leg in legs]
        uri = request.full_path.rstrip("?")
        return _json(
            {
                "calls": page,
                "page": 0,
                "page_size": size,
                "start": 0,
                "end": max(len(page) - 1, 0),
                "uri": uri,
                "first_page_uri": uri,
                "next_page_uri": None,
                "previous_page_uri": None,
            },
            200,
        )

    def update(self, request: Request, leg: Leg) -> Response:
        form, sim = request.form, self.sim
        status, url, twiml = form.get("Status"), form.get("Url"), form.get("Twiml")
        if status not in (None, "completed", "canceled"):
            return _error(400, 21218, f"Invalid Status {status!r}")
        with sim.cond:
            if leg.finished and (url or twiml):
                return _error(400, 21220, "Call is not in-progress. Cannot redirect.")
            if form.get("StatusCallback"):
                leg.status_callback = form["StatusCallback"]
                leg.status_method = form.get("StatusCallbackMethod", "POST")
            if status and not leg.finished:
                if leg.answered_at is None:
                    leg.hangup = "canceled"
                elif status == "completed":
                    leg.hangup = "rest"  # Status=canceled does not end an answered call
            elif url or twiml:
                fetch = Fetch(url or None, form.get("Method", "POST"), twiml=twiml or None)
                if leg.answered_at is None:  # not answered yet: it will start there
                    leg.url, leg.method, leg.twiml = fetch.url, fetch.method, fetch.twiml
                else:
                    leg.pending = fetch
            sim.cond.notify_all()
            return _json(call_json(leg), 200)
