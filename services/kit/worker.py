"""A service's worker process: the outbox relay, the event consumer and any timers, one thread each.

SIGTERM or SIGINT (Ctrl-C) stops it quietly: every loop sees the stop event, finishes what it is
doing and closes its connections; a loop that fails while stopping is not a crash (a connection
the broker or the database drops now is expected), so nothing is logged as an error.
"""
from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Callable

from .amqp import ConfirmingPublisher, Consumer, declare_service_queue
from .config import Settings
from .consuming import EventRouter
from .db import Database
from .relay import OutboxRelay

logger = logging.getLogger(__name__)

Loop = Callable[[threading.Event], None]


class Worker:
    def __init__(self, settings: Settings, database: Database, router: EventRouter | None,
                 timers: list[Loop] | None = None):
        self.settings = settings
        self.database = database
        self.router = router
        self.timers = timers or []
        self.stop = threading.Event()
        self.relay = OutboxRelay(database, ConfirmingPublisher(settings.amqp_url, settings.exchange),
                                 interval=settings.relay_interval)
        self.consumer = None
        if router is not None and router.bindings:
            self.consumer = Consumer(settings.amqp_url, self.declare, settings.queue_name,
                                     router.handle_message, self.stop)

    def declare(self, channel) -> None:
        s = self.settings
        declare_service_queue(channel, s.exchange, s.queue_name, s.dead_letter_exchange, s.dead_letter_queue,
                              self.router.bindings, s.delivery_limit)

    def loops(self) -> list[tuple[str, Loop]]:
        loops: list[tuple[str, Loop]] = [("relay", self.relay.run)]
        if self.consumer is not None:
            loops.append(("consumer", lambda _stop: self.consumer.run()))
        loops += [(getattr(t, "__name__", f"timer{i}"), t) for i, t in enumerate(self.timers)]
        return loops

    def start(self) -> list[threading.Thread]:
        threads = []
        for name, loop in self.loops():
            thread = threading.Thread(target=self._guard, args=(name, loop), name=name, daemon=True)
            thread.start()
            threads.append(thread)
        return threads

    def _guard(self, name: str, loop: Loop) -> None:
        while not self.stop.is_set():
            try:
                loop(self.stop)
            except Exception as exc:
                if self.stop.is_set():
                    logger.info("%s loop ended while stopping (%r)", name, exc)
                    return
                logger.exception("%s loop crashed; restarting it", name)
                self.stop.wait(1)

    def shutdown(self, threads: list[threading.Thread], timeout: float = 5.0) -> None:
        """Wait (``timeout`` in all) for the loops to finish, then release the database."""
        # pika reports a connection the broker drops while we close it at ERROR: expected now.
        logging.getLogger("pika").setLevel(logging.CRITICAL)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        busy = [t.name for t in threads if t.is_alive()]
        if busy:
            logger.warning("still busy after %.0fs, exiting anyway: %s", timeout, ", ".join(busy))
        else:
            self.database.dispose()

    def run_forever(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self.stop.set())
        signal.signal(signal.SIGINT, lambda *_: self.stop.set())
        threads = self.start()
        logger.info("worker started: %s", ", ".join(t.name for t in threads))
        self.stop.wait()
        logger.info("worker stopping")
        self.shutdown(threads)
        logger.info("worker stopped")
