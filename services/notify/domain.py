"""Notify rules, free of network I/O: topic patterns, who may receive which event, Standard Webhooks
signing, retry schedules, which webhook addresses are safe to call, where mail goes and which
addresses are usable. (What a mail says, and its headers: :mod:`.composing`.)"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import random
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email import policy
from email.utils import parseaddr, parsedate_to_datetime
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.kit.auth import ORGANISER
from services.kit.cloudevents import matches

# -- the events notify publishes and the ones its rules look at --------------------------------

MESSAGE_SENT = "ptghub.notify.message.sent"
MESSAGE_FAILED = "ptghub.notify.message.failed"
WEBHOOK_DISABLED = "ptghub.notify.webhook.disabled"
TRACK_DELETED = "ptghub.schedule.track.deleted"
TRACK_SCOPE, EVENT_SCOPE = "track", "event"  # a summary's scope: one track's, or the whole event's
TOKEN_REVOKED = "ptghub.gateway.token.revoked"
REMINDER_DUE = "ptghub.actions.action.reminder.due"
# The action events notify follows to know which reminded items are still open.
ACTION_EVENTS = tuple(f"ptghub.actions.action.{verb}" for verb in ("updated", "completed", "dropped", "withdrawn"))
ACTION_WITHDRAWN = "ptghub.actions.action.withdrawn"

# -- topics -----------------------------------------------------------------------------------

_WORD = re.compile(r"^(?:[A-Za-z0-9_-]+|\*|#)$")


def is_topic_pattern(pattern: str) -> bool:
    """An AMQP topic pattern: dot-separated words, each a name, ``*`` (one word) or ``#`` (any)."""
    return bool(pattern) and len(pattern) <= 255 and all(_WORD.match(word) for word in pattern.split("."))


def matches_any(patterns: Iterable[str], event_type: str) -> bool:
    return any(matches(pattern, event_type) for pattern in patterns)


# -- who receives what ------------------------------------------------------------------------

# Events carrying personal data (mail recipients; a reminder digest's one-click links and unsubscribe
# URL, which act for their person): only organisers' webhooks receive them.
PERSONAL_EVENTS = frozenset({MESSAGE_SENT, MESSAGE_FAILED, REMINDER_DUE, "ptghub.actions.person.unsubscribed"})
# Events about one token's own things: the field of ``data`` naming that token's id. Another
# integration's webhooks never receive them.
OWNED_EVENTS = {WEBHOOK_DISABLED: "owner", TOKEN_REVOKED: "id"}


def may_receive(owner: str, owner_role: str, event_type: str, data: Any) -> bool:
    """Whether a webhook owned by token ``owner`` (of ``owner_role``) may receive an event.

    An organiser's webhook receives every event it subscribed to. An integration's does not
    receive events carrying personal data, nor events about another token's things (another
    integration's ``webhook.disabled``): only those about its own.
    """
    if owner_role == ORGANISER:
        return True
    if event_type in PERSONAL_EVENTS:
        return False
    field = OWNED_EVENTS.get(event_type)
    if field is not None:
        return isinstance(data, dict) and data.get(field) == owner
    return True


# -- Standard Webhooks v1 signing -------------------------------------------------------------

