"""The actions worker's timer: the reminder sweep, every ``PTGHUB_REMINDER_INTERVAL`` seconds (60).

Each pass sweeps the due set batch by batch, each batch a unit of work of its own
(:func:`..operations.reminders.sweep`), until a batch is not full or makes no progress (its people
all held by another sweeper). Any number of workers may sweep at once: they take disjoint people
(``SKIP LOCKED`` on PostgreSQL, the write lock on SQLite) and a reminder is recorded once.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import sqlalchemy as sa

from services.kit import config
from services.kit.db import Database, utcnow
from services.kit.logs import log

from .operations import reminders

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 60.0


@dataclass(frozen=True)
class SweepTotals:
    batches: int
    planned: int
    digests: int


def interval() -> float:
    return config.number("REMINDER_INTERVAL", DEFAULT_INTERVAL, positive=True)


def sweep_due(database: Database, now: datetime | None = None, batch: int = reminders.BATCH) -> SweepTotals:
    """One pass of the sweep at ``now``: every due owner, a batch per transaction."""
    now = now or utcnow()
    batches = planned = digests = 0
    while True:
        with database.unit_of_work() as uow:
            result = reminders.sweep(uow, now, batch)
            uow.commit()
        batches += 1
        planned += result.planned
        digests += len(result.digests)
        if result.looked_at < batch or result.planned == 0:
            return SweepTotals(batches, planned, digests)


def reminder_sweep(database: Database, every: float | None = None) -> Callable[[threading.Event], None]:
    every = interval() if every is None else every

    def reminder_sweep(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                totals = sweep_due(database)
                if totals.digests:
                    log(logger, logging.INFO, "reminder digests queued", digests=totals.digests,
                        planned=totals.planned)
            except sa.exc.SQLAlchemyError as exc:
                logger.warning("reminder sweep failed: %r", exc)
            stop.wait(every)

    return reminder_sweep


def timers(database: Database) -> list[Callable[[threading.Event], None]]:
    """The worker's timers: the reminder sweep."""
    return [reminder_sweep(database)]
