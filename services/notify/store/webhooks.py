"""Webhook subscriptions and their delivery log: the queries, and the claim condition of the
webhook delivery loop."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.problems import NotFound
from services.kit.schemas import paginate

from .. import domain
from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from .pages import by_creation


def get_subscription(session: Session, subscription_id: str, owner: str | None = None) -> WebhookSubscription:
    """A subscription; when ``owner`` is given, only one of that owner's (others look absent)."""
    row = session.get(WebhookSubscription, subscription_id)
    if row is None or (owner is not None and row.owner != owner):
        raise NotFound(f"no webhook {subscription_id!r}", errors={"id": ["unknown webhook"]})
    return row


def list_subscriptions(session: Session, *, owner: str | None, enabled: bool | None, limit: int,
                       cursor: str | None) -> tuple[list[WebhookSubscription], str | None]:
    """A page of subscriptions, oldest first: ``owner``'s only when given."""
    statement = sa.select(WebhookSubscription)
    if owner is not None:
        statement = statement.where(WebhookSubscription.owner == owner)
    if enabled is not None:
        statement = statement.where(WebhookSubscription.enabled.is_(enabled))
    return paginate(session, statement, limit=limit, cursor=cursor, **by_creation(WebhookSubscription))


_subscriptions = WebhookSubscription.__table__
_deliveries = WebhookDelivery.__table__
_attempts = WebhookAttempt.__table__

# The statements of every consumed event and every delivery, built once (building and keying
# one costs more than running it): columns only, no ORM objects.
_RECEIVERS = sa.select(*(_subscriptions.c[name] for name in (
    "id", "owner", "owner_role", "event_types", "event", "track", "url", "secret", "previous_secret",
    "previous_secret_until"))).where(_subscriptions.c.enabled.is_(True))
# once per (subscription, event): a delivery already there is left alone, and not returned
_ADD_DELIVERY = {dialect: insert(_deliveries).on_conflict_do_nothing(
    index_elements=[_deliveries.c.subscription_id, _deliveries.c.event_id]).returning(_deliveries.c.id)
    for dialect, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))}


def receiving_subscriptions(session: Session) -> list[sa.Row]:
    """The enabled subscriptions as a fan-out reads them: ``id``, ``owner``, ``owner_role``,
    ``event_types``, ``event``, ``track`` (who may receive what) and ``url``, ``secret``,
    ``previous_secret``, ``previous_secret_until`` (where and how to send it)."""
    return list(session.connection().execute(_RECEIVERS))


def add_deliveries(session: Session, rows: list[dict]) -> set[str]:
    """Insert deliveries (every column given, ids included) in one statement, no ORM objects, but
    none for a (subscription, event) that has one already; returns the ids of those inserted."""
    connection = session.connection()
    return set(connection.execute(_ADD_DELIVERY[connection.dialect.name], rows).scalars())


def enabled_subscriptions_of(session: Session, owner: str) -> list[WebhookSubscription]:
    """The enabled subscriptions owned by token ``owner``, locked."""
    return list(session.scalars(sa.select(WebhookSubscription).where(
        WebhookSubscription.owner == owner, WebhookSubscription.enabled.is_(True))
        .order_by(WebhookSubscription.created_at, WebhookSubscription.id).with_for_update()))


def delivery_targets(session: Session, subscription_ids: set[str]) -> dict[str, tuple[str, tuple[str, ...], bool]]:
    """``{subscription id: (url, signing secrets, enabled)}`` of the subscriptions that still exist;
    the secrets are the current one and, while a rotation's grace period lasts, the previous one."""
    now = utcnow()
    return {s.id: (s.url, domain.signing_secrets(s.secret, s.previous_secret, s.previous_secret_until, now), s.enabled)
            for s in session.scalars(sa.select(WebhookSubscription).where(WebhookSubscription.id.in_(subscription_ids)))}


def delete_subscription(session: Session, subscription: WebhookSubscription) -> None:
    """A subscription goes with its deliveries (and their attempts, by cascade)."""
    session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id))
    session.delete(subscription)


def list_deliveries(session: Session, subscription_id: str, *, status: str | None, limit: int,
                    cursor: str | None, event_type: str | None = None, event_id: str | None = None,
                    since: datetime | None = None, until: datetime | None = None,
                    ) -> tuple[list[WebhookDelivery], str | None]:
    statement = sa.select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    for column, value in ((WebhookDelivery.status, status), (WebhookDelivery.event_type, event_type),
                          (WebhookDelivery.event_id, event_id)):
        if value is not None:
            statement = statement.where(column == value)
    if since is not None:
        statement = statement.where(WebhookDelivery.created_at >= since)
    if until is not None:
        statement = statement.where(WebhookDelivery.created_at < until)
    return paginate(session, statement, limit=limit, cursor=cursor, **by_creation(WebhookDelivery))


