"""The worker's new-day timer: at each event's local midnight every track's now/next is emptied.

Safe with any number of workers: a track's status is cleared by a compare-and-set on the track's
own ``status_updated_at`` — under the event's row lock (taken first, as by every write of the
service) the track is re-read and cleared only if its status was still set before the event's last
local midnight (``live.status_is_stale``); clearing stamps ``status_updated_at`` with now. A second
worker waiting on the lock then finds the track fresh and leaves it, so each status is cleared and
announced exactly once. No marker table is needed: the status's own timestamp is the marker.
A worker that was down at midnight clears the old day's status when it comes back.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Callable

import sqlalchemy as sa

from services.kit.db import Database, utcnow
from services.kit.problems import NotFound

from . import live, store
from .api_live import clean_status

logger = logging.getLogger(__name__)

HAS_STATUS = sa.or_(store.Track.now.is_not(None), sa.func.json_array_length(store.Track.next) > 0)


def clear_stale_statuses(database: Database, at: datetime | None = None) -> int:
    """One pass: clear every status set before its event's last local midnight; returns how many."""
    at = at or utcnow()
    with database.engine.connect() as connection:
        candidates = connection.execute(
            sa.select(store.Track.id, store.Track.status_updated_at, store.Event.slug, store.Event.timezone)
            .join(store.Event, store.Track.event_id == store.Event.id)
            .where(store.Track.status_updated_at.is_not(None), store.Track.status_updated_at < at, HAS_STATUS)
        ).all()
    stale: dict[str, list[str]] = {}
    for track_id, updated_at, slug, zone in candidates:
        if live.status_is_stale(updated_at, at, zone):
            stale.setdefault(slug, []).append(track_id)
    cleared = 0
    for slug, track_ids in sorted(stale.items()):
        with database.unit_of_work() as uow:
            # the event's lock first, as every write of the service takes it; then re-read the tracks
            try:
                event = store.get_event(uow.session, slug, lock=True)
            except NotFound:  # deleted meanwhile
                continue
            tracks = uow.session.scalars(
                sa.select(store.Track).where(store.Track.id.in_(track_ids), store.Track.event_id == event.id)
                .order_by(store.Track.slug).execution_options(populate_existing=True))
            for track in tracks:
                # compare-and-set: another worker may have cleared it, or a chair set it anew, meanwhile
                if live.status_is_stale(track.status_updated_at, at, event.timezone) and clean_status(uow, track, at):
                    cleared += 1
            uow.commit()
    if cleared:
        logger.info("new day: cleared the status of %d track(s)", cleared)
    return cleared


INTERVAL = 30.0  # seconds between checks: a status is cleared at most this long after midnight


def new_day_loop(database: Database, interval: float = INTERVAL) -> Callable[[threading.Event], None]:
    """The worker timer: clears the old day's statuses, checking every ``interval`` seconds."""

    def new_day(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                clear_stale_statuses(database)
            except sa.exc.SQLAlchemyError as exc:
                logger.warning("new-day check failed: %r", exc)
            stop.wait(interval)

    return new_day
