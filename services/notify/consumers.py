"""Events the notify service consumes, each mapped to one operation:

- ``ptghub.gateway.token.revoked``: every webhook the revoked token owns is disabled;
- every event (``#``): one webhook delivery per enabled subscription that matches it and may
  receive it (:func:`operations.subscriptions.fan_out`);
- ``ptghub.schedule.track.*``: the track's mailing-list route (address, subject tag), retired
  by ``track.deleted``;
- ``ptghub.notes.summary.published``: the summary, kept until the mail loop mails it to its
  track's list (at once when the route is known, else when it arrives); an event's summary to
  each of its tracks' lists, once;
- ``ptghub.actions.action.reminder.due``: one person's reminder digest, queued as one mail to them;
- ``ptghub.actions.action.{updated,completed,dropped,withdrawn}``: the action's latest state, so a
  digest not yet sent leaves out items done, dropped, withdrawn or snoozed since;
- ``ptghub.schedule.event.*``: the event's own mailing list, subject tag and sender (its summaries');
- ``ptghub.schedule.session.{scheduled,updated,cancelled,deleted}``: where and when the session is;
  a move or a cancellation queues a short notice to its track's list.
- ``ptghub.actions.person.unsubscribed``: the person's address goes on the suppression list.
- ``ptghub.notify.webhook.disabled`` (notify's own): the notice to the webhook's contact, queued
  as one mail (:func:`operations.notices.tell_owner`).

Revocation comes first, so fan-out of that same event already skips the webhooks it disabled.
"""
from __future__ import annotations

from marshmallow import ValidationError

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import Subscription
from services.kit.copies import ScheduleTrackSchema
from services.kit.db import Database, UnitOfWork

from . import config, domain
from .delivery.bells import MAIL_WAKE
from .composing import sessions as session_notices
from .operations import messages, notices, routing, subscriptions as webhook_subscriptions, suppressions
from .schemas.consumed import (UNSUBSCRIBED, ActionStateEventSchema, DisabledWebhookEventSchema,
                               ReminderDigestEventSchema, ScheduleEventSchema, ScheduleSessionSchema,
                               SummaryEventSchema, TokenRevokedSchema, UnsubscribedEventSchema)


def _load(schema, cloud_event: CloudEvent) -> dict:
    try:
        return schema.load(cloud_event.data or {})
    except ValidationError as exc:
        raise ValueError(f"{cloud_event.type} {cloud_event.id}: unreadable data {exc.messages}") from exc


def token_revoked(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    token = _load(TokenRevokedSchema(), cloud_event)
    webhook_subscriptions.disable_subscriptions_of(uow, token["id"])


def fan_out(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    webhook_subscriptions.fan_out(uow, cloud_event)  # rings the loop, or hands it the deliveries


def track_changed(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    track = _load(ScheduleTrackSchema(), cloud_event)
    if cloud_event.type == domain.TRACK_DELETED:
        messages.retire_track_route(uow, track, cloud_event.time)
    else:
        messages.keep_track_route(uow, track, cloud_event.time)
    uow.ring(MAIL_WAKE)  # a summary waiting for this route may be mailed now


def summary_published(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    summary = _load(SummaryEventSchema(), cloud_event)
    messages.accept_summary(uow, summary, cloud_event.id, cloud_event.type)
    uow.ring(MAIL_WAKE)


def action_changed(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    action = _load(ActionStateEventSchema(), cloud_event)
    messages.follow_action(uow, action, cloud_event.type)


def reminder_due(uow: UnitOfWork, cloud_event: CloudEvent, sender: str) -> None:
    digest = _load(ReminderDigestEventSchema(), cloud_event)
    messages.accept_reminder_digest(uow, digest, cloud_event.id, cloud_event.type, sender)
    uow.ring(MAIL_WAKE)  # the digest is queued: the mail loop sends it now


def event_changed(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    event = _load(ScheduleEventSchema(), cloud_event)
    routing.keep_event_route(uow, event, cloud_event.type, cloud_event.time)
    uow.ring(MAIL_WAKE)  # an event summary waiting for routes may be mailed now


def session_changed(uow: UnitOfWork, cloud_event: CloudEvent, sender: str) -> None:
    data = _load(ScheduleSessionSchema(), cloud_event)
    if routing.follow_session(uow, data, cloud_event.type, cloud_event.id, cloud_event.time, sender) is not None:
        uow.ring(MAIL_WAKE)


def person_unsubscribed(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    person = _load(UnsubscribedEventSchema(), cloud_event)
    suppressions.record_unsubscribe(uow, person)


def webhook_disabled(uow: UnitOfWork, cloud_event: CloudEvent, sender: str, fallback: str) -> None:
    webhook = _load(DisabledWebhookEventSchema(), cloud_event)
    if notices.tell_owner(uow, webhook, cloud_event.id, sender, fallback) is not None:
        uow.ring(MAIL_WAKE)  # the notice is queued: the mail loop sends it now


def subscriptions(_database: Database | None) -> list[Subscription]:
    settings = config.load()  # read once, when the consumer is wired
    sender = settings.mail_from

    def reminder_digest(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
        reminder_due(uow, cloud_event, sender)

    def session_notice(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
        session_changed(uow, cloud_event, sender)
    def disabled_notice(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
        webhook_disabled(uow, cloud_event, sender, settings.webhook_contact)

    return [
        Subscription(domain.TOKEN_REVOKED, token_revoked),
        Subscription("#", fan_out),
        Subscription("ptghub.schedule.track.*", track_changed),
        Subscription("ptghub.notes.summary.published", summary_published),
        *(Subscription(event_type, action_changed) for event_type in domain.ACTION_EVENTS),
        Subscription(domain.REMINDER_DUE, reminder_digest),
        Subscription("ptghub.schedule.event.*", event_changed),
        *(Subscription(event_type, session_notice) for event_type in session_notices.SESSION_EVENTS),
        Subscription(UNSUBSCRIBED, person_unsubscribed),
        Subscription(domain.WEBHOOK_DISABLED, disabled_notice),
    ]
