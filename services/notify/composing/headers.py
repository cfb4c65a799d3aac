"""The headers every mail carries, and the ids that make them stable.

``From``, ``To``, a tagged ``Subject``, ``Date``, a ``Message-ID`` derived from ids only (every
retry and re-render carries the same one), ``In-Reply-To``/``References`` naming the root of the
mail's thread (one per track's list and one per event's list), and ``Auto-Submitted:
auto-generated``. Every value passes :func:`header_text` first: a name, tag or title holding CR,
LF or another control character becomes one line, so it never adds a header of its own.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime

from .. import domain

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def header_text(value: str, limit: int = 200) -> str:
    """Text fit for a header: no CR, LF or other control characters (no header injection), one
    space between words, at most ``limit`` characters."""
    text = " ".join(_CONTROL.sub(" ", value or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def link_header_url(url: str) -> str | None:
    """A URL fit for ``List-Unsubscribe: <url>``: http(s), no spaces, controls or angle brackets."""
    if not url or not re.fullmatch(r"https?://[^\s<>\x00-\x1f\x7f]+", url):
        return None
    return url


def subject(tag: str | None, title: str) -> str:
    """``[tag] title`` (once: a title starting with the tag keeps it), on one line; no tag: the title."""
    title = header_text(title, 900)
    tag = header_text(tag or "", 64)
    if not tag:
        return title
    prefix = f"[{tag}]"
    return title if title.startswith(prefix) else f"{prefix} {title}"


def _safe(value: str, fallback: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "-", value or "") or fallback


def _digest(*parts: str, length: int = 16) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:length]


def summary_message_id(summary_id: str, source_event_id: str, recipient: str, domain_name: str) -> str:
    """A summary mail's Message-ID, from its summary, the event that carried it and the list."""
    return f"<summary-{_safe(summary_id, 'summary')}.{_digest(source_event_id, recipient.lower())}@{domain_name}>"


def event_thread_root(thread: str, recipient: str, domain_name: str) -> str:
    """The Message-ID that starts the thread of an event's summaries on one list.

    Derived from the summary's ``thread`` (the id of the first summary published for the event) and
    the list, so the first summary carries it and every update names it in In-Reply-To, with nothing
    kept by notify. (A track's thread starts at the first mail to its list, kept on its route.)
    """
    return f"<summary-thread-{_safe(thread, 'event')}.{_digest(thread, recipient.lower())}@{domain_name}>"


def reminder_message_id(digest_id: str, recipient: str, domain_name: str) -> str:
    """The digest's Message-ID, derived from its id and recipient: every retry and re-render carries it."""
    return f"<reminder.{_digest(digest_id, recipient.lower(), length=24)}@{domain_name}>"  # never folded


def notice_message_id(kind: str, source_event_id: str, recipient: str, domain_name: str) -> str:
    """The Message-ID of a notice (``session``, ``webhook``) made for one event, to one recipient."""
    return f"<{_safe(kind, 'notice')}.{_digest(source_event_id, recipient.lower(), length=24)}@{domain_name}>"


@dataclass(frozen=True)
class Thread:
    """Where a message sits in its thread: the Message-ID of the thread's root, if any."""

    root: str | None = None


def build_message(*, sender: str, recipient: str, subject_line: str, message_id: str, date: datetime,
                  text: str, html: str, thread: Thread = Thread()) -> EmailMessage:
    """A multipart/alternative mail (text, then HTML) with the headers every mail carries."""
    message = EmailMessage(policy=domain.MAIL_POLICY)
    message["From"] = header_text(sender, 320)
    message["To"] = header_text(recipient, 320)
    message["Subject"] = header_text(subject_line, 998)
    message["Date"] = format_datetime(date.astimezone(timezone.utc))
    message["Message-ID"] = header_text(message_id, 300)
    if thread.root and thread.root != message_id:
        message["In-Reply-To"] = header_text(thread.root, 300)
        message["References"] = header_text(thread.root, 300)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def personal(message: EmailMessage, unsubscribe_url: str | None) -> EmailMessage:
    """Headers of mail to one person: RFC 8058 one-click unsubscribe (when the URL is fit for a
    header), and no auto-replies."""
    unsubscribe = link_header_url(unsubscribe_url or "")
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["X-Auto-Response-Suppress"] = "All"
    return message