SECRET_PREFIX = "whsec_"
SECRET_MIN_BYTES, SECRET_MAX_BYTES = 24, 64


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret; ValueError when it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"must start with {SECRET_PREFIX}")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"must be {SECRET_PREFIX} followed by base64") from exc
    if not SECRET_MIN_BYTES <= len(key) <= SECRET_MAX_BYTES:
        raise ValueError(f"the key must be {SECRET_MIN_BYTES} to {SECRET_MAX_BYTES} bytes (got {len(key)})")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """``webhook-signature``: ``v1,`` + base64 HMAC-SHA256 over ``id.timestamp.body``."""
    digest = hmac.new(secret_key(secret), f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_headers(secret: str | Iterable[str], message_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The Standard Webhooks headers; several secrets (a rotation's grace period) give one ``v1,``
    signature each, space-separated."""
    secrets_ = (secret,) if isinstance(secret, str) else tuple(secret)
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, message_id, timestamp, body) for s in secrets_),
    }


# -- webhook retries --------------------------------------------------------------------------

WEBHOOK_RETRY_DELAYS = (
    timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=5),
    timedelta(hours=10), timedelta(hours=14), timedelta(hours=20), timedelta(hours=24),
)
WEBHOOK_JITTER = 0.10
WEBHOOK_RETRY_AFTER_MAX = timedelta(hours=24)
DISABLE_AFTER_FAILING = timedelta(days=5)

SUCCEEDED, PENDING, FAILED, CANCELLED = "succeeded", "pending", "failed", "cancelled"
DELIVERY_STATUSES = (PENDING, SUCCEEDED, FAILED, CANCELLED)


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
        shown = " ".join(_CONTROL.sub(" ", location or "").split())[:300]
        error += "; redirects are not followed" + (f" (Location: {shown})" if shown else "")
    return error[:1000]


# -- webhook URL safety -----------------------------------------------------------------------

METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",   # AWS, GCP, Azure, OpenStack
    "fd00:ec2::254",     # AWS over IPv6
    "100.100.100.200",   # Alibaba Cloud
))


def address_refusal(address: str) -> str | None:
    """Why a webhook may not be sent to ``address`` (loopback, private, ...), or None when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "a non-public address"
    return None


@dataclass(frozen=True)
class AllowList:
    """``PTGHUB_WEBHOOK_ALLOW``: networks and host names webhooks may reach although not public."""

    networks: tuple = ()
    hosts: frozenset = frozenset()

    @classmethod
    def parse(cls, value: str | None) -> "AllowList":
        networks, hosts = [], set()
        for item in (value or "").split(","):
            item = item.strip()
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.lower().rstrip("."))
        return cls(tuple(networks), frozenset(hosts))

    def permits(self, host: str, address: str) -> bool:
        if host.lower().rstrip(".") in self.hosts:
            return True
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        return any(ip.version == net.version and ip in net for net in self.networks)


def host_refusal(host: str, addresses: list[str], allow: AllowList) -> str | None:
    """Why a webhook host that resolved to ``addresses`` is refused, or None when it may be called.

    Every address must be safe: a host with one public and one private address is refused, since
    the client may connect to either.
    """
    if not addresses:
        return f"host {host} does not resolve"
    for address in addresses:
        reason = address_refusal(address)
        if reason and not allow.permits(host, address):
            return f"host {host} resolves to {address}, {reason}; webhooks go to public addresses only"
    return None


# -- mail -------------------------------------------------------------------------------------

# SMTP line endings, and bodies kept 7-bit clean (quoted-printable or base64) for any relay.
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")

QUEUED, SENT = "queued", "sent"
# cancelled: a reminder digest none of whose items was still open when its turn to be sent came
# suppressed: personal mail not sent, its address being on the suppression list
SUPPRESSED = "suppressed"
MAIL_STATUSES = (QUEUED, SENT, FAILED, CANCELLED, SUPPRESSED)
MAIL_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
                     timedelta(hours=4))
MAIL_RETRY_EVERY = timedelta(hours=8)
MAIL_GIVE_UP_AFTER = timedelta(days=5)


def mail_retry_at(attempts: int, queued_at: datetime, now: datetime, scale: float = 1.0) -> datetime | None:
    """When to try a mail again after ``attempts`` transient failures, or None once 5 days are spent."""
    delay = MAIL_RETRY_DELAYS[attempts - 1] if attempts <= len(MAIL_RETRY_DELAYS) else MAIL_RETRY_EVERY
    when = now + delay * scale
    if when - queued_at > MAIL_GIVE_UP_AFTER:
        return None
    return when


def smtp_permanent(code: int | None) -> bool:
    """5xx replies are permanent; 4xx replies and no reply at all (refused, timed out) are transient."""
    return code is not None and 500 <= code < 600


def mail_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2] if "@" in address else ""
    return domain if re.fullmatch(r"[A-Za-z0-9.-]+", domain or "") else "ptghub"


def summary_lists(routes: Iterable[Any], event_list: str | None = None) -> list[str]:
    """Where an event's summary goes: the event's own list (``mailing_list`` on the event) when it
    has one; else each distinct list of its tracks, once, in the order given (retired tracks and
    tracks without a list are left out)."""
    if event_list:
        return [event_list]
    lists: list[str] = []
    for route in routes:
        address = route.mailing_list
        if route.retired_at is None and address and address.lower() not in {a.lower() for a in lists}:
            lists.append(address)
    return lists


def sender_address(value: str | None) -> str | None:
    """``value`` if it is fit for ``From``: one address, bare or ``Name <user@host>``, no control
    characters; else None."""
    if not value or _CONTROL.search(value):
        return None
    name, address = parseaddr(value)
    if mail_address(address) is None or "," in value or ";" in value:
        return None
    return value.strip()


def envelope_sender(sender: str) -> str:
    return parseaddr(sender)[1] or sender


# -- a summary waiting for its track's route --------------------------------------------------

ROUTE_CHECK_FIRST = timedelta(seconds=1)
ROUTE_CHECK_MAX = timedelta(minutes=1)


def route_check_delay(checks: int) -> timedelta:
    """The wait before looking again for the route of a summary whose track is still unknown,
    after ``checks`` looks: 1 s, doubling, at most a minute (a track event wakes it at once)."""
    return min(ROUTE_CHECK_FIRST * (2 ** max(checks - 1, 0)), ROUTE_CHECK_MAX)


def is_older(event_time: str | None, kept_time: str | None) -> bool:
    """Whether an event stamped ``event_time`` is older than the one the kept copy came from."""
    if not event_time or not kept_time:
        return False
    return _instant(event_time) < _instant(kept_time)


def _instant(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


# -- reminder digests ---------------------------------------------------------------------------

ACTIVE_ACTION_STATUSES = ("open", "in_progress")
WITHDRAWN = "withdrawn"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def mail_address(value: str | None) -> str | None:
    """``value`` if it is one plain address (``user@host``, nothing else), else None."""
    if not value or _CONTROL.search(value):
        return None
    name, address = parseaddr(value)
    if address != value.strip() or not re.fullmatch(r"[^@\s<>,;\"]+@[A-Za-z0-9.-]+", address):
        return None
    return address


def still_due(item: dict[str, Any], state: Any, today: date) -> bool:
    """Whether a reminded item still belongs in its digest: notify has not seen it become done,
    dropped or withdrawn since, nor snoozed past ``today`` (the owner's date)."""
    if state is None:
        return item.get("status", "open") in ACTIVE_ACTION_STATUSES
    if state.status not in ACTIVE_ACTION_STATUSES:
        return False
    return state.snoozed_until is None or state.snoozed_until <= today


def owner_today(now: datetime, timezone_name: str | None) -> date:
    try:
        zone = ZoneInfo(timezone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()
