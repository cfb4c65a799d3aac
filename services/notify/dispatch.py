"""The two delivery loops of the notify worker: signed webhooks over HTTP and queued mail over SMTP.

Each loop claims due rows with :func:`services.kit.db.claim_batch` (a lease, so several workers
share the work and a crashed worker's rows come back), talks to the outside world with no
database transaction open, then records the outcome — and publishes any event — in one unit of
work, only if the claim is still its own.
"""
from __future__ import annotations

import logging
import smtplib
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable
from urllib.parse import unquote, urlsplit

import requests
import sqlalchemy as sa

from services.kit.cloudevents import event_type
from services.kit.config import env
from services.kit.db import Database, claim_batch, utcnow
from services.kit.logs import log
from services.kit.polling import poll

from . import SERVICE, domain, store
from .schemas import MessageEventSchema, WebhookSchema

logger = logging.getLogger(__name__)

Loop = Callable[[threading.Event], None]


@dataclass(frozen=True)
class Config:
    """Notify's own settings (``PTGHUB_*``), on top of the kit's."""

    smtp_url: str = "smtp://127.0.0.1:8025"
    mail_from: str = "ptghub <ptghub@localhost>"
    webhook_allow: domain.AllowList = domain.AllowList()
    interval: float = 0.05
    webhook_retry_scale: float = 1.0
    mail_retry_scale: float = 1.0
    webhook_timeout: float = 10.0
    smtp_timeout: float = 30.0

    @classmethod
    def load(cls) -> "Config":
        return cls(
            smtp_url=env("SMTP_URL", cls.smtp_url),
            mail_from=env("MAIL_FROM", cls.mail_from),
            webhook_allow=domain.AllowList.parse(env("WEBHOOK_ALLOW", "")),
            interval=float(env("DISPATCH_INTERVAL", str(cls.interval))),
            webhook_retry_scale=float(env("WEBHOOK_RETRY_SCALE", "1")),
            mail_retry_scale=float(env("MAIL_RETRY_SCALE", "1")),
            webhook_timeout=float(env("WEBHOOK_TIMEOUT", str(cls.webhook_timeout))),
            smtp_timeout=float(env("SMTP_TIMEOUT", str(cls.smtp_timeout))),
        )


# -- webhook URL safety (resolves the host, then applies the domain's rule) --------------------

def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    return sorted({info[4][0] for info in infos})


