"""Mail rules: the SMTP policy, the retry schedule, permanent replies, usable addresses and senders."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from email import policy
from email.utils import parseaddr

# SMTP line endings, and bodies kept 7-bit clean (quoted-printable or base64) for any relay.
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")  # control characters (no address or header value holds one)

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


def sender_address(value: str | None) -> str | None:
    """``value`` if it is fit for ``From``: one address, bare or ``Name <user@host>``, no control
    characters; else None."""
    if not value or CONTROL.search(value):
        return None
    name, address = parseaddr(value)
    if mail_address(address) is None or "," in value or ";" in value:
        return None
    return value.strip()


def envelope_sender(sender: str) -> str:
    return parseaddr(sender)[1] or sender



def mail_address(value: str | None) -> str | None:
    """``value`` if it is one plain address (``user@host``, nothing else), else None."""
    if not value or CONTROL.search(value):
        return None
    name, address = parseaddr(value)
    if address != value.strip() or not re.fullmatch(r"[^@\s<>,;\"]+@[A-Za-z0-9.-]+", address):
        return None
    return address
