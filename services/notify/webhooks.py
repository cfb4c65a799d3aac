"""Webhook delivery: which URLs may receive webhooks (resolved with a timeout, then the domain's
rule), and the loop that POSTs due deliveries, signed (Standard Webhooks v1), several at a time.

The loop claims due deliveries with :func:`services.kit.db.claim_batch` (a lease, so several
workers share the work and a crashed worker's rows come back) and keeps the lease while it works
(:class:`services.kit.db.LeaseKeeper`: however slow the endpoints, no other worker takes the
batch over and sends it again). It claims only as many as it has idle senders and does not wait
for a batch to finish before claiming the next, so a delivery queued meanwhile is not held up by
a slow endpoint of an earlier batch. Each sender talks to its endpoint with no database
transaction open, then records the outcome, and any event it causes, in one unit of work
(:func:`operations.subscriptions.record_attempt`), only if the claim is still its own.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import timedelta
from typing import Callable
from urllib.parse import urlsplit

import requests

from services.kit.db import Database, LeaseKeeper, claim_batch, release_claim, utcnow
from services.kit.logs import log
from services.kit.polling import poll
from services.kit.wake import STOP_CHECK

from . import domain, store
from .config import NotifySettings
from .operations import subscriptions

logger = logging.getLogger(__name__)

WAKE = "notify.webhooks"  # rung (uow.ring) by what queues a delivery; the delivery loop waits on it

# getaddrinfo has no timeout of its own: look-ups run here and are waited for at most dns_timeout.
_resolver = ThreadPoolExecutor(8, thread_name_prefix="dns")


def resolve(host: str, port: int, timeout: float,
            lookup: Callable[..., list] = socket.getaddrinfo) -> list[str] | None:
    """The addresses ``host`` resolves to ([] when it does not), or None when the look-up took
    longer than ``timeout`` seconds."""
    future = _resolver.submit(lookup, host, port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=timeout)
    except FutureTimeout:
        return None
    except (socket.gaierror, UnicodeError, OSError):
        return []
    return sorted({info[4][0] for info in infos})


def url_refusal(url: str, allow: domain.AllowList, dns_timeout: float = 5.0,
                lookup: Callable[..., list] = socket.getaddrinfo) -> str | None:
    """Why ``url`` may not receive webhooks (it resolves to a loopback, private, ... address, or
    not at all within ``dns_timeout`` seconds), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http or https URL with a host"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "has an invalid port"
    addresses = resolve(parts.hostname, port, dns_timeout, lookup)
    if addresses is None:
        return f"host {parts.hostname} did not resolve within {dns_timeout:g} s"
    return domain.host_refusal(parts.hostname, addresses, allow)


