"""Webhook subscriptions: subscribing, changing (URL, filters, the active flag), rotating the
secret, listing, unsubscribing and the delivery log (organisers
manage every webhook, an integration only its own: a webhook belongs to the token id that created
it, others look absent); the fan-out of each incoming event to the subscriptions that may receive
it; recording a delivery attempt; disabling a subscription (410, a delivery failing through the
whole retry schedule, five days failing, its owner's token revoked)."""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Callable, Iterable

from services.kit.auth import INTEGRATION, ORGANISER, is_organiser, require_role
from services.kit.cloudevents import CloudEvent
from services.kit.db import UnitOfWork, new_id, utcnow
from services.kit.logs import log
from services.kit.problems import Conflict, Invalid

from .. import domain, event_catalogue, store
from ..delivery import handoff
from ..delivery.bells import WEBHOOK_WAKE
from ..schemas.webhooks import WebhookSchema

logger = logging.getLogger(__name__)

OWNER_TOKEN_REVOKED = "owner token revoked"
FAILING_TOO_LONG = "deliveries failed for 5 days"
DISABLED_BY_OWNER = "disabled by its owner"

Page = tuple[list[Any], str | None]


def webhook_owner(who: dict) -> str | None:
    """Whose webhooks ``who`` manages: every one (None) for an organiser, an integration its own (its token id)."""
    require_role(who, ORGANISER, INTEGRATION)
    return None if is_organiser(who) else who["sub"]


def create_subscription(uow: UnitOfWork, who: dict, data: dict, url_refusal: Callable[[str], str | None],
                        known_types: Iterable[str] | None = None) -> store.WebhookSubscription:
    """Subscribe ``data["url"]`` for ``who``, who owns it; ``url_refusal`` says why a URL may not
    receive webhooks (it resolves to a loopback, private, ... address), or None. Every pattern
    must match one of ``known_types`` (default: the event catalogue, :mod:`..event_types`)."""
    webhook_owner(who)
    check_url(data["url"], url_refusal)
    check_patterns(data["event_types"], known_types)
    # an organiser of some events only is served as an integration is (no personal data, its own things)
    owner_role = ORGANISER if is_organiser(who) else INTEGRATION
    row = store.WebhookSubscription(
        owner=who["sub"], owner_role=owner_role, url=data["url"], secret=data.get("secret") or domain.new_secret(),
        event_types=data["event_types"], description=data["description"], enabled=True,
        event=data.get("event"), track=data.get("track"), contact=data.get("contact"))
    uow.session.add(row)
    uow.session.flush()
    return row


def check_url(url: str, url_refusal: Callable[[str], str | None]) -> None:
    refusal = url_refusal(url)
    if refusal:
        raise Invalid("url", refusal)


def check_patterns(patterns: list[str], known_types: Iterable[str] | None = None) -> None:
    """422 naming ``event_types`` when a pattern matches no known event type (a typo never fires)."""
    known = event_catalogue.known() if known_types is None else known_types
    if known is None:
        return
    unknown = domain.unknown_patterns(patterns, known)
    if unknown:
        raise Invalid("event_types", f"match no known event type (see openapi/asyncapi.yaml): {unknown}")


def update_subscription(uow: UnitOfWork, who: dict, subscription_id: str, changes: dict,
                        url_refusal: Callable[[str], str | None],
                        known_types: Iterable[str] | None = None) -> store.WebhookSubscription:
    """Apply a merge patch: the URL (checked as on creation), filters, description, contact, the
    active flag. Re-enabling a disabled webhook clears its failure state; one disabled because its
    owner's token was revoked stays disabled (409). Disabling by hand publishes no notice."""
    subscription = store.get_subscription(uow.session, subscription_id, webhook_owner(who))
    if "url" in changes:
        check_url(changes["url"], url_refusal)
    if "event_types" in changes:
        check_patterns(changes["event_types"], known_types)
    for name in ("url", "event_types", "description", "event", "track", "contact"):
        if name in changes:
            setattr(subscription, name, changes[name])
    enabled = changes.get("enabled")
    if enabled is True and not subscription.enabled:
        if subscription.disabled_reason == OWNER_TOKEN_REVOKED:
            raise Conflict("the webhook's owner token was revoked: it cannot be re-enabled; subscribe again "
                           "with a new token", errors={"enabled": ["owner token revoked"]})
        subscription.enabled = True
        subscription.disabled_reason = subscription.disabled_at = subscription.failing_since = None
        log(logger, logging.INFO, "webhook re-enabled", webhook=subscription.id, owner=subscription.owner)
    elif enabled is False and subscription.enabled:
        subscription.enabled = False
        subscription.disabled_reason, subscription.disabled_at = DISABLED_BY_OWNER, utcnow()
    uow.session.flush()
    return subscription


