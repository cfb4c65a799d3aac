"""Webhook delivery attempts: the retry schedule, ``Retry-After``, what follows an attempt (retry,
fail, disable the webhook), and what the delivery log records of an answer."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Callable

from .mail import CONTROL
from .statuses import FAILED, PENDING, SUCCEEDED

WEBHOOK_RETRY_DELAYS = (
    timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=5),
    timedelta(hours=10), timedelta(hours=14), timedelta(hours=20), timedelta(hours=24),
)
WEBHOOK_JITTER = 0.10
WEBHOOK_RETRY_AFTER_MAX = timedelta(hours=24)
DISABLE_AFTER_FAILING = timedelta(days=5)


def webhook_retry_delay(attempts: int, scale: float = 1.0, rand: Callable[[], float] = random.random) -> timedelta | None:
    """The wait after the ``attempts``-th failed attempt (±10% jitter), or None when retries are spent."""
    if attempts < 1 or attempts > len(WEBHOOK_RETRY_DELAYS):
        return None
    jitter = 1 + (rand() * 2 - 1) * WEBHOOK_JITTER
    return WEBHOOK_RETRY_DELAYS[attempts - 1] * (jitter * scale)


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """``Retry-After``: delay-seconds or an HTTP date (RFC 9110 §10.2.3); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():  # capped before it becomes a timedelta: 10**20 seconds would overflow one
        return timedelta(seconds=min(int(value), int(WEBHOOK_RETRY_AFTER_MAX.total_seconds())))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(when - now, timedelta(0))


@dataclass(frozen=True)
class AttemptResult:
    """What one delivery attempt got: the endpoint's answer, or why nothing was sent."""

    started_at: datetime
    status_code: int | None = None
    error: str | None = None
    retry_after: timedelta | None = None
    duration_ms: int = 0
    skipped: str | None = None  # the delivery is not attempted at all (subscription gone or disabled)
    response_excerpt: str | None = None  # the start of the answer's body (:func:`response_excerpt`)


@dataclass(frozen=True)
class RecordedAttempt:
    """A delivery as recording an attempt left it (its claim given up)."""

    id: str
    subscription_id: str
    status: str
    attempts: int
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class WebhookVerdict:
    """What follows an attempt: the delivery's new status, when to try again, whether to disable."""

    status: str                       # succeeded, pending (retry at next_attempt_at) or failed
    next_attempt_at: datetime | None = None
    disable: str | None = None        # why the subscription must be disabled, if it must
    spent: bool = False               # failed because every retry of the schedule is used up


def succeeded(status_code: int | None) -> bool:
    """Only a 2xx answer delivers: 1xx never ends a response here, 3xx is not followed (a redirect
    would send the signed body to an address nobody checked), 4xx and 5xx are failures."""
    return status_code is not None and 200 <= status_code < 300


def webhook_verdict(status_code: int | None, attempts: int, now: datetime, retry_after: timedelta | None = None,
                    scale: float = 1.0, rand: Callable[[], float] = random.random) -> WebhookVerdict:
    """What follows an attempt that got ``status_code`` (None: no HTTP answer at all).

    A 429 or 503 with ``Retry-After`` waits as long as the endpoint asked (at most 24 hours)
    instead of the schedule's next delay; it still counts as one of the schedule's attempts."""
    if succeeded(status_code):
        return WebhookVerdict(SUCCEEDED)
    if status_code == 410:
        return WebhookVerdict(FAILED, disable="the endpoint answered 410 Gone")
    delay = webhook_retry_delay(attempts, scale, rand)
    if delay is None:
        return WebhookVerdict(FAILED, spent=True)
    if status_code in RETRY_AFTER_STATUSES and retry_after is not None:
        delay = min(retry_after, WEBHOOK_RETRY_AFTER_MAX)
    return WebhookVerdict(PENDING, next_attempt_at=now + delay)


RETRY_AFTER_STATUSES = (429, 503)
FAILED_THROUGH_SCHEDULE = "a delivery failed through the whole retry schedule with no success meanwhile"


def failed_past_schedule(verdict: WebhookVerdict, failing_since: datetime | None,
                         first_attempted_at: datetime | None) -> bool:
    """An endpoint is failing past the schedule when a delivery has spent every retry and the
    endpoint has not answered any delivery with a 2xx since that delivery's first attempt (a
    success in between means one delivery failed, not the endpoint)."""
    return (verdict.spent and failing_since is not None and first_attempted_at is not None
            and failing_since <= first_attempted_at)


def failing_too_long(failing_since: datetime | None, now: datetime) -> bool:
    """A subscription whose deliveries have failed without a success for 5 days is disabled."""
    return failing_since is not None and now - failing_since >= DISABLE_AFTER_FAILING


# What is read of an endpoint's answer: at most RESPONSE_READ_LIMIT bytes of its body (the rest
# is never read; the connection is closed), of which RESPONSE_EXCERPT_LIMIT characters are kept.
RESPONSE_READ_LIMIT = 64 * 1024
RESPONSE_EXCERPT_LIMIT = 1000
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def response_excerpt(body: bytes, limit: int = RESPONSE_EXCERPT_LIMIT) -> str | None:
    """The start of an answer's body as text for the delivery log: decoded as UTF-8 (bad bytes
    replaced), control characters but tab and newline dropped, at most ``limit`` characters
    (an ellipsis marks a cut); None for an empty body."""
    if not body:
        return None
    text = _UNPRINTABLE.sub("", body.decode("utf-8", errors="replace"))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def http_failure(status_code: int, reason: str | None, location: str | None = None) -> str | None:
    """The error recorded for an answer that did not deliver (None for a 2xx)."""
    if succeeded(status_code):
        return None
    error = f"HTTP {status_code} {reason or ''}".strip()
    if 300 <= status_code < 400:
        shown = " ".join(CONTROL.sub(" ", location or "").split())[:300]
        error += "; redirects are not followed" + (f" (Location: {shown})" if shown else "")
    return error[:1000]
