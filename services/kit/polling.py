"""The one poll loop with back-off that the outbox relay and notify's delivery loops share.

Given a :class:`~.wake.Wake` the loop waits for "rung or ``interval``", so work is picked up as
soon as the commit that made it rings, and the interval is only the fallback for a ring lost."""
from __future__ import annotations

import logging
import threading
from typing import Callable

import sqlalchemy as sa

from .wake import Wake

logger = logging.getLogger(__name__)

# What a poll step may fail with and still be retried: the database or the network is away.
TRANSIENT = (sa.exc.SQLAlchemyError, OSError)


def poll(step: Callable[[], int], stop: threading.Event, *, name: str, interval: float, batch_size: int,
         max_backoff: float = 5.0, transient: tuple[type[BaseException], ...] = TRANSIENT,
         wake: Wake | None = None, settle: float = 0.0) -> None:
    """Run ``step`` until ``stop`` is set. ``step`` handles one batch and returns how many items
    it handled: a full batch runs the next one at once, a short one waits ``interval`` or, given
    ``wake``, until it is rung if that comes first. A transient failure waits ``interval`` doubled
    per failure in a row, up to ``max_backoff`` seconds (rings do not cut a back-off short).
    ``settle``: seconds to wait after a ring before the step, so that the rings of a burst are
    served by one step (for work that may wait a moment; a delivery's loop does not)."""
    failures = 0
    while not stop.is_set():
        try:
            handled = step()
            failures = 0
        except transient as exc:
            failures += 1
            logger.warning("%s failed (%d in a row): %r", name, failures, exc)
            handled = 0
        if handled >= batch_size:
            continue
        if failures:
            stop.wait(min(interval * (2 ** failures), max_backoff))
        elif wake is not None:
            if wake.wait(interval, stop) and settle:
                stop.wait(settle)
                wake.forget()  # the rings meanwhile: the step about to run serves them too
        else:
            stop.wait(interval)
