"""The mail that tells a disabled webhook's contact why ptghub stopped sending to it (templates
``webhook_disabled.txt.j2`` and ``.html.j2``), and who that contact is.

Pure: no I/O beyond rendering. (A stand-in until the mail templates' own
``webhook_disabled_mail`` lands; the operation calls only :func:`webhook_disabled_mail`.)
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from . import domain


def notice_recipient(webhook: dict[str, Any], fallback: str | None) -> str | None:
    """The webhook's own ``contact`` when it names one plain address; else ``fallback``
    (``PTGHUB_WEBHOOK_NOTICE_TO``) when that is one; else None (nobody to mail)."""
    return domain.mail_address(webhook.get("contact")) or domain.mail_address(fallback)


def notice_message_id(event_id: str, recipient: str, mail_domain: str) -> str:
    """Derived from the disabling's event id: a redelivered event queues nothing new, a retry
    carries the same Message-ID."""
    digest = hashlib.sha256(f"{event_id}\0{recipient.lower()}".encode()).hexdigest()[:24]
    return f"<webhook-disabled.{digest}@{mail_domain}>"


def notice_subject(webhook: dict[str, Any]) -> str:
    name = webhook.get("description") or webhook.get("url") or webhook.get("id") or ""
    return domain.header_text(f"[ptghub] Webhook disabled: {name}")


def webhook_disabled_mail(webhook: dict[str, Any], *, sender: str, recipient: str, message_id: str,
                          date: datetime) -> EmailMessage:
    """The notice: which webhook, why it was disabled, when, and how to turn it back on."""
    context = {
        "url": webhook.get("url") or "",
        "description": " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", webhook.get("description") or "").split())[:300],
        "reason": webhook.get("disabled_reason") or "not given",
        "disabled_at": webhook.get("disabled_at") or "",
        "webhook_id": webhook.get("id") or "",
    }
    message = domain.build_message(
        sender=sender, recipient=recipient, subject_line=notice_subject(webhook), message_id=message_id, date=date,
        text=domain.render("webhook_disabled.txt.j2", **context), html=domain.render("webhook_disabled.html.j2", **context))
    message["X-Auto-Response-Suppress"] = "All"
    return message
