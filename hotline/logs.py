"""Structured logs: one JSON object per line, keyed by call id. Never a number or words said."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Werkzeug's access log prints query strings; ours carry no numbers, but keep it quiet.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # A line per periodic run or job is noise at 3 a.m.; their failures still show.
    for chatty in ("apscheduler", "rq.worker", "rq.queue", "alembic"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    # Twilio's REST client logs every request at INFO, a list's query string included
    # (`calls.list(to=...)` names a phone number): its errors reach us as exceptions.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
