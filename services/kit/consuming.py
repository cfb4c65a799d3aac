"""Idempotent event handling: each event's effect and its inbox row commit in one transaction."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from .cloudevents import CloudEvent, InvalidEvent, matches
from .db import Database, UnitOfWork
from .logs import request_id_var

logger = logging.getLogger(__name__)

Handler = Callable[[UnitOfWork, CloudEvent], None]


@dataclass(frozen=True)
class Subscription:
    pattern: str  # an AMQP topic pattern, also the queue binding
    handler: Handler


class EventRouter:
    """Routes a consumed event to the handlers whose pattern matches its type, exactly once."""

    def __init__(self, database: Database, subscriptions: list[Subscription]):
        self.database = database
        self.subscriptions = subscriptions

    @property
    def bindings(self) -> list[str]:
        return sorted({s.pattern for s in self.subscriptions})

    def handle_message(self, body: bytes, _properties=None) -> None:
        try:
            cloud_event = CloudEvent.from_json(body)
        except InvalidEvent as exc:
            # Unreadable: no retry can fix it. Raising sends it, after the delivery limit, to the
            # dead-letter queue where it can be inspected.
            raise ValueError(f"unreadable event: {exc}") from exc
        self.handle(cloud_event)

    def handle(self, cloud_event: CloudEvent) -> bool:
        """Apply ``cloud_event``; returns False when it had been applied before."""
        token = request_id_var.set(cloud_event.id)
        try:
            with self.database.unit_of_work() as uow:
                if not uow.mark_processed(cloud_event):  # rolled back with the rest should a handler fail
                    logger.info("duplicate event %s ignored", cloud_event.id)
                    return False
                for subscription in self.subscriptions:
                    if matches(subscription.pattern, cloud_event.type):
                        subscription.handler(uow, cloud_event)
                uow.commit()
                return True
        finally:
            request_id_var.reset(token)
