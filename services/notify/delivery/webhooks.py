"""The webhook delivery loop: claims due deliveries and POSTs them, signed (Standard Webhooks v1), to
exactly the addresses that were checked (:mod:`..transport.dns`), over the shared HTTP client
(:mod:`..transport.http`).

**What an answer counts for.** Only a 2xx delivers; a redirect is not followed (3xx is a recorded
failure); at most :data:`domain.RESPONSE_READ_LIMIT` bytes of a body are read, and an excerpt is
kept in the attempt's log; 429 and 503 honour ``Retry-After`` (:func:`domain.webhook_verdict`).
Every retry carries the delivery's id as ``webhook-id``.

**Sharing the loop.** Requests run on one asyncio loop (:class:`..transport.http.HttpLoop`, its own
thread): at most ``concurrency`` at once, and at most ``endpoint_concurrency`` to any one webhook.
:meth:`WebhookDeliveryLoop.run` keeps claiming new batches while earlier ones still wait on a slow
endpoint (up to ``max_batches`` batches in flight).

The loop claims due deliveries with a :class:`services.kit.db.Claimer` (a lease, so several
workers share the work and a crashed worker's rows come back) and keeps the lease while it works
(:class:`services.kit.db.LeaseKeeper`: however slow the endpoints, no other worker takes the
batch over and sends it again). It talks to the endpoints with no database transaction open,
then records each outcome, and any event it causes, in one unit of work
(:func:`operations.subscriptions.record_attempt`), only if the claim is still its own.

Deliveries the consumer of this process queues skip the claim: they are inserted claimed by this
loop and handed to it after the consumer's commit (:meth:`WebhookDeliveryLoop.take`,
:mod:`.handoff`), and worked as a claimed batch is.
"""
from __future__ import annotations

import asyncio
import logging
import socket
import ssl as ssl_module
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import timedelta

import aiohttp
from yarl import URL

from services.kit.db import CLAIM_NOW, Claimer, Database, LeaseKeeper, release_claim, utcnow
from services.kit.logs import log
from services.kit.polling import poll

from .. import domain, store
from ..config import NotifySettings
from . import handoff
from .bells import WEBHOOK_WAKE
from ..operations import subscriptions
from ..transport.dns import Lookup, checked_addresses_async, pinned
from ..transport.http import HttpLoop, read_capped

logger = logging.getLogger(__name__)

HANDOFF_LEASE = timedelta(seconds=10)
# handed deliveries are sent where the consumer read their subscription to be, unless they waited
# this long for a runner: then the subscription is read again (changed or disabled meanwhile)
HANDED_TARGETS_FRESH = timedelta(seconds=1)


