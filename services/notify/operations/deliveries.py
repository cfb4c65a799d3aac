"""Deliveries an integration asks for: a ping to its webhook at once, a redelivery of one
delivery, of every one that did not get through. Each goes through the delivery loop like any
other delivery (signed, retried, logged) with its own ``webhook-id`` kept: a redelivery carries
the id of the delivery it repeats. Each rings the loop (:data:`..delivery.bells.WEBHOOK_WAKE`)."""
from __future__ import annotations

from datetime import datetime

from services.kit.cloudevents import CloudEvent
from services.kit.db import UnitOfWork, utcnow
from services.kit.problems import Conflict

from .. import domain, store
from ..delivery.bells import WEBHOOK_WAKE
from ..schemas.webhooks import WebhookPingSchema
from .subscriptions import webhook_owner

NOT_THROUGH = (domain.FAILED, domain.CANCELLED)  # what redeliver-failed queues again


def _enabled_subscription(uow: UnitOfWork, who: dict, subscription_id: str, action: str) -> store.WebhookSubscription:
    subscription = store.get_subscription(uow.session, subscription_id, webhook_owner(who))
    if not subscription.enabled:
        raise Conflict(f"the webhook is disabled ({subscription.disabled_reason}): re-enable it "
                       f"(PATCH enabled: true) before {action}", errors={"enabled": ["the webhook is disabled"]})
    return subscription


def ping(uow: UnitOfWork, who: dict, subscription_id: str) -> store.WebhookDelivery:
    """Queue a ``ptghub.notify.webhook.ping`` for the webhook, due now, whatever its filters."""
    subscription = _enabled_subscription(uow, who, subscription_id, "pinging it")
    cloud_event = CloudEvent(type=domain.WEBHOOK_PING, source=uow.database.source,
                             subject=subscription.id, data=WebhookPingSchema().dump(
                                 {"webhook": subscription.id, "url": subscription.url, "requested_by": who["sub"]}))
    delivery = store.WebhookDelivery(
        subscription_id=subscription.id, event_id=cloud_event.id, event_type=cloud_event.type,
        payload=cloud_event.to_json(), status=domain.PENDING, attempts=0, next_attempt_at=utcnow())
    uow.session.add(delivery)
    uow.session.flush()
    uow.ring(WEBHOOK_WAKE)
    return delivery


def redeliver(uow: UnitOfWork, who: dict, subscription_id: str, delivery_id: str) -> store.WebhookDelivery:
    """Send one delivery again, now, with the same ``webhook-id`` and body (its attempts go on
    in its log). One being sent at this moment is a 409."""
    subscription = _enabled_subscription(uow, who, subscription_id, "redelivering")
    delivery = store.get_delivery(uow.session, subscription.id, delivery_id, lock=True)
    now = utcnow()
    if delivery.claim is not None and delivery.claimed_until is not None and delivery.claimed_until > now:
        raise Conflict("the delivery is being sent at this moment; look at its log again shortly",
                       errors={"delivery": ["being sent"]})
    delivery.status, delivery.next_attempt_at = domain.PENDING, now
    uow.session.flush()
    uow.ring(WEBHOOK_WAKE)
    return delivery


def redeliver_failed(uow: UnitOfWork, who: dict, subscription_id: str, since: datetime | None = None) -> int:
    """Queue again every failed or cancelled delivery of the webhook (created at or after
    ``since``); returns how many."""
    subscription = _enabled_subscription(uow, who, subscription_id, "redelivering")
    count = store.requeue_deliveries(uow.session, subscription.id, NOT_THROUGH, utcnow(), since)
    if count:
        uow.ring(WEBHOOK_WAKE)
    return count
