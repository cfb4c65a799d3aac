"""The outbox relay: moves committed events from a service's outbox table onto the exchange."""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

import sqlalchemy as sa

from .amqp import ConfirmingPublisher, OutgoingMessage, PublishError
from .db import Claimer, Database, UTCDateTime, release_claim, utcnow
from .polling import TRANSIENT, poll
from .wake import OUTBOX

logger = logging.getLogger(__name__)


class OutboxRelay:
    """Claim a batch (short transaction) → publish it, waiting for confirms → mark the confirmed sent.

    Several relays may run against one database: claims are disjoint, and a crashed relay's rows
    come back when their lease ends. A row published but not yet marked sent when a relay dies is
    published again later; consumers drop the duplicate by event id.

    It waits on the database's :data:`~.wake.OUTBOX` channel, which every commit that writes outbox
    rows rings (any process); ``interval`` is only the fallback poll for a ring that is lost.
    """

    def __init__(self, database: Database, publisher: ConfirmingPublisher, batch_size: int = 256,
                 lease: timedelta = timedelta(seconds=10), interval: float = 0.25):
        self.database = database
        self.publisher = publisher
        self.batch_size = batch_size
        self.lease = lease
        self.interval = interval
        outbox = database.outbox
        # both statements of every round, built once
        self.claimer = Claimer(outbox, order_by=outbox.c.seq, ready=outbox.c.sent_at.is_(None), limit=batch_size)
        self.mark_sent = outbox.update().where(
            outbox.c.seq.in_(sa.bindparam("sent", expanding=True)), outbox.c.claim == sa.bindparam("held_by")
        ).values(sent_at=sa.bindparam("sent_time", type_=UTCDateTime()), claim=None, claimed_until=None)

    def relay_once(self) -> int:
        """Relay one batch; returns how many events the broker confirmed."""
        outbox = self.database.outbox
        claim, rows = self.claimer.claim(self.database, self.lease)
        if not rows:
            return 0
        messages = [OutgoingMessage(r.event_id, r.event_type, r.payload.encode()) for r in rows]
        confirmed = self.publisher.publish_batch(messages)
        sent = [r.seq for r in rows if r.event_id in confirmed]
        if sent:
            with self.database.engine.begin() as connection:
                connection.execute(self.mark_sent, {"sent": sent, "held_by": claim, "sent_time": utcnow()})
        release_claim(self.database, outbox, claim, [r.seq for r in rows if r.event_id not in confirmed])
        if not sent:
            raise PublishError(f"the broker confirmed none of {len(rows)} events; they stay in the outbox")
        return len(sent)

    def run(self, stop: threading.Event) -> None:
        try:
            poll(self.relay_once, stop, name="outbox relay", interval=self.interval, batch_size=self.batch_size,
                 transient=(*TRANSIENT, PublishError), wake=self.database.bells.wake(OUTBOX))
        finally:
            self.publisher.close()

    def pending(self) -> int:
        outbox = self.database.outbox
        with self.database.engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
            ).scalar_one()
