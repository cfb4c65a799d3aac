"""Telling a disabled webhook's owner: on ``ptghub.notify.webhook.disabled`` (410 Gone, a delivery
failing through the whole retry schedule, five days failing, the owner's token revoked) one
notice mail is queued to the webhook's ``contact`` (or ``PTGHUB_WEBHOOK_NOTICE_TO``) for the mail
loop to send."""
from __future__ import annotations

import logging

from services.kit.db import UnitOfWork, utcnow
from services.kit.logs import log

from .. import domain, store
from ..webhook_notice import notice_message_id, notice_recipient, webhook_disabled_mail

logger = logging.getLogger(__name__)


def tell_owner(uow: UnitOfWork, webhook: dict, event_id: str, sender: str,
               fallback: str | None = None) -> store.OutgoingMail | None:
    """Queue the notice of a disabled webhook (once per disabling event). None when there is
    nobody to mail (no contact, no fallback) or the notice was queued already."""
    recipient = notice_recipient(webhook, fallback)
    if recipient is None:
        log(logger, logging.WARNING, "disabled webhook's owner not mailed: no contact", webhook=webhook.get("id"),
            owner=webhook.get("owner"))
        return None
    if store.mail_exists(uow.session, event_id, recipient):
        return None
    now = utcnow()
    message = webhook_disabled_mail(webhook, sender=sender, recipient=recipient, date=now,
                                    message_id=notice_message_id(event_id, recipient, domain.mail_domain(sender)))
    mail = store.OutgoingMail(source_event_id=event_id, source_event_type=domain.WEBHOOK_DISABLED, sender=sender,
                              recipient=recipient, subject=str(message["Subject"]), message_id=str(message["Message-ID"]),
                              message=message.as_bytes().decode("utf-8"), status=domain.QUEUED, attempts=0,
                              next_attempt_at=now)
    uow.session.add(mail)
    uow.session.flush()
    return mail
