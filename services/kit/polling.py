"""The one poll loop with back-off that the outbox relay and notify's delivery loops share."""
from __future__ import annotations

import logging
import threading
from typing import Callable

import sqlalchemy as sa

logger = logging.getLogger(__name__)

# What a poll step may fail with and still be retried: the database or the network is away.
TRANSIENT = (sa.exc.SQLAlchemyError, OSError)


def poll(step: Callable[[], int], stop: threading.Event, *, name: str, interval: float, batch_size: int,
         max_backoff: float = 5.0, transient: tuple[type[BaseException], ...] = TRANSIENT) -> None:
    """Run ``step`` until ``stop`` is set. ``step`` handles one batch and returns how many items
    it handled: a full batch runs the next one at once, a short one waits ``interval``. A transient
    failure waits ``interval`` doubled per failure in a row, up to ``max_backoff`` seconds."""
    failures = 0
    while not stop.is_set():
        try:
            handled = step()
            failures = 0
        except transient as exc:
            failures += 1
            logger.warning("%s failed (%d in a row): %r", name, failures, exc)
            handled = 0
        if handled < batch_size:
            stop.wait(min(interval * (2 ** failures), max_backoff) if failures else interval)
