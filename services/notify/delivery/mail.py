"""The mail delivery loop: turns pending summaries into queued mail
(:func:`operations.messages.mail_pending_summaries`) and sends the queued mail that is due over one
pooled SMTP connection (:class:`..transport.smtp.SmtpConnection`); a reminder digest is rendered
again just before, with only the items still due (none: it is cancelled).

Like the webhook loop it claims a batch with a lease, keeps the lease while it sends
(:class:`services.kit.db.LeaseKeeper`), talks to the server with no transaction open and records
each outcome in its own unit of work (:func:`operations.messages.record_mail_attempt`). Personal
mail to an address on the suppression list is not sent (:mod:`..operations.suppressions`); a hard
bounce of personal mail (5xx to RCPT) puts its address there.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from services.kit.db import CLAIM_NOW, Claimer, Database, LeaseKeeper, release_claim, utcnow
from services.kit.logs import log
from services.kit.polling import poll

from .. import domain, store
from ..config import NotifySettings
from .bells import MAIL_WAKE
from ..domain import mail_kinds
from ..operations import messages, suppressions
from ..transport.smtp import SmtpConnection, SmtpFailure

logger = logging.getLogger(__name__)



class MailDeliveryLoop:
    """Queues the mail of pending summaries, then claims due mail and sends it over one reused
    SMTP connection."""

    def __init__(self, database: Database, settings: NotifySettings, batch_size: int = 16,
                 lease: timedelta = timedelta(minutes=5)):
        self.database = database
        self.settings = settings
        self.batch_size = batch_size
        self.lease = lease
        self.smtp = SmtpConnection(settings.smtp_url, timeout=settings.smtp_timeout)
        self.table = table = store.OutgoingMail.__table__
        self.claimer = Claimer(table, table.c.next_attempt_at, store.due_mail(table, CLAIM_NOW), batch_size)

    def step(self) -> int:
        """One round: pending summaries into mail, then one batch of sending; returns how many it handled."""
        return max(self.queue_pending(), self.send_once())

    def queue_pending(self) -> int:
        with self.database.read_sessions() as session:  # most rounds find none: no write lock for those
            if not store.pending_summaries_due(session, utcnow()):
                return 0
        with self.database.unit_of_work() as uow:
            looked_at = messages.mail_pending_summaries(uow, self.settings, limit=self.batch_size)
            if looked_at:
                uow.commit()
        return looked_at

    def send_once(self) -> int:
        """Send one batch of due mail; returns how many were claimed."""
        table = self.table
        since = utcnow()
        claim, rows = self.claimer.claim(self.database, self.lease, since)
        if not rows:
            return 0
        unreachable: SmtpFailure | None = None
        suppressed = self.suppressed(rows)
        with LeaseKeeper(self.database, table, claim, self.lease, since) as lease:
            for index, row in enumerate(rows):
                if not lease.holds():  # hand the rest back rather than risk a second sender
                    release_claim(self.database, table, claim, [r.id for r in rows[index:]])
                    break
                if row.id in suppressed:
                    self.suppress(claim, row, suppressed[row.id])
                    continue
                failure = unreachable
                message = row.message
                if failure is None and row.source_event_type == domain.REMINDER_DUE:
                    message = self.prepare(claim, row)
                    if message is None:  # cancelled: none of its items is still due (or the claim is gone)
                        continue
                if failure is None:
                    try:
                        self.smtp.send(domain.envelope_sender(row.sender), row.recipient, message.encode())
                    except SmtpFailure as exc:
                        failure = exc
                        if exc.connection:  # the server is unreachable: the rest of the batch waits alike
                            unreachable = exc
                # Should recording fail, the row stays claimed until its lease ends (no instant re-send).
                self.record(claim, row, failure)
        return len(rows)

    def suppressed(self, rows) -> dict[str, str]:
        """``{mail id: reason}`` of the batch's personal mail whose address is on the suppression list."""
        personal = [row for row in rows if mail_kinds.is_personal(row.source_event_type)]
        if not personal:
            return {}
        with self.database.read_sessions() as session:
            listed = store.suppressed_among(session, {row.recipient for row in personal})
            reasons = {address: entry.reason for address, entry in listed.items()}
        return {row.id: reasons[store.normal_address(row.recipient)] for row in personal
                if store.normal_address(row.recipient) in reasons}

    def suppress(self, claim: str, row, reason: str) -> None:
        with self.database.unit_of_work() as uow:
            if suppressions.suppress_claimed_mail(uow, claim, row.id, reason) is not None:
                uow.commit()

    def prepare(self, claim: str, row) -> str | None:
        """A reminder digest rendered again with the items still due, just before it goes; None: cancelled."""
        with self.database.unit_of_work() as uow:
            message = messages.prepare_reminder_mail(uow, claim, row.id)
            uow.commit()
        return message

    def record(self, claim: str, row, failure: SmtpFailure | None) -> None:
        with self.database.unit_of_work() as uow:
            mail = messages.record_mail_attempt(
                uow, claim, row.id, error=str(failure) if failure else None,
                code=failure.code if failure else None, retry_scale=self.settings.mail_retry_scale)
            if mail is None:
                return
            if failure is not None and failure.bounced and mail_kinds.is_personal(row.source_event_type):
                suppressions.record_bounce(uow, mail, str(failure))
            uow.commit()
        log(logger, logging.INFO if failure is None else logging.WARNING, "mail attempted", message=row.id,
            status=mail.status, attempts=mail.attempts, error=str(failure) if failure else None)

    def run(self, stop: threading.Event) -> None:
        try:
            poll(self.step, stop, name="mail delivery", interval=self.settings.interval, batch_size=self.batch_size,
                 wake=self.database.bells.wake(MAIL_WAKE))
        finally:
            self.smtp.close()
