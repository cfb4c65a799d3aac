"""Deliveries handed from notify's consumer straight to the webhook loop of the same process.

The consumer that fans an event out (:func:`..operations.subscriptions.fan_out`) would otherwise
queue its deliveries for the loop to find: a ring, a claim transaction, a batch. When a loop runs
in this process (it registers itself while :meth:`..delivery.webhooks.WebhookDeliveryLoop.run`
runs) the consumer inserts them already claimed by the loop, under a short lease (``handoff_lease``),
and once its unit of work commits hands them over (:meth:`Taker.take`). Nothing depends on the hand-over: rows
whose hand-over fails, or whose process dies, come back when the lease runs out, as a crashed
loop's claimed batch does. Names only: the consumer does not load the loop.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class HandedDelivery:
    """What the loop needs of a delivery to attempt it: the columns a claimed row gives it, and
    its subscription's URL and signing secrets as the consumer's unit of work read them (the loop
    then reads no subscription before the attempt)."""

    id: str
    subscription_id: str
    payload: str
    url: str
    secrets: tuple[str, ...]


class Taker(Protocol):
    handoff_lease: timedelta  # the lease handed rows are inserted under (the loop's keeper renews it)

    def take(self, claim: str, since: datetime, rows: list[HandedDelivery]) -> None:
        """Attempt ``rows``, claimed as ``claim`` at ``since`` for one lease."""


_lock = threading.Lock()
_takers: dict[int, Taker] = {}  # id(Database) -> the loop running on it in this process


def register(database, taker: Taker) -> None:
    with _lock:
        _takers[id(database)] = taker


def unregister(database, taker: Taker) -> None:
    with _lock:
        if _takers.get(id(database)) is taker:
            del _takers[id(database)]


def taker_for(database) -> Taker | None:
    with _lock:
        return _takers.get(id(database))