def get_delivery(session: Session, subscription_id: str, delivery_id: str, lock: bool = False) -> WebhookDelivery:
    """One of a subscription's deliveries (another subscription's looks absent)."""
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True if lock else None)
    if delivery is None or delivery.subscription_id != subscription_id:
        raise NotFound(f"no delivery {delivery_id!r} of webhook {subscription_id!r}",
                       errors={"delivery": ["unknown delivery"]})
    return delivery


def requeue_deliveries(session: Session, subscription_id: str, statuses: tuple[str, ...], now: datetime,
                       since: datetime | None = None) -> int:
    """Queue again, due now, a subscription's deliveries in ``statuses`` (created at or after
    ``since``); returns how many."""
    statement = sa.update(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription_id, WebhookDelivery.status.in_(statuses))
    if since is not None:
        statement = statement.where(WebhookDelivery.created_at >= since)
    result = session.execute(statement.values(status=domain.PENDING, next_attempt_at=now)
                             .execution_options(synchronize_session=False))
    return result.rowcount


_CLAIMED = sa.select(_deliveries.c.id, _deliveries.c.subscription_id, _deliveries.c.attempts).where(
    _deliveries.c.id == sa.bindparam("delivery_id"), _deliveries.c.claim == sa.bindparam("held_by")).with_for_update()
_UNCLAIMED = {"claim": None, "claimed_until": None}
_SKIPPED = _deliveries.update().where(_deliveries.c.id == sa.bindparam("delivery_id")).values(
    status=sa.bindparam("new_status"), next_attempt_at=None, last_error=sa.bindparam("reason"), **_UNCLAIMED)
_ATTEMPTED = _deliveries.update().where(_deliveries.c.id == sa.bindparam("delivery_id")).values(
    status=sa.bindparam("new_status"), next_attempt_at=sa.bindparam("next_at"), attempts=sa.bindparam("number"),
    last_attempt_at=sa.bindparam("started_at"), last_status_code=sa.bindparam("code"), last_error=sa.bindparam("error"),
    **_UNCLAIMED)
_ADD_ATTEMPT = _attempts.insert()
_CLEAR_FAILING = _subscriptions.update().where(
    _subscriptions.c.id == sa.bindparam("subscription_id"), _subscriptions.c.failing_since.is_not(None)).values(
    failing_since=None)


def claimed_delivery(session: Session, delivery_id: str, claim: str) -> sa.Row | None:
    """``id``, ``subscription_id`` and ``attempts`` of the delivery, locked, if ``claim`` still holds
    it (None: deleted, or another worker took it over)."""
    return session.connection().execute(_CLAIMED, {"delivery_id": delivery_id, "held_by": claim}).first()


def skip_delivery(session: Session, delivery_id: str, status: str, reason: str) -> None:
    """End a claimed delivery unattempted (``status``, ``reason`` as its last error), its claim given up."""
    session.connection().execute(_SKIPPED, {"delivery_id": delivery_id, "new_status": status, "reason": reason})


def record_delivery_attempt(session: Session, delivery_id: str, number: int, started_at: datetime,
                            status_code: int | None, error: str | None, duration_ms: int,
                            response_excerpt: str | None, status: str, next_attempt_at: datetime | None) -> None:
    """Attempt ``number`` of a claimed delivery in its log, and the delivery as it left it (``status``,
    due again at ``next_attempt_at``), its claim given up."""
    connection = session.connection()
    connection.execute(_ATTEMPTED, {"delivery_id": delivery_id, "new_status": status, "next_at": next_attempt_at,
                                    "number": number, "started_at": started_at, "code": status_code, "error": error})
    connection.execute(_ADD_ATTEMPT, {"delivery_id": delivery_id, "number": number, "attempted_at": started_at,
                                      "status_code": status_code, "error": error, "duration_ms": duration_ms,
                                      "response_excerpt": response_excerpt})


def first_attempted_at(session: Session, delivery_id: str) -> datetime | None:
    """When the delivery's first recorded attempt began (None: none recorded yet)."""
    return session.scalar(sa.select(sa.func.min(WebhookAttempt.attempted_at)).where(
        WebhookAttempt.delivery_id == delivery_id))


def clear_failing(session: Session, subscription_id: str) -> None:
    """A subscription that was failing is healthy again; one that was not is neither read nor locked."""
    session.connection().execute(_CLEAR_FAILING, {"subscription_id": subscription_id})


def locked_subscription(session: Session, subscription_id: str) -> WebhookSubscription | None:
    """The subscription, its row locked for an update of its health (``FOR NO KEY UPDATE`` on
    PostgreSQL: it serialises the recorders of its outcomes but, unlike ``FOR UPDATE``, does not
    hold up the consumer queueing a delivery for it, whose foreign key only takes ``KEY SHARE``)."""
    return session.get(WebhookSubscription, subscription_id, with_for_update={"key_share": True},
                       populate_existing=True)


def due_deliveries(table: sa.Table, now: datetime) -> sa.ColumnElement:
    """The claim condition of the webhook loop: pending deliveries whose next attempt is due."""
    return sa.and_(table.c.status == domain.PENDING, table.c.next_attempt_at <= now)
