"""Mail delivery: one pooled SMTP connection per loop, and the loop that turns pending summaries
into queued mail (:func:`operations.messages.mail_pending_summaries`) and sends the queued mail
that is due (a reminder digest rendered again just before, with only the items still due; none: it
is cancelled).

Like the webhook loop it claims a batch with a lease, keeps the lease while it sends
(:class:`services.kit.db.LeaseKeeper`), talks to the server with no transaction open and records
each outcome in its own unit of work (:func:`operations.messages.record_mail_attempt`). Personal
mail to an address on the suppression list is not sent (:mod:`.operations.suppressions`); a hard
bounce of personal mail (5xx to RCPT) puts its address there.
"""
from __future__ import annotations

import logging
import re
import smtplib
import socket
import ssl
import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

from services.kit.db import Database, LeaseKeeper, claim_batch, release_claim, utcnow
from services.kit.logs import log
from services.kit.polling import poll

from . import domain, store
from .domain import mail_kinds
from .config import NotifySettings
from .operations import messages, suppressions

logger = logging.getLogger(__name__)

WAKE = "notify.mail"  # rung (uow.ring) by what queues mail or a summary to mail; the mail loop waits on it


class SmtpFailure(Exception):
    """A message the server did not take. ``code``: its reply code (None: no reply at all);
    ``connection``: nothing reached the server (the rest of the batch would fail alike);
    ``stage``: the command refused (``MAIL``, ``RCPT``, ``DATA``), so a 5xx on ``RCPT`` is a hard bounce."""

    def __init__(self, message: str, code: int | None = None, connection: bool = False, stage: str | None = None):
        super().__init__(message)
        self.code = code
        self.connection = connection
        self.stage = stage

    @property
    def bounced(self) -> bool:
        """A hard bounce: the server refused the recipient with a 5xx reply."""
        return self.stage == "RCPT" and domain.smtp_permanent(self.code)


class _Gone(Exception):
    """The connection ended (421, or dropped) before the server took the message: sending it again
    on a new connection cannot double it."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


CLOSING = 421  # "service not available, closing transmission channel"


class SmtpConnection:
    """The one SMTP connection of a delivery loop: opened when first needed, reused for every mail
    after, closed after ``idle`` seconds unused, and opened again when the server ends it.

    ``smtp://host:port`` (STARTTLS when the URL says ``?starttls=1``), ``smtps://host:port`` (TLS from
    the start); ``user:password@`` in the URL logs in. TLS checks the server's certificate and name
    against the system's CAs, or ``?cafile=/path/ca.pem``; ``?verify=0`` turns the check off (a relay
    with a self-signed certificate on a trusted network only).

    Each mail is one MAIL/RCPT/DATA transaction. When the server answers 421 or drops the connection
    before it has the whole message, the mail is sent again at once on a new connection (once); when
    the connection is lost after the message went, the server may have it, so it is not sent again
    now: it fails transiently and the retry schedule decides (never two copies from one attempt).
    """

    def __init__(self, url: str, timeout: float = 30.0, idle: float = 60.0):
        self.url = url
        self.timeout = timeout
        self.idle = idle
        self.opened = 0  # connections opened so far (the pool's effect, for logs and the bench)
        self._smtp: smtplib.SMTP | None = None
        self._used = 0.0
        self._local_hostname = socket.getfqdn()  # once, not per connection
        self._tls: ssl.SSLContext | None = None

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:  # made once: loading the CAs costs more than a handshake
            query = parse_qs(urlsplit(self.url).query)
            context = ssl.create_default_context(cafile=(query.get("cafile") or [None])[0])
            if (query.get("verify") or ["1"])[0] == "0":
                context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            self._tls = context
        return self._tls

    def _open(self) -> smtplib.SMTP:
        parts = urlsplit(self.url)
        host = parts.hostname or "127.0.0.1"
        try:
            if parts.scheme == "smtps":
                smtp = smtplib.SMTP_SSL(host, parts.port or 465, timeout=self.timeout,
                                        local_hostname=self._local_hostname, context=self._tls_context())
            else:
                smtp = smtplib.SMTP(host, parts.port or 25, timeout=self.timeout, local_hostname=self._local_hostname)
                if (parse_qs(parts.query).get("starttls") or ["0"])[0] == "1":
                    smtp.starttls(context=self._tls_context())
            smtp.ehlo_or_helo_if_needed()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
        except (smtplib.SMTPException, OSError) as exc:
            raise SmtpFailure(f"cannot connect to {host}: {exc!r}"[:1000], connection=True) from exc
        self.opened += 1
        return smtp

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        """Send one message, or raise :class:`SmtpFailure` with the reply code that refused it."""
        if self._smtp is not None and time.monotonic() - self._used > self.idle:
            self.close()
        for last in (False, True):
            fresh = self._smtp is None
            if fresh:
                self._smtp = self._open()
            try:
                self._transaction(self._smtp, sender, recipient, message)
                self._used = time.monotonic()
                return
            except _Gone as exc:
                self._drop()
                if fresh or last:  # a new connection ended too: the server is not taking mail now
                    raise SmtpFailure(f"server ended the connection: {exc}", exc.code, connection=True) from exc
                log(logger, logging.INFO, "smtp connection ended; sending again on a new one", reason=str(exc))

    def _transaction(self, smtp: smtplib.SMTP, sender: str, recipient: str, message: bytes) -> None:
        stage = "MAIL"
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                self._refused(smtp, code, reply, stage)
            stage = "RCPT"
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                self._refused(smtp, code, reply, stage)
            stage = "DATA"
            code, reply = smtp.docmd("DATA")
            if code != 354:
                self._refused(smtp, code, reply, stage)
            stage = "message"  # a body cut short, without its final dot, is no message to the server
            body = re.sub(rb"(?m)^\.", b"..", message)
            smtp.send(body + (b"" if body.endswith(b"\r\n") else b"\r\n") + b".\r\n")
            stage = "reply"
            code, reply = smtp.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            if stage == "reply":  # it may have arrived whole: sending it again now could double it
                self._drop()
                raise SmtpFailure(f"connection lost after the message was sent: {exc!r}"[:1000]) from exc
            raise _Gone(f"{exc!r} at {stage}") from exc
        if code != 250:
            self._refused(smtp, code, reply, "DATA")

    def _refused(self, smtp: smtplib.SMTP, code: int, reply, stage: str) -> None:
        if code == CLOSING:
            raise _Gone(f"{code} {_text(reply)} at {stage}", code)
        try:
            smtp.rset()  # the connection stays usable for the next mail
        except (smtplib.SMTPException, OSError):
            self._drop()
        what = "recipient refused: " if stage == "RCPT" else ""
        raise SmtpFailure(f"{what}{code} {_text(reply)}"[:1000], code, stage=stage)

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

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
                 wake=self.database.bells.wake(WAKE))
        finally:
            self.smtp.close()
