"""Notices to one person about their own things: today, that a webhook was disabled.

The delivery side decides when (410 Gone, a delivery failing through the whole retry schedule, five
days failing, the owner's token revoked) and publishes ``ptghub.notify.webhook.disabled``; notify's
consumer of its own event calls :func:`tell_owner`, which queues one notice to the webhook's
``contact``, else ``PTGHUB_WEBHOOK_CONTACT`` (:func:`..domain.notice_recipient`)."""
from __future__ import annotations

import logging
from datetime import datetime
from types import SimpleNamespace

from services.kit.db import UnitOfWork, utcnow
from services.kit.logs import log

from .. import domain, store
from ..composing.webhooks import webhook_disabled_mail
from .messages import queue_mail

logger = logging.getLogger(__name__)


def queue_webhook_disabled_notice(uow: UnitOfWork, subscription: store.WebhookSubscription, *, recipient: str | None,
                                  reason: str, disabled_at: datetime, source_event_id: str,
                                  sender: str) -> store.OutgoingMail | None:
    """Queue the mail telling ``recipient`` (the integration's contact) that ``subscription`` was
    disabled, once per ``source_event_id`` (the ``webhook.disabled`` event's id, say). None when
    the address is unusable or the notice was queued already. The caller rings ``MAIL_WAKE``."""
    address = domain.mail_address(recipient)
    if address is None:
        log(logger, logging.WARNING, "webhook-disabled notice not mailed: no usable address",
            webhook=subscription.id)
        return None
    if store.mail_exists(uow.session, source_event_id, address):
        return None
    message = webhook_disabled_mail(
        webhook_id=subscription.id, url=subscription.url, reason=reason, disabled_at=disabled_at, recipient=address,
        sender=sender, description=subscription.description or "", event_types=subscription.event_types or [],
        owner=subscription.owner, date=utcnow())
    mail = queue_mail(uow, source_event_id, domain.WEBHOOK_DISABLED, sender, address, str(message["Message-ID"]),
                      message, utcnow())
    uow.session.flush()
    return mail


def tell_owner(uow: UnitOfWork, webhook: dict, event_id: str, sender: str,
               fallback: str | None = None) -> store.OutgoingMail | None:
    """The notice of the disabling announced by event ``event_id`` (``webhook``: its data, a
    Webhook), queued once. None when there is nobody to mail or the notice was queued already."""
    subject = SimpleNamespace(id=webhook["id"], url=webhook.get("url") or "", description=webhook.get("description"),
                              event_types=webhook.get("event_types") or [], owner=webhook.get("owner") or "")
    disabled_at = _instant(webhook.get("disabled_at")) or utcnow()
    return queue_webhook_disabled_notice(
        uow, subject, recipient=domain.notice_recipient(webhook.get("contact"), fallback),
        reason=webhook.get("disabled_reason") or "disabled", disabled_at=disabled_at, source_event_id=event_id,
        sender=sender)


def _instant(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