def rotate_secret(uow: UnitOfWork, who: dict, subscription_id: str, grace: timedelta) -> store.WebhookSubscription:
    """A new secret; deliveries are signed with it and with the one it replaces for ``grace``
    (a second rotation within it drops the oldest: two signatures at most)."""
    subscription = store.get_subscription(uow.session, subscription_id, webhook_owner(who))
    subscription.previous_secret, subscription.secret = subscription.secret, domain.new_secret()
    subscription.previous_secret_until = utcnow() + grace
    uow.session.flush()
    log(logger, logging.INFO, "webhook secret rotated", webhook=subscription.id, grace_s=grace.total_seconds())
    return subscription


def list_subscriptions(uow: UnitOfWork, who: dict, query: dict) -> Page:
    """A page of webhooks: an integration's own; an organiser's choice (every one, or one owner's)."""
    owner = webhook_owner(who)
    return store.list_subscriptions(uow.session, owner=owner if owner is not None else query.get("owner"),
                                    enabled=query.get("enabled"), limit=query["limit"], cursor=query["cursor"])


def get_subscription(uow: UnitOfWork, who: dict, subscription_id: str) -> store.WebhookSubscription:
    return store.get_subscription(uow.session, subscription_id, webhook_owner(who))


def delete_subscription(uow: UnitOfWork, who: dict, subscription_id: str) -> None:
    """Unsubscribe: the webhook, its pending deliveries and its delivery log go."""
    store.delete_subscription(uow.session, store.get_subscription(uow.session, subscription_id, webhook_owner(who)))


def list_deliveries(uow: UnitOfWork, who: dict, subscription_id: str, query: dict) -> Page:
    subscription = store.get_subscription(uow.session, subscription_id, webhook_owner(who))
    return store.list_deliveries(uow.session, subscription.id, status=query.get("status"), limit=query["limit"],
                                 cursor=query["cursor"], event_type=query.get("event_type"),
                                 event_id=query.get("event_id"), since=query.get("since"), until=query.get("until"))


def fan_out(uow: UnitOfWork, cloud_event: CloudEvent) -> int:
    """One delivery of ``cloud_event`` per enabled subscription whose patterns match it and whose
    owner may receive it (:func:`domain.may_receive`), once per (subscription, event); returns how
    many it added. With a webhook loop running in this process they go to it straight after the
    commit, already claimed, with where to send them and how to sign them as this unit of work read
    it (:mod:`..delivery.handoff`); else the loop is rung to claim them."""
    receivers = [s for s in store.receiving_subscriptions(uow.session)
                 if domain.matches_any(s.event_types, cloud_event.type)
                 and domain.may_receive(s.owner, s.owner_role, cloud_event.type, cloud_event.data)
                 and domain.in_scope(s.event, s.track, cloud_event.type, cloud_event.data)]
    if not receivers:
        return 0
    payload, now = cloud_event.to_json(), utcnow()
    taker = handoff.taker_for(uow.database)
    claim = new_id() if taker is not None else None
    claimed_until = now + taker.handoff_lease if taker is not None else None
    added = [{"id": new_id(), "subscription_id": subscription.id, "event_id": cloud_event.id,
              "event_type": cloud_event.type, "payload": payload, "status": domain.PENDING, "attempts": 0,
              "last_status_code": None, "last_error": None, "next_attempt_at": now, "last_attempt_at": None,
              "created_at": now, "claim": claim, "claimed_until": claimed_until}
             for subscription in receivers]
    inserted = store.add_deliveries(uow.session, added)  # none where one of this event is there already
    kept = [(delivery, subscription) for delivery, subscription in zip(added, receivers) if delivery["id"] in inserted]
    if not kept:
        return 0
    if taker is None:
        uow.ring(WEBHOOK_WAKE)
        return len(kept)
    handed = [handoff.HandedDelivery(
        delivery["id"], subscription.id, payload, subscription.url,
        domain.signing_secrets(subscription.secret, subscription.previous_secret,
                               subscription.previous_secret_until, now))
        for delivery, subscription in kept]
    uow.after_commit(lambda: taker.take(claim, now, handed))
    return len(kept)


