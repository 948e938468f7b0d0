"""The composition root: the one place that builds a process's Runtime from its settings.

It loads the rules and scripts (refusing invalid files, with their lines), makes the
clients, stores and ports once, and wires the rules capability's InForce onto the books.
Production and tests call it alike; tests bring in-memory adapters through its keywords.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import redis
from sqlalchemy import Engine

from hotline.config import Settings
from hotline.ivr.recordings import scan
from hotline.ivr.script import Script, load_scripts
from hotline.live.calls import CallStore
from hotline.live.offers import Offers
from hotline.live.phones import Phones
from hotline.live.presence import Presence
from hotline.live.queue import LiveQueue
from hotline.live.wrapup import WrapUps
from hotline.platform.db import make_engine, make_sessionmaker
from hotline.platform.jobqueue import JobQueue, RQJobQueue
from hotline.platform.redis import connect
from hotline.platform.redis_watch import RedisWatch
from hotline.routing.rules import Rules, parse_rules
from hotline.rules import versions
from hotline.rules.in_force import InForce
from hotline.runtime import RuleBook, Runtime, ScriptBook
from hotline.telephony.client import Telephony, TwilioTelephony


def build_runtime(
    settings: Settings,
    *,
    rules: Rules | None = None,
    script: Script | None = None,
    engine: Engine | None = None,
    redis_client: redis.Redis[bytes] | None = None,
    telephony: Telephony | None = None,
    jobs: JobQueue | None = None,
) -> Runtime:
    """Load the rules and scripts (refusing invalid files, with their lines); make clients.

    The keyword overrides are what a caller brings instead of the settings' own: the
    unit tests bring the rules and scripts parsed once, an in-memory database and Redis,
    the telephony fake and an inline job queue.
    """
    with open(settings.routing_rules, encoding="utf-8") as handle:
        rules_text = handle.read()
    rules = rules or parse_rules(rules_text, str(settings.routing_rules))
    audio_base = audio_url(settings)
    if script is None:
        script = load_scripts(
            settings.ivr_scripts,
            languages=rules.languages.keys(),
            topics=rules.specialties.keys(),
            tiers=rules.tiers.keys(),
            audio_base=audio_base,
        )
    engine = engine if engine is not None else make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    client = redis_client if redis_client is not None else connect(settings)
    book, scripts = RuleBook(rules), ScriptBook(script)
    watch = RedisWatch()
    in_force = InForce(
        sessions=sessions,
        watch=watch,
        client=client,
        book=book,
        scripts=scripts,
        files={
            versions.RULES: rules_text,
            versions.IVR: versions.scripts_text(
                versions.read_script_files(settings.ivr_scripts), scan(settings.ivr_scripts)
            ),
        },
        audio_base=audio_base,
    )
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        redis=client,
        book=book,
        scripts=scripts,
        telephony=telephony if telephony is not None else TwilioTelephony(settings),
        in_force=in_force,
        jobs=jobs if jobs is not None else RQJobQueue(client),
        redis_watch=watch,
        **_stores(client),
    )


def _stores(client: redis.Redis[bytes]) -> dict[str, Any]:
    return {
        "calls": CallStore(client),
        "queue": LiveQueue(client),
        "presence": Presence(client),
        "offers": Offers(client),
        "wrap_ups": WrapUps(client),
        "phones": Phones(client),
    }


def on_redis(runtime: Runtime, client: redis.Redis[bytes]) -> Runtime:
    """The same process on another Redis client, its stores rebuilt on it (the tests use it
    for a process whose Redis does not answer)."""
    return dataclasses.replace(runtime, redis=client, **_stores(client))


def audio_url(settings: Settings) -> str:
    """Where recorded prompts are served: PUBLIC_URL/audio/ (web/audio.py)."""
    return f"{settings.public_url}/audio/"