class WebhookDeliveryLoop:
    """Claims due deliveries and POSTs them, signed, to the addresses it checked.

    ``lookup`` resolves host names (``socket.getaddrinfo``'s signature; tests give their own);
    ``ssl`` verifies https endpoints (default: the system's CAs)."""

    def __init__(self, database: Database, settings: NotifySettings, batch_size: int = 32,
                 lease: timedelta = timedelta(seconds=60), concurrency: int | None = None,
                 endpoint_concurrency: int | None = None, max_batches: int = 4,
                 lookup: Lookup = socket.getaddrinfo, ssl: ssl_module.SSLContext | None = None):
        self.database = database
        self.settings = settings
        self.batch_size = batch_size
        self.lease = lease
        # handed rows (:meth:`take`) are claimed before any runner is free for them: should this
        # process die first, they come back this soon, not after a whole lease
        self.handoff_lease = min(lease, HANDOFF_LEASE)
        self.concurrency = concurrency or settings.webhook_concurrency
        self.endpoint_concurrency = endpoint_concurrency or settings.webhook_endpoint_concurrency
        self.lookup = lookup
        self.table = table = store.WebhookDelivery.__table__
        self.claimer = Claimer(table, table.c.next_attempt_at, store.due_deliveries(table, CLAIM_NOW), batch_size)
        self._http: HttpLoop | None = None
        self._http_lock = threading.Lock()
        self._batches = threading.BoundedSemaphore(max_batches)
        self._runners = ThreadPoolExecutor(max_batches, thread_name_prefix="webhook-batch")
        self.wake = None  # the loop's wake, listened to once it runs
        self._stopping = False
        self.ssl = ssl

    def http(self) -> HttpLoop:
        with self._http_lock:
            if self._http is None:
                self._http = HttpLoop(self.concurrency, self.endpoint_concurrency, self.settings.webhook_timeout,
                                       self.ssl)
            return self._http

    # -- claiming and recording ------------------------------------------------------------

    def _claim(self):
        since = utcnow()
        claim, rows = self.claimer.claim(self.database, self.lease, since)
        return since, claim, rows

    def deliver_once(self) -> int:
        """Claim one batch of due deliveries and attempt every one, waiting until each is recorded;
        returns how many were claimed."""
        since, claim, rows = self._claim()
        if rows:
            self._deliver(since, claim, rows)
        return len(rows)

    def step(self) -> int:
        """:meth:`run`'s round: claim a batch and hand it to a batch runner, without waiting for
        it (a batch stuck on a slow endpoint does not stop the next one); 0 when every runner is busy
        (a runner that finishes rings the loop)."""
        if not self._batches.acquire(blocking=False):
            return 0
        try:
            since, claim, rows = self._claim()
        except BaseException:
            self._batches.release()
            raise
        if not rows:
            self._batches.release()
            return 0
        self._runners.submit(self._run_batch, since, claim, rows)
        return len(rows)

    def _run_batch(self, since, claim, rows) -> None:
        try:
            self._deliver(since, claim, rows)
        except Exception:
            logger.exception("a webhook batch failed; its rows come back when their lease ends")
        finally:
            self._batches.release()
            if self.wake is not None:
                self.wake.ring()

    def take(self, claim: str, since, rows: list[handoff.HandedDelivery]) -> None:
        """Deliveries this process's consumer inserted claimed as ``claim`` at ``since`` (their
        unit of work committed): attempted by a batch runner as a claimed batch is, without a
        claim query. Queued behind busy runners they keep their lease (``handoff_lease``) only for
        its first two thirds (:class:`LeaseKeeper`): past that they are handed back unattempted,
        never sent twice."""
        try:
            self._runners.submit(self._run_handed, since, claim, rows)
        except RuntimeError:  # stopping: the rows come back when their lease ends
            logger.info("webhook loop stopping; %d handed deliveries wait for their lease to end", len(rows))

    def _run_handed(self, since, claim, rows) -> None:
        try:
            self._deliver(since, claim, rows, self.handoff_lease)
        except Exception:
            logger.exception("handed webhook deliveries failed; they come back when their lease ends")

    def _deliver(self, since, claim: str, rows, lease_length: timedelta | None = None) -> None:
        table = self.table
        if utcnow() - since < HANDED_TARGETS_FRESH and all(isinstance(row, handoff.HandedDelivery) for row in rows):
            # their targets came with them, read a moment ago
            targets = {row.subscription_id: (row.url, row.secrets, True) for row in rows}
        else:
            with self.database.sessions() as session:
                targets = store.delivery_targets(session, {r.subscription_id for r in rows})
        http = self.http()
        unattempted = []
        with LeaseKeeper(self.database, table, claim, lease_length or self.lease, since) as lease:
            pending = {http.submit(self.attempt(row, targets.get(row.subscription_id), lease)): row for row in rows}
            while pending:
                # Every outcome in by now is recorded in one unit of work: a fan-out's answers arrive
                # together, and one commit for them all is what lets a loop keep up with them.
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                outcomes = []
                for future in done:
                    row = pending.pop(future)
                    try:
                        result = future.result()
                    except Exception:
                        logger.exception("webhook delivery %s failed unrecorded; it comes back when its lease ends",
                                         row.id)
                        continue
                    if result is None:
                        unattempted.append(row.id)
                    else:
                        outcomes.append((row, result))
                if outcomes:
                    self.record_all(claim, outcomes)
        if unattempted:  # the lease could no longer be kept: hand these back rather than risk a second sender
            release_claim(self.database, table, claim, unattempted)

    # -- one attempt ---------------------------------------------------------------------------

    async def attempt(self, row, target: tuple[str, tuple[str, ...], bool] | None,
                      lease: LeaseKeeper) -> domain.AttemptResult | None:
        """POST one delivery to its subscription's URL (None: not attempted, the lease no longer holds)."""
        started = utcnow()
        if target is None:
            return domain.AttemptResult(started, skipped="the webhook was deleted")
        url, secret, enabled = target
        if not enabled:
            return domain.AttemptResult(started, skipped="the webhook is disabled")
        http = self.http()
        async with http.gate(row.subscription_id):
            if self._stopping or not lease.holds():  # handed back: stopping, or the lease is in doubt
                return None
            started = utcnow()
            clock = time.perf_counter()
            settings = self.settings
            addresses, refusal = await checked_addresses_async(url, settings.webhook_allow, settings.dns_timeout,
                                                               self.lookup)
            if refusal:
                return domain.AttemptResult(started, error=f"url refused: {refusal}"[:1000],
                                            duration_ms=_ms(clock))
            timestamp = int(time.time())
            headers = domain.webhook_headers(secret, row.id, timestamp, row.payload)
            body = row.payload.encode()
            failure = None
            for address in addresses:  # the checked addresses, in turn, until one takes the connection
                target_url, host = pinned(url, address)
                try:
                    return await self._post(http, target_url, host, URL(url), headers, body, started, clock)
                except aiohttp.ClientConnectorError as exc:
                    failure = exc
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                    failure = exc
                    break
            message = f"{failure.__class__.__name__}: {failure}" if str(failure) else failure.__class__.__name__
            return domain.AttemptResult(started, error=message[:1000], duration_ms=_ms(clock))

    async def _post(self, http: HttpLoop, target: URL, host: str, original: URL, headers: dict, body: bytes,
                    started, clock: float) -> domain.AttemptResult:
        server_hostname = original.host if original.scheme == "https" else None
        async with http.session.post(target, data=body, headers={**headers, "host": host}, allow_redirects=False,
                                     server_hostname=server_hostname) as response:
            content, whole = await read_capped(response, domain.RESPONSE_READ_LIMIT)
            if not whole:
                response.close()  # the rest is never read: this connection is not reused
            status = response.status
            return domain.AttemptResult(
                started, status_code=status, duration_ms=_ms(clock),
                error=domain.http_failure(status, response.reason, response.headers.get("location")),
                retry_after=domain.parse_retry_after(response.headers.get("retry-after"), utcnow()),
                response_excerpt=domain.response_excerpt(content))

    def record_all(self, claim: str, outcomes: list[tuple]) -> None:
        """Record several attempts in one unit of work; should that fail, each in its own (so one
        bad row does not leave the others unrecorded until their lease ends)."""
        if len(outcomes) > 1:
            try:
                recorded = []
                with self.database.unit_of_work() as uow:
                    # webhooks locked in one order by every worker: two groups never wait on each other
                    for row, result in sorted(outcomes, key=lambda outcome: (outcome[0].subscription_id, outcome[0].id)):
                        delivery = subscriptions.record_attempt(uow, claim, row.id, result,
                                                                self.settings.webhook_retry_scale)
                        if delivery is not None:
                            recorded.append((row, result, delivery.status, delivery.attempts))
                    uow.commit()
            except Exception:
                logger.warning("recording %d webhook attempts together failed; recording each alone", len(outcomes),
                               exc_info=True)
            else:
                for row, result, status, attempts in recorded:
                    self._logged(row, result, status, attempts)
                return
        for row, result in outcomes:
            try:
                self.record(claim, row, result)
            except Exception:
                logger.exception("recording webhook delivery %s failed; it comes back when its lease ends", row.id)

    def record(self, claim: str, row, result: domain.AttemptResult) -> None:
        with self.database.unit_of_work() as uow:
            delivery = subscriptions.record_attempt(uow, claim, row.id, result, self.settings.webhook_retry_scale)
            if delivery is None:
                return
            uow.commit()
            status, attempts = delivery.status, delivery.attempts
        self._logged(row, result, status, attempts)

    @staticmethod
    def _logged(row, result: domain.AttemptResult, status: str, attempts: int) -> None:
        log(logger, logging.INFO, "webhook delivery attempted", delivery=row.id, status=status,
            status_code=result.status_code, attempts=attempts)

    # -- running --------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        self.wake = self.database.bells.wake(WEBHOOK_WAKE)
        handoff.register(self.database, self)
        try:
            poll(self.step, stop, name="webhook delivery", interval=self.settings.interval,
                 batch_size=self.batch_size, wake=self.wake)
        finally:
            handoff.unregister(self.database, self)
            self.close()

    def close(self) -> None:
        """Stop: requests under way finish, deliveries still waiting for their endpoint's turn are
        handed back unattempted (another round, or another worker, sends them)."""
        self._stopping = True
        self._runners.shutdown(wait=True)
        with self._http_lock:
            http, self._http = self._http, None
        if http is not None:
            http.close()


def _ms(clock: float) -> int:
    return int((time.perf_counter() - clock) * 1000)