def record_attempt(uow: UnitOfWork, claim: str, delivery_id: str, result: domain.AttemptResult,
                   retry_scale: float = 1.0) -> domain.RecordedAttempt | None:
    """Record what an attempt of a claimed delivery got: its log, its next attempt or end, and the
    subscription's health (disabled on 410 Gone or after five days of failures). None when the
    claim is no longer this worker's (deleted meanwhile, or the lease ran out and another took it).
    Statements only, no objects loaded: a success, nearly every attempt, reads one row and writes
    three (the subscription's only when it was failing)."""
    session = uow.session
    claimed = store.claimed_delivery(session, delivery_id, claim)
    if claimed is None:
        return None
    if result.skipped:
        store.skip_delivery(session, delivery_id, domain.CANCELLED, result.skipped)
        return domain.RecordedAttempt(delivery_id, claimed.subscription_id, domain.CANCELLED, claimed.attempts, None)
    now = utcnow()
    attempts = claimed.attempts + 1
    verdict = domain.webhook_verdict(result.status_code, attempts, now, result.retry_after, retry_scale)
    store.record_delivery_attempt(session, delivery_id, attempts, result.started_at, result.status_code,
                                  result.error, result.duration_ms, result.response_excerpt, verdict.status,
                                  verdict.next_attempt_at)
    recorded = domain.RecordedAttempt(delivery_id, claimed.subscription_id, verdict.status, attempts,
                                      verdict.next_attempt_at)
    if verdict.status == domain.SUCCEEDED:
        store.clear_failing(session, claimed.subscription_id)  # no lock unless it was failing
        return recorded
    subscription = store.locked_subscription(session, claimed.subscription_id)
    if subscription is None:
        return recorded
    if subscription.failing_since is None:
        subscription.failing_since = result.started_at  # failing since the first failed attempt began
    first_attempted_at = store.first_attempted_at(session, delivery_id) or result.started_at
    reason = verdict.disable or (
        FAILING_TOO_LONG if domain.failing_too_long(subscription.failing_since, now) else
        domain.FAILED_THROUGH_SCHEDULE
        if domain.failed_past_schedule(verdict, subscription.failing_since, first_attempted_at) else None)
    if reason and subscription.enabled:
        disable_subscription(uow, subscription, reason)
    return recorded


def disable_subscription(uow: UnitOfWork, subscription: store.WebhookSubscription, reason: str) -> None:
    """Disable a subscription, the reason recorded, and tell its owner (``ptghub.notify.webhook.disabled``)."""
    subscription.enabled = False
    subscription.disabled_reason = reason
    subscription.disabled_at = utcnow()
    uow.session.flush()
    uow.publish(domain.WEBHOOK_DISABLED, WebhookSchema().dump(subscription), subject=subscription.id)
    log(logger, logging.WARNING, "webhook disabled", webhook=subscription.id, owner=subscription.owner, reason=reason)


def disable_subscriptions_of(uow: UnitOfWork, token_id: str,
                             reason: str = OWNER_TOKEN_REVOKED) -> list[store.WebhookSubscription]:
    """Disable every enabled subscription owned by token ``token_id`` (its token was revoked)."""
    disabled = store.enabled_subscriptions_of(uow.session, token_id)
    for subscription in disabled:
        disable_subscription(uow, subscription, reason)
    return disabled