def url_refusal(url: str, allow: domain.AllowList) -> str | None:
    """Why ``url`` may not receive webhooks (it resolves to a loopback, private, ... address), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http or https URL with a host"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "has an invalid port"
    return domain.url_refusal(parts.hostname, resolve(parts.hostname, port), allow)


# -- webhooks ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attempt:
    started_at: object
    status_code: int | None = None
    error: str | None = None
    retry_after: timedelta | None = None
    duration_ms: int = 0
    skipped: str | None = None  # the delivery is not attempted at all (subscription gone or disabled)


class WebhookDispatcher:
    """Claims due deliveries and POSTs them, signed, several endpoints at a time."""

    def __init__(self, database: Database, config: Config, batch_size: int = 32,
                 lease: timedelta = timedelta(seconds=60), concurrency: int = 8):
        self.database = database
        self.config = config
        self.batch_size = batch_size
        self.lease = lease
        self.concurrency = concurrency
        self._local = threading.local()
        self._pool: ThreadPoolExecutor | None = None
        self.table = store.WebhookDelivery.__table__

    def _session(self) -> requests.Session:
        """One pooled keep-alive session per sending thread (requests sessions are not thread-safe)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["user-agent"] = "ptghub-webhooks/1"
            adapter = requests.adapters.HTTPAdapter(pool_connections=16, pool_maxsize=4, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
        return session

    def deliver_once(self) -> int:
        """Attempt one batch of due deliveries; returns how many were claimed."""
        table = self.table
        now = utcnow()
        claim, rows = claim_batch(
            self.database, table, order_by=table.c.next_attempt_at,
            ready=sa.and_(table.c.status == domain.PENDING, table.c.next_attempt_at <= now),
            limit=self.batch_size, lease=self.lease,
        )
        if not rows:
            return 0
        with self.database.sessions() as session:
            subscriptions = {
                s.id: (s.url, s.secret, s.enabled) for s in session.scalars(
                    sa.select(store.WebhookSubscription).where(
                        store.WebhookSubscription.id.in_({r.subscription_id for r in rows})))
            }
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook")
        futures = {self._pool.submit(self.attempt, row, subscriptions.get(row.subscription_id)): row for row in rows}
        for future in as_completed(futures):
            row = futures[future]
            try:
                self.record(claim, row, future.result())
            except Exception:
                logger.exception("recording webhook delivery %s failed; it comes back when its lease ends", row.id)
        return len(rows)

    def attempt(self, row, subscription) -> Attempt:
        started = utcnow()
        if subscription is None:
            return Attempt(started, skipped="the webhook was deleted")
        url, secret, enabled = subscription
        if not enabled:
            return Attempt(started, skipped="the webhook is disabled")
        refusal = url_refusal(url, self.config.webhook_allow)
        if refusal:
            return Attempt(started, error=f"url refused: {refusal}")
        timestamp = int(time.time())
        headers = domain.webhook_headers(secret, row.id, timestamp, row.payload)
        clock = time.perf_counter()
        try:
            response = self._session().post(url, data=row.payload.encode(), headers=headers,
                                            timeout=self.config.webhook_timeout, allow_redirects=False)
        except requests.RequestException as exc:
            return Attempt(started, error=f"{exc.__class__.__name__}: {exc}"[:1000],
                           duration_ms=int((time.perf_counter() - clock) * 1000))
        duration = int((time.perf_counter() - clock) * 1000)
        response.close()
        error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code} {response.reason or ''}".strip()
        return Attempt(started, status_code=response.status_code, error=error, duration_ms=duration,
                       retry_after=domain.parse_retry_after(response.headers.get("retry-after"), utcnow()))

    def record(self, claim: str, row, attempt: Attempt) -> None:
        with self.database.unit_of_work() as uow:
            session = uow.session
            delivery = session.get(store.WebhookDelivery, row.id, with_for_update=True, populate_existing=True)
            if delivery is None or delivery.claim != claim:
                return  # deleted meanwhile, or the lease ran out and another worker took it over
            delivery.claim = delivery.claimed_until = None
            if attempt.skipped:
                delivery.status, delivery.next_attempt_at, delivery.last_error = domain.CANCELLED, None, attempt.skipped
                uow.commit()
                return
            now = utcnow()
            delivery.attempts += 1
            delivery.last_attempt_at = attempt.started_at
            delivery.last_status_code = attempt.status_code
            delivery.last_error = attempt.error
            session.add(store.WebhookAttempt(
                delivery_id=delivery.id, number=delivery.attempts, attempted_at=attempt.started_at,
                status_code=attempt.status_code, error=attempt.error, duration_ms=attempt.duration_ms))
            outcome = domain.webhook_outcome(attempt.status_code, delivery.attempts, now, attempt.retry_after,
                                             self.config.webhook_retry_scale)
            delivery.status, delivery.next_attempt_at = outcome.status, outcome.next_attempt_at
            subscription = session.get(store.WebhookSubscription, delivery.subscription_id, with_for_update=True,
                                       populate_existing=True)
            if outcome.status == domain.SUCCEEDED:
                subscription.failing_since = None
            else:
                if subscription.failing_since is None:
                    subscription.failing_since = now
                reason = outcome.disable or (
                    "deliveries failed for 5 days" if domain.failing_too_long(subscription.failing_since, now) else None)
                if reason and subscription.enabled:
                    disable(uow, subscription, reason)
            uow.commit()
        log(logger, logging.INFO, "webhook delivery attempted", delivery=row.id, status=outcome.status,
            status_code=attempt.status_code, attempts=delivery.attempts)

    def run(self, stop: threading.Event) -> None:
        try:
            poll(self.deliver_once, stop, name="webhook delivery", interval=self.config.interval,
                 batch_size=self.batch_size)
        finally:
            self.close()

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


