"""The schedule worker's timers, each a loop calling operations in units of work of its own:

- the session clock: ``session.started`` / ``session.ended`` when a session's start / end time
  passes (:func:`..operations.clock.announce_due`);
- the new day: at each event's local midnight every track's now/next is emptied
  (:func:`..operations.live.clear_stale_statuses`).

Both are safe with any number of workers. The clock claims each session once (a stamp set by one
``UPDATE``). The new day needs no marker table: a track's own ``status_updated_at`` is the marker,
compared and set under the event's lock, so each status is cleared and announced exactly once; a
worker that was down at midnight clears the old day's statuses when it comes back.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa

from services.kit.db import Database, utcnow
from services.kit.logs import log

from .domain.live import status_is_stale
from .operations import clock, live
from .store import live as live_queries

logger = logging.getLogger(__name__)

# How often the clock looks for sessions that started or ended.
CLOCK_INTERVAL = 1.0
# A start or end that passed longer ago than this is stamped without being announced.
LATE_LIMIT = timedelta(hours=1)
BATCH = 200
# Seconds between new-day checks: a status is cleared at most this long after midnight.
NEW_DAY_INTERVAL = 30.0


def announce_due(database: Database, now: datetime | None = None, late_limit: timedelta = LATE_LIMIT) -> int:
    """Announce every session whose start / end has passed, a batch per transaction; returns how many."""
    now = now or utcnow()
    announced = 0
    for which in ("start", "end"):
        claimed = BATCH
        while claimed == BATCH:
            with database.unit_of_work() as uow:
                claimed, count = clock.announce_due(uow, which, now, late_limit, BATCH)
                announced += count
                if claimed:
                    uow.commit()
    return announced


def clear_stale_statuses(database: Database, at: datetime | None = None) -> int:
    """One pass of the new day: clear every status set before its event's last local midnight.

    The candidates are read without locks; each event's are then cleared in a transaction of its
    own, under the event's lock, by a compare-and-set. Returns how many statuses were cleared.
    """
    at = at or utcnow()
    with database.engine.connect() as connection:
        candidates = live_queries.statuses_set_before(connection, at)
    stale: dict[str, list[str]] = {}
    for track_id, updated_at, slug, zone in candidates:
        if status_is_stale(updated_at, at, zone):
            stale.setdefault(slug, []).append(track_id)
    cleared = 0
    for slug, track_ids in sorted(stale.items()):
        with database.unit_of_work() as uow:
            cleared += live.clear_stale_statuses(uow, slug, track_ids, at)
            uow.commit()
    if cleared:
        logger.info("new day: cleared the status of %d track(s)", cleared)
    return cleared


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


def new_day_loop(database: Database, interval: float = NEW_DAY_INTERVAL) -> Callable[[threading.Event], None]:
    """The worker timer: clears the old day's statuses, checking every ``interval`` seconds."""

    def new_day(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                clear_stale_statuses(database)
            except sa.exc.SQLAlchemyError as exc:
                logger.warning("new-day check failed: %r", exc)
            stop.wait(interval)

    return new_day


def timers(database: Database, interval: float = CLOCK_INTERVAL) -> list[Callable[[threading.Event], None]]:
    """The worker's timers: the session clock and the new day."""
    return [session_clock(database, interval), new_day_loop(database)]
