"""The schedule worker's timers: the session clock (``session.started`` / ``session.ended`` when a
session's start / end time passes) and the new day at each event's local midnight (``timers_live``)."""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa

from services.kit.cloudevents import event_type
from services.kit.db import Database, utcnow
from services.kit.logs import log

from . import SERVICE, store, timers_live
from .schemas.gathering import SessionSchema

logger = logging.getLogger(__name__)


session_schema = SessionSchema()

# How often the clock looks for sessions that started or ended.
CLOCK_INTERVAL = 1.0
# A start or end that passed longer ago than this (the worker was down, or the session was entered
# after the fact) is stamped without being announced: "started" a week late is news to no one.
LATE_LIMIT = timedelta(hours=1)
BATCH = 200


def announce_due(database: Database, now: datetime | None = None, late_limit: timedelta = LATE_LIMIT) -> int:
    """Publish ``session.started`` / ``session.ended`` for sessions whose start / end has passed.

    Each session is claimed once (``UPDATE ... WHERE started_published_at IS NULL``), in the same
    transaction as its outbox row, so two workers never announce one session twice and a crash
    announces nothing half-way. Cancelled sessions are skipped. Returns how many were announced.
    """
    now = now or utcnow()
    announced = 0
    for which, verb in (("start", "started"), ("end", "ended")):
        claimed = BATCH
        while claimed == BATCH:
            with database.unit_of_work() as uow:
                rows = store.claim_due_sessions(uow.session, which, now, limit=BATCH)
                claimed = len(rows)
                for row in rows:
                    instant = row.start if which == "start" else row.end
                    if now - instant > late_limit:
                        continue
                    uow.publish(event_type(SERVICE, "session", verb), session_schema.dump(row), subject=row.id)
                    announced += 1
                if rows:
                    uow.commit()
    return announced


def session_clock(database: Database, interval: float = CLOCK_INTERVAL) -> Callable[[threading.Event], None]:
    def session_clock(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                count = announce_due(database)
                if count:
                    log(logger, logging.INFO, "sessions announced", count=count)
            except sa.exc.SQLAlchemyError as exc:
                logger.warning("session clock failed: %r", exc)
            stop.wait(interval)

    return session_clock


def timers(database: Database, interval: float = CLOCK_INTERVAL) -> list[Callable[[threading.Event], None]]:
    """The session clock, and the new day at each event's local midnight (timers_live)."""
    return [session_clock(database, interval), timers_live.new_day_loop(database)]
