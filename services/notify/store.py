"""Notify persistence and every query: webhook subscriptions and their delivery log, mailing-list
routes, summaries waiting to be mailed, the outgoing mail queue. The two work tables carry
``claim``/``claimed_until`` for the delivery loops."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from services.kit.auth import INTEGRATION
from services.kit.db import UTCDateTime, add_kit_tables, new_id, utcnow
from services.kit.problems import NotFound, Problem
from services.kit.schemas import paginate

from . import domain
from .domain import mail_kinds


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


# -- pagination ---------------------------------------------------------------------------------

def _by_creation(model) -> dict[str, Any]:
    """Keyset pagination by (created_at, id), oldest first."""
    return dict(keys=[model.created_at, model.id], key_of=lambda r: [r.created_at.isoformat(), r.id],
                parse=_creation_cursor)


def _creation_cursor(values: list) -> list:
    try:
        return [datetime.fromisoformat(values[0]), str(values[1])]
    except (TypeError, ValueError) as exc:
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]}) from exc


# -- webhook subscriptions and deliveries ------------------------------------------------------

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
    return paginate(session, statement, limit=limit, cursor=cursor, **_by_creation(WebhookSubscription))


def enabled_subscriptions(session: Session) -> list[WebhookSubscription]:
    return list(session.scalars(sa.select(WebhookSubscription).where(WebhookSubscription.enabled.is_(True))))


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


def subscriptions_delivered(session: Session, subscription_ids: list[str], event_id: str) -> set[str]:
    """Those of ``subscription_ids`` that already have a delivery of event ``event_id``: one query
    for all of them (on the (subscription_id, event_id) unique index)."""
    return set(session.scalars(sa.select(WebhookDelivery.subscription_id).where(
        WebhookDelivery.subscription_id.in_(subscription_ids), WebhookDelivery.event_id == event_id)))


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
    return paginate(session, statement, limit=limit, cursor=cursor, **_by_creation(WebhookDelivery))


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


def claimed_delivery(session: Session, delivery_id: str, claim: str) -> WebhookDelivery | None:
    """The delivery, locked, if ``claim`` still holds it (None: deleted, or another worker took it over)."""
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True, populate_existing=True)
    return delivery if delivery is not None and delivery.claim == claim else None


def locked_subscription(session: Session, subscription_id: str) -> WebhookSubscription | None:
    """The subscription, its row locked for an update of its health (``FOR NO KEY UPDATE`` on
    PostgreSQL: it serialises the recorders of its outcomes but, unlike ``FOR UPDATE``, does not
    hold up the consumer queueing a delivery for it, whose foreign key only takes ``KEY SHARE``)."""
    return session.get(WebhookSubscription, subscription_id, with_for_update={"key_share": True},
                       populate_existing=True)


def due_deliveries(table: sa.Table, now: datetime) -> sa.ColumnElement:
    """The claim condition of the webhook loop: pending deliveries whose next attempt is due."""
    return sa.and_(table.c.status == domain.PENDING, table.c.next_attempt_at <= now)


# -- mailing-list routes and summaries ----------------------------------------------------------

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


def get_event_route(session: Session, event: str, lock: bool = False) -> EventRoute | None:
    return session.get(EventRoute, event, with_for_update=True if lock else None)


def get_session_copy(session: Session, session_id: str, lock: bool = False) -> SessionCopy | None:
    return session.get(SessionCopy, session_id, with_for_update=True if lock else None)


def pending_summary_exists(session: Session, source_event_id: str) -> bool:
    return session.get(PendingSummary, source_event_id) is not None


def pending_summaries_due(session: Session, now: datetime) -> bool:
    return session.scalar(sa.select(PendingSummary.source_event_id).where(PendingSummary.next_check_at <= now)
                          .limit(1)) is not None


def due_pending_summaries(session: Session, now: datetime, limit: int) -> list[PendingSummary]:
    """Summaries whose route is due to be looked for, locked (rows another worker holds are skipped)."""
    return list(session.scalars(
        sa.select(PendingSummary).where(PendingSummary.next_check_at <= now)
        .order_by(PendingSummary.next_check_at).limit(limit).with_for_update(skip_locked=True)))


def wake_pending_summaries(session: Session, route: MailRoute, now: datetime) -> int:
    """Make the summaries waiting for ``route``'s track due at once (its track event just arrived),
    and the event's summaries waiting for their tracks' routes."""
    names = [name for name in (route.track, route.track_id, EVENT_SUMMARY) if name is not None]
    return session.execute(
        sa.update(PendingSummary).where(PendingSummary.event == route.event, PendingSummary.track.in_(names))
        .values(next_check_at=now)).rowcount


def wake_event_summaries(session: Session, event: str, now: datetime) -> int:
    """Make the event's summaries waiting for their routes due at once (its event event arrived)."""
    return session.execute(
        sa.update(PendingSummary).where(PendingSummary.event == event, PendingSummary.track == EVENT_SUMMARY)
        .values(next_check_at=now)).rowcount


# -- the outgoing mail queue ----------------------------------------------------------------------

def mail_exists(session: Session, source_event_id: str, recipient: str) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail).where(
        OutgoingMail.source_event_id == source_event_id, OutgoingMail.recipient == recipient)) > 0


def get_mail(session: Session, mail_id: str, lock: bool = False) -> OutgoingMail:
    row = session.get(OutgoingMail, mail_id, with_for_update=True if lock else None, populate_existing=lock)
    if row is None:
        raise NotFound(f"no message {mail_id!r}", errors={"id": ["unknown message"]})
    return row


def list_mail(session: Session, *, status: str | None, recipient: str | None, limit: int,
              cursor: str | None, kind: str | None = None, since: datetime | None = None
              ) -> tuple[list[OutgoingMail], str | None]:
    """A page of the mail log, oldest first; ``recipient`` matches in any case, ``kind`` by
    :mod:`.domain.mail_kinds`, ``since``: queued at or after."""
    statement = sa.select(OutgoingMail)
    if status is not None:
        statement = statement.where(OutgoingMail.status == status)
    if recipient is not None:
        statement = statement.where(sa.func.lower(OutgoingMail.recipient) == recipient.strip().lower())
    if kind is not None:
        statement = statement.where(mail_kinds.kind_condition(OutgoingMail.source_event_type, kind))
    if since is not None:
        statement = statement.where(OutgoingMail.created_at >= since)
    return paginate(session, statement, limit=limit, cursor=cursor, **_by_creation(OutgoingMail))


def claimed_mail(session: Session, mail_id: str, claim: str) -> OutgoingMail | None:
    """The mail, locked, if ``claim`` still holds it."""
    mail = session.get(OutgoingMail, mail_id, with_for_update=True, populate_existing=True)
    return mail if mail is not None and mail.claim == claim else None


def due_mail(table: sa.Table, now: datetime) -> sa.ColumnElement:
    """The claim condition of the mail loop: queued mail whose next attempt is due."""
    return sa.and_(table.c.status == domain.QUEUED, table.c.next_attempt_at <= now)


# -- reminder digests and the action states they are checked against ---------------------------

def get_action_state(session: Session, action_id: str, lock: bool = False) -> ActionState | None:
    return session.get(ActionState, action_id, with_for_update=True if lock else None)


def action_states(session: Session, action_ids: list[str]) -> dict[str, ActionState]:
    if not action_ids:
        return {}
    return {row.action_id: row for row in session.scalars(
        sa.select(ActionState).where(ActionState.action_id.in_(action_ids)))}


def get_digest(session: Session, mail_id: str) -> ReminderDigest | None:
    return session.get(ReminderDigest, mail_id)
