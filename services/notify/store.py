"""Notify persistence: webhook subscriptions and their delivery log, mailing-list routes, the
outgoing mail queue. The two work tables carry ``claim``/``claimed_until`` for the delivery loops."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from services.kit.db import UTCDateTime, add_kit_tables, new_id, utcnow
from services.kit.problems import NotFound

from . import domain


class Base(DeclarativeBase):
    pass


add_kit_tables(Base.metadata)


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscriptions"
    __table_args__ = (sa.Index("ix_webhook_subscriptions_owner", "owner", "created_at", "id"),
                      sa.Index("ix_webhook_subscriptions_created", "created_at", "id"))
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    owner: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str] = mapped_column(sa.String(2000))
    secret: Mapped[str] = mapped_column(sa.String(200))
    event_types: Mapped[list] = mapped_column(sa.JSON)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(sa.String(500))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WebhookDelivery(Base):
    """One event for one subscription. ``id`` is the ``webhook-id`` header, the same on every retry."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.UniqueConstraint("subscription_id", "event_id"),
                      sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
                      sa.Index("ix_webhook_deliveries_log", "subscription_id", "created_at", "id"))
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    subscription_id: Mapped[str] = mapped_column(sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(sa.String(36))
    event_type: Mapped[str] = mapped_column(sa.String(200))
    payload: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default=domain.PENDING)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(sa.Integer)
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claim: Mapped[str | None] = mapped_column(sa.String(36))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    history: Mapped[list["WebhookAttempt"]] = relationship(
        lazy="selectin", order_by="WebhookAttempt.number", cascade="all, delete-orphan", passive_deletes=True)


class WebhookAttempt(Base):
    """Every attempt of a delivery: when, what the endpoint answered, or why nothing was sent."""

    __tablename__ = "webhook_attempts"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(sa.Integer)
    error: Mapped[str | None] = mapped_column(sa.String(1000))
    duration_ms: Mapped[int] = mapped_column(sa.Integer, default=0)


class MailRoute(Base):
    """A track's mailing list, kept from the schedule's ``track.*`` events."""

    __tablename__ = "mail_routes"
    __table_args__ = (sa.UniqueConstraint("event", "track"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    event: Mapped[str] = mapped_column(sa.String(64))
    track: Mapped[str] = mapped_column(sa.String(64))
    track_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    mailing_list: Mapped[str | None] = mapped_column(sa.String(320))
    subject_tag: Mapped[str | None] = mapped_column(sa.String(64))
    thread_message_id: Mapped[str | None] = mapped_column(sa.String(300))
    source_time: Mapped[str] = mapped_column(sa.String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class OutgoingMail(Base):
    """One message for one recipient, rendered once, sent (and retried) by the mail loop."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (sa.UniqueConstraint("source_event_id", "recipient"),
                      sa.Index("ix_outgoing_mail_due", "status", "next_attempt_at"),
                      sa.Index("ix_outgoing_mail_log", "created_at", "id"))
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    source_event_id: Mapped[str] = mapped_column(sa.String(36))
    source_event_type: Mapped[str] = mapped_column(sa.String(200))
    sender: Mapped[str] = mapped_column(sa.String(320))
    recipient: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(1000))
    message_id: Mapped[str] = mapped_column(sa.String(300))
    message: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default=domain.QUEUED)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_code: Mapped[int | None] = mapped_column(sa.Integer)
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claim: Mapped[str | None] = mapped_column(sa.String(36))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


def get_subscription(session: Session, subscription_id: str, owner: str | None = None) -> WebhookSubscription:
    """A subscription; when ``owner`` is given, only one of that owner's (others look absent)."""
    row = session.get(WebhookSubscription, subscription_id)
    if row is None or (owner is not None and row.owner != owner):
        raise NotFound(f"no webhook {subscription_id!r}", errors={"id": ["unknown webhook"]})
    return row


def enabled_subscriptions(session: Session) -> list[WebhookSubscription]:
    return list(session.scalars(sa.select(WebhookSubscription).where(WebhookSubscription.enabled.is_(True))))


def delivery_exists(session: Session, subscription_id: str, event_id: str) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription_id, WebhookDelivery.event_id == event_id)) > 0


def get_route(session: Session, event: str, track: str, lock: bool = False) -> MailRoute | None:
    statement = sa.select(MailRoute).where(MailRoute.event == event, MailRoute.track == track)
    if lock:
        statement = statement.with_for_update()
    return session.scalar(statement)


def route_for_summary(session: Session, event: str, track: str) -> MailRoute | None:
    """The route of a summary's track, named by slug (or, failing that, by the schedule's track id)."""
    route = get_route(session, event, track, lock=True)
    if route is None:
        route = session.scalar(sa.select(MailRoute).where(MailRoute.track_id == track).with_for_update())
    return route


def mail_exists(session: Session, source_event_id: str, recipient: str) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail).where(
        OutgoingMail.source_event_id == source_event_id, OutgoingMail.recipient == recipient)) > 0


def get_mail(session: Session, mail_id: str) -> OutgoingMail:
    row = session.get(OutgoingMail, mail_id)
    if row is None:
        raise NotFound(f"no message {mail_id!r}", errors={"id": ["unknown message"]})
    return row
