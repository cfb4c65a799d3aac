"""Notify's tables: webhook subscriptions and their delivery log, mailing-list routes and the
copies they are kept from, summaries waiting to be mailed, the outgoing mail queue, reminder
digests with the action states they are checked against, the suppression list. The two work
tables carry ``claim``/``claimed_until`` for the delivery loops."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.kit.auth import INTEGRATION
from services.kit.db import UTCDateTime, add_kit_tables, new_id, utcnow

from .. import domain


class Base(DeclarativeBase):
    pass


add_kit_tables(Base.metadata)


class WebhookSubscription(Base):
    """An endpoint subscribed to event patterns, owned by the token that created it (its id)."""

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (sa.Index("ix_webhook_subscriptions_owner", "owner", "created_at", "id"),
                      sa.Index("ix_webhook_subscriptions_created", "created_at", "id"))
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    owner: Mapped[str] = mapped_column(sa.String(200), comment="the owning token's id (the principal's sub)")
    owner_role: Mapped[str] = mapped_column(sa.String(20), default=INTEGRATION, server_default=INTEGRATION,
                                            comment="the owning token's role: what fan-out may send it")
    url: Mapped[str] = mapped_column(sa.String(2000))
    secret: Mapped[str] = mapped_column(sa.String(200))
    event_types: Mapped[list] = mapped_column(sa.JSON)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(sa.String(500))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    event: Mapped[str | None] = mapped_column(sa.String(64), comment="only events about this event (slug), if set")
    track: Mapped[str | None] = mapped_column(sa.String(64), comment="only events about this track (slug), if set")
    contact: Mapped[str | None] = mapped_column(sa.String(320), comment="where the webhook-disabled notice goes")
    previous_secret: Mapped[str | None] = mapped_column(sa.String(200), comment="the secret before a rotation")
    previous_secret_until: Mapped[datetime | None] = mapped_column(
        UTCDateTime, comment="deliveries are signed with the previous secret too until then")
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
    response_excerpt: Mapped[str | None] = mapped_column(sa.String(1000), comment="the start of the answer's body, capped")


class MailRoute(Base):
    """A track's mailing list, kept from the schedule's ``track.*`` events; ``retired_at`` is set
    when the track is deleted (no mail goes to it any more) and cleared if it comes back."""

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
    session_notices: Mapped[bool] = mapped_column(
        sa.Boolean, default=True, server_default=sa.true(),
        comment="mail the list a short notice when a session of the track is moved or cancelled")
    source_time: Mapped[str] = mapped_column(sa.String(40), default="")
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class EventRoute(Base):
    """An event's own mail routing, kept from the schedule's ``event.*`` events: the list its
    summaries go to, their subject tag and sender (each may be unset)."""

    __tablename__ = "event_routes"
    event: Mapped[str] = mapped_column(sa.String(64), primary_key=True, comment="the event's slug")
    event_id: Mapped[str] = mapped_column(sa.String(36))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    mailing_list: Mapped[str | None] = mapped_column(sa.String(320))
    subject_tag: Mapped[str | None] = mapped_column(sa.String(64))
    mail_from: Mapped[str | None] = mapped_column(sa.String(320))
    source_time: Mapped[str] = mapped_column(sa.String(40), default="")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SessionCopy(Base):
    """Where and when a session is, kept from the schedule's ``session.*`` events: what a later
    event is compared with to tell a move."""

    __tablename__ = "session_copies"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, comment="the schedule's session id")
    event: Mapped[str] = mapped_column(sa.String(64))
    track: Mapped[str] = mapped_column(sa.String(64))
    room: Mapped[str] = mapped_column(sa.String(64), default="")
    start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), default="scheduled")
    source_time: Mapped[str] = mapped_column(sa.String(40), default="")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The ``track`` of a pending event summary (it waits for the routes of all the tracks it covers).
EVENT_SUMMARY = ""


class PendingSummary(Base):
    """A published summary not yet turned into mail: the mail loop queues its mail as soon as its
    track's route is known (an event's summary: its tracks' routes), looking again with back-off
    until the route arrives or the wait ends."""

    __tablename__ = "pending_summaries"
    __table_args__ = (sa.Index("ix_pending_summaries_due", "next_check_at"),
                      sa.Index("ix_pending_summaries_track", "event", "track"))
    source_event_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    source_event_type: Mapped[str] = mapped_column(sa.String(200))
    event: Mapped[str] = mapped_column(sa.String(64))
    track: Mapped[str] = mapped_column(sa.String(64), comment="as the summary names it: slug or track id")
    summary: Mapped[dict] = mapped_column(sa.JSON, comment="the summary event's (loaded) data")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checks: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_check_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


class ActionState(Base):
    """The latest state notify has seen of an action item (``ptghub.actions.action.*``): a reminder
    digest waiting to be sent leaves out the items that are no longer open, or are snoozed."""

    __tablename__ = "action_states"
    action_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20), comment="open, in_progress, done, dropped or withdrawn")
    snoozed_until: Mapped[date | None] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(sa.Integer, default=0, comment="the action's version: older events are ignored")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderDigest(Base):
    """The reminder digest (``ptghub.actions.action.reminder.due``) a queued mail carries: rendered
    again, with the items still open, when the mail loop sends it."""

    __tablename__ = "reminder_digests"
    mail_id: Mapped[str] = mapped_column(sa.ForeignKey("outgoing_mail.id", ondelete="CASCADE"), primary_key=True)
    digest_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    person_id: Mapped[str] = mapped_column(sa.String(36))
    digest: Mapped[dict] = mapped_column(sa.JSON, comment="the event's (loaded) data")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

# Why an address is on the suppression list.
UNSUBSCRIBED, BOUNCED, MANUAL = "unsubscribed", "bounced", "manual"
REASONS = (UNSUBSCRIBED, BOUNCED, MANUAL)


class Suppression(Base):
    """An address no personal mail goes to, why, and since when."""

    __tablename__ = "mail_suppressions"
    __table_args__ = (sa.Index("ix_mail_suppressions_log", "created_at", "address"),)
    address: Mapped[str] = mapped_column(sa.String(320), primary_key=True, comment="in lower case")
    reason: Mapped[str] = mapped_column(sa.String(20), comment="unsubscribed, bounced or manual")
    note: Mapped[str] = mapped_column(sa.String(1000), default="",
                                      comment="the bounce reply, the person unsubscribed, or the organiser's note")
    source: Mapped[str | None] = mapped_column(sa.String(200), comment="the bounced message's id, the person's "
                                               "id, or the organiser token's id")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