class WebhookDeliveryLoop:
    """Claims due deliveries and POSTs them, signed, ``concurrency`` endpoints at a time."""

    def __init__(self, database: Database, settings: NotifySettings, batch_size: int = 32,
                 lease: timedelta = timedelta(seconds=60), concurrency: int = 8):
        self.database = database
        self.settings = settings
        self.batch_size = batch_size
        self.lease = lease
        self.concurrency = concurrency
        self._local = threading.local()
        self._pool: ThreadPoolExecutor | None = None
        self._senders = threading.Semaphore(concurrency)  # idle senders; a claim takes no more rows
        # Outcomes are recorded one at a time: eight threads writing at once only queue on the
        # subscription's row lock, and compete for the GIL with the consumer that queues deliveries.
        self._recording = threading.Lock()
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
        """Claim as many due deliveries as there are idle senders (up to ``batch_size``) and hand
        each to one, without waiting for them: a delivery queued meanwhile is claimed at once by
        the next round (rung by its consumer), not after the slowest endpoint of this batch.
        While every sender is busy the round waits (a short while) for one. Returns how many
        were claimed, or ``batch_size`` when the senders took all they could (there may be more
        due: the poll comes back at once)."""
        free = self._take_senders()
        if not free:
            return self.batch_size
        table = self.table
        since = utcnow()
        try:
            claim, rows = claim_batch(self.database, table, order_by=table.c.next_attempt_at,
                                      ready=store.due_deliveries(table, since), limit=free, lease=self.lease)
            if rows:
                with self.database.sessions() as session:
                    targets = store.delivery_targets(session, {r.subscription_id for r in rows})
        except BaseException:
            self._senders.release(free)
            raise
        if free > len(rows):
            self._senders.release(free - len(rows))
        if not rows:
            return 0
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook")
        batch = _Batch(LeaseKeeper(self.database, table, claim, self.lease, since).__enter__(), len(rows))
        for row in rows:
            try:
                self._pool.submit(self.send, claim, row, targets.get(row.subscription_id), batch)
            except RuntimeError:  # closing: the row comes back when its lease ends
                batch.done()
                self._senders.release()
        return self.batch_size if len(rows) == free else len(rows)

    def _take_senders(self) -> int:
        """Reserve idle senders: waits up to STOP_CHECK seconds for the first, takes the others
        that are idle now (at most ``batch_size``); 0 when none came free."""
        if not self._senders.acquire(timeout=STOP_CHECK):
            return 0
        free = 1
        while free < self.batch_size and self._senders.acquire(blocking=False):
            free += 1
        return free

    def send(self, claim: str, row, target: tuple[str, str, bool] | None, batch: "_Batch") -> None:
        """One sender's work: attempt the delivery and record what it got (or hand it back)."""
        try:
            result = self.attempt(row, target, batch.lease)
            if result is None:  # the lease could no longer be kept: hand it back rather than risk a second sender
                release_claim(self.database, self.table, claim, [row.id])
            else:
                with self._recording:  # one outcome at a time, as one loop thread recorded them before
                    self.record(claim, row, result)
        except Exception:
            logger.exception("webhook delivery %s failed; it comes back when its lease ends", row.id)
        finally:
            batch.done()
            self._senders.release()

    def attempt(self, row, target: tuple[str, str, bool] | None, lease: LeaseKeeper) -> domain.AttemptResult | None:
        """POST one delivery to its subscription's URL (None: not attempted, the lease no longer holds)."""
        started = utcnow()
        if target is None:
            return domain.AttemptResult(started, skipped="the webhook was deleted")
        url, secret, enabled = target
        if not enabled:
            return domain.AttemptResult(started, skipped="the webhook is disabled")
        if not lease.holds():
            return None
        settings = self.settings
        refusal = url_refusal(url, settings.webhook_allow, settings.dns_timeout)
        if refusal:
            return domain.AttemptResult(started, error=f"url refused: {refusal}")
        timestamp = int(time.time())
        headers = domain.webhook_headers(secret, row.id, timestamp, row.payload)
        clock = time.perf_counter()
        try:
            response = self._session().post(url, data=row.payload.encode(), headers=headers,
                                            timeout=settings.webhook_timeout, allow_redirects=False)
        except requests.RequestException as exc:
            return domain.AttemptResult(started, error=f"{exc.__class__.__name__}: {exc}"[:1000],
                                        duration_ms=int((time.perf_counter() - clock) * 1000))
        duration = int((time.perf_counter() - clock) * 1000)
        response.close()
        error = None if 200 <= response.status_code < 300 else \
            f"HTTP {response.status_code} {response.reason or ''}".strip()
        return domain.AttemptResult(started, status_code=response.status_code, error=error, duration_ms=duration,
                                    retry_after=domain.parse_retry_after(response.headers.get("retry-after"), utcnow()))

    def record(self, claim: str, row, result: domain.AttemptResult) -> None:
        with self.database.unit_of_work() as uow:
            delivery = subscriptions.record_attempt(uow, claim, row.id, result, self.settings.webhook_retry_scale)
            if delivery is None:
                return
            uow.commit()
        log(logger, logging.INFO, "webhook delivery attempted", delivery=row.id, status=delivery.status,
            status_code=result.status_code, attempts=delivery.attempts)

    def run(self, stop: threading.Event) -> None:
        try:
            poll(self.deliver_once, stop, name="webhook delivery", interval=self.settings.interval,
                 batch_size=self.batch_size, wake=self.database.bells.wake(WAKE))
        finally:
            self.close()

    def close(self) -> None:
        """Wait for the deliveries being sent (each is recorded), then let the senders go."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


class _Batch:
    """The deliveries of one claim, in flight: its lease is kept until the last of them is done."""

    def __init__(self, lease: LeaseKeeper, count: int):
        self.lease = lease
        self._left = count
        self._lock = threading.Lock()

    def done(self) -> None:
        with self._lock:
            self._left -= 1
            last = self._left == 0
        if last:
            self.lease.__exit__(None, None, None)
