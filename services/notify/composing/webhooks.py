"""The notice an integration's contact gets when its webhook is disabled (``webhook_disabled``
templates): which endpoint, why, since when, and how to turn it on again."""
from __future__ import annotations

from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Iterable
from urllib.parse import urlsplit, urlunsplit

from .. import domain
from .headers import build_message, header_text, notice_message_id, personal
from .templates import current

WEBHOOK_DISABLED = "webhook_disabled"


def shown_url(url: str) -> str:
    """The endpoint as a notice shows it: scheme, host, port and path; no credentials, query or fragment."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return header_text(url, 300)
    return header_text(urlunsplit((parts.scheme, netloc, parts.path, "", "")), 300)


def webhook_disabled_mail(*, webhook_id: str, url: str, reason: str, disabled_at: datetime, recipient: str,
                          sender: str, description: str = "", event_types: Iterable[str] = (), owner: str = "",
                          date: datetime | None = None, unsubscribe_url: str | None = None) -> EmailMessage:
    """The mail telling ``recipient`` (the integration's contact) that webhook ``webhook_id`` is disabled.

    Its Message-ID comes from the webhook and the moment it was disabled, so composing it again (a
    retry) gives the same mail, and each later disabling a new one. ``unsubscribe_url``, when given,
    adds the one-click unsubscribe headers (it is personal mail).
    """
    when = disabled_at.astimezone(timezone.utc)
    context = {
        "webhook_id": webhook_id, "url": shown_url(url), "description": description or "",
        "reason": header_text(reason, 500), "disabled_at": f"{when:%Y-%m-%d %H:%M} UTC", "owner": owner or "",
        "event_types": list(event_types), "reenable": f"PATCH /api/v1/webhooks/{webhook_id} with {{\"enabled\": true}}",
    }
    text, html = current().parts(WEBHOOK_DISABLED, context)
    message_id = notice_message_id("webhook-disabled", f"{webhook_id}\0{when.isoformat()}", recipient,
                                   domain.mail_domain(sender))
    message = build_message(sender=sender, recipient=recipient,
                            subject_line=f"[ptghub] Webhook disabled: {context['url']}", message_id=message_id,
                            date=date or when, text=text, html=html)
    return personal(message, unsubscribe_url)