def disable(uow, subscription: store.WebhookSubscription, reason: str) -> None:
    """Disable a subscription and tell its owner (``ptghub.notify.webhook.disabled``)."""
    subscription.enabled = False
    subscription.disabled_reason = reason
    subscription.disabled_at = utcnow()
    uow.session.flush()
    uow.publish(event_type(SERVICE, "webhook", "disabled"), WebhookSchema().dump(subscription), subject=subscription.id)
    log(logger, logging.WARNING, "webhook disabled", webhook=subscription.id, owner=subscription.owner, reason=reason)


# -- mail --------------------------------------------------------------------------------------

class SmtpFailure(Exception):
    def __init__(self, message: str, code: int | None = None, connection: bool = False):
        super().__init__(message)
        self.code = code
        self.connection = connection  # nothing reached the server: the rest of the batch would fail alike

    @property
    def permanent(self) -> bool:
        return domain.smtp_permanent(self.code)


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


class MailDispatcher:
    """Claims due mail and sends it over one reused SMTP connection."""

    def __init__(self, database: Database, config: Config, batch_size: int = 16,
                 lease: timedelta = timedelta(minutes=5)):
        self.database = database
        self.config = config
        self.batch_size = batch_size
        self.lease = lease
        self.smtp = SmtpConnection(config.smtp_url, timeout=config.smtp_timeout)
        self.table = store.OutgoingMail.__table__

    def send_once(self) -> int:
        """Send one batch of due mail; returns how many were claimed."""
        table = self.table
        claim, rows = claim_batch(
            self.database, table, order_by=table.c.next_attempt_at,
            ready=sa.and_(table.c.status == domain.QUEUED, table.c.next_attempt_at <= utcnow()),
            limit=self.batch_size, lease=self.lease,
        )
        unreachable: SmtpFailure | None = None
        for row in rows:
            failure = unreachable
            if failure is None:
                try:
                    self.smtp.send(domain.envelope_sender(row.sender), row.recipient, row.message.encode())
                except SmtpFailure as exc:
                    failure = exc
                    if exc.connection:  # the server is unreachable: the rest of the batch waits alike
                        unreachable = exc
            # Should recording fail, the row stays claimed until its lease ends (no instant re-send).
            self.record(claim, row, failure)
        return len(rows)

    def record(self, claim: str, row, failure: SmtpFailure | None) -> None:
        with self.database.unit_of_work() as uow:
            mail = uow.session.get(store.OutgoingMail, row.id, with_for_update=True, populate_existing=True)
            if mail is None or mail.claim != claim:
                return
            now = utcnow()
            mail.claim = mail.claimed_until = None
            mail.attempts += 1
            mail.last_attempt_at = now
            if failure is None:
                mail.status, mail.sent_at, mail.next_attempt_at = domain.SENT, now, None
            else:
                mail.last_code, mail.last_error = failure.code, str(failure)[:1000]
                retry_at = None if failure.permanent else domain.mail_retry_at(
                    mail.attempts, mail.created_at, now, self.config.mail_retry_scale)
                mail.status, mail.next_attempt_at = (domain.QUEUED, retry_at) if retry_at else (domain.FAILED, None)
            if mail.status != domain.QUEUED:
                verb = "sent" if mail.status == domain.SENT else "failed"
                uow.publish(event_type(SERVICE, "message", verb), MessageEventSchema().dump(mail), subject=mail.id)
            uow.commit()
        log(logger, logging.INFO if failure is None else logging.WARNING, "mail attempted", message=row.id,
            status=mail.status, attempts=mail.attempts, error=str(failure) if failure else None)

    def run(self, stop: threading.Event) -> None:
        try:
            poll(self.send_once, stop, name="mail delivery", interval=self.config.interval, batch_size=self.batch_size)
        finally:
            self.smtp.close()


def timers(database: Database) -> list[Loop]:
    """The worker's delivery loops (``build_worker(..., timers=dispatch.timers)``)."""
    config = Config.load()
    webhooks = WebhookDispatcher(database, config)
    mail = MailDispatcher(database, config)

    def webhook_delivery(stop: threading.Event) -> None:
        webhooks.run(stop)

    def mail_delivery(stop: threading.Event) -> None:
        mail.run(stop)

    return [webhook_delivery, mail_delivery]
