"""Mail delivery: one reused SMTP connection, and the loop that turns pending summaries into queued
mail (:func:`operations.messages.mail_pending_summaries`) and sends the queued mail that is due (a
reminder digest rendered again just before, with only the items still due; none: it is cancelled).

Like the webhook loop it claims a batch with a lease, keeps the lease while it sends
(:class:`services.kit.db.LeaseKeeper`), talks to the server with no transaction open and records
each outcome in its own unit of work (:func:`operations.messages.record_mail_attempt`).
"""
from __future__ import annotations

import logging
import smtplib
import threading
import time
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from services.kit.db import Database, LeaseKeeper, claim_batch, release_claim, utcnow
from services.kit.logs import log
from services.kit.polling import poll

from . import domain, store
from .config import NotifySettings
from .operations import messages

logger = logging.getLogger(__name__)

WAKE = "notify.mail"  # rung (uow.ring) by what queues mail or a summary to mail; the mail loop waits on it


class SmtpFailure(Exception):
    def __init__(self, message: str, code: int | None = None, connection: bool = False):
        super().__init__(message)
        self.code = code
        self.connection = connection  # nothing reached the server: the rest of the batch would fail alike


class SmtpConnection:
    """One SMTP connection, opened when first needed, reused, reopened after the server drops it.

    ``smtp://host:port`` (STARTTLS when the server offers it and the URL says ``?starttls=1``),
    ``smtps://host:port`` (TLS from the start); ``user:password@`` in the URL logs in.
    """

    def __init__(self, url: str, timeout: float = 30.0, idle: float = 60.0):
        self.url = url
        self.timeout = timeout
        self.idle = idle
        self._smtp: smtplib.SMTP | None = None
        self._used = 0.0

    def _open(self) -> smtplib.SMTP:
        parts = urlsplit(self.url)
        host = parts.hostname or "127.0.0.1"
        try:
            if parts.scheme == "smtps":
                smtp = smtplib.SMTP_SSL(host, parts.port or 465, timeout=self.timeout)
            else:
                smtp = smtplib.SMTP(host, parts.port or 25, timeout=self.timeout)
                if "starttls=1" in parts.query:
                    smtp.starttls()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
        except (smtplib.SMTPException, OSError) as exc:
            raise SmtpFailure(f"cannot connect to {host}: {exc!r}"[:1000], connection=True) from exc
        return smtp

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        """Send one message, or raise :class:`SmtpFailure` with the reply code that refused it."""
        if self._smtp is not None and time.monotonic() - self._used > self.idle:
            self.close()
        for retry in (False, True):
            if self._smtp is None:
                self._smtp = self._open()
            try:
                self._smtp.sendmail(sender, [recipient], message)
                self._used = time.monotonic()
                return
            except smtplib.SMTPRecipientsRefused as exc:
                code, reply = exc.recipients.get(recipient, (None, b""))
                raise SmtpFailure(f"recipient refused: {code} {_text(reply)}", code) from exc
            except smtplib.SMTPServerDisconnected as exc:
                self.close()
                if retry:
                    raise SmtpFailure(f"server disconnected: {exc}") from exc
            except smtplib.SMTPResponseException as exc:
                self._used = time.monotonic()
                raise SmtpFailure(f"{exc.smtp_code} {_text(exc.smtp_error)}", exc.smtp_code) from exc
            except (smtplib.SMTPException, OSError) as exc:
                self.close()
                if retry:
                    raise SmtpFailure(f"{exc!r}") from exc

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


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
        self.table = store.OutgoingMail.__table__

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
        claim, rows = claim_batch(self.database, table, order_by=table.c.next_attempt_at,
                                  ready=store.due_mail(table, since), limit=self.batch_size, lease=self.lease)
        if not rows:
            return 0
        unreachable: SmtpFailure | None = None
        with LeaseKeeper(self.database, table, claim, self.lease, since) as lease:
            for index, row in enumerate(rows):
                if not lease.holds():  # hand the rest back rather than risk a second sender
                    release_claim(self.database, table, claim, [r.id for r in rows[index:]])
                    break
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
            uow.commit()
        log(logger, logging.INFO if failure is None else logging.WARNING, "mail attempted", message=row.id,
            status=mail.status, attempts=mail.attempts, error=str(failure) if failure else None)

    def run(self, stop: threading.Event) -> None:
        try:
            poll(self.step, stop, name="mail delivery", interval=self.settings.interval, batch_size=self.batch_size,
                 wake=self.database.bells.wake(WAKE))
        finally:
            self.smtp.close()
