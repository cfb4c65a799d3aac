"""Events the notify service consumes.

- every event (``#``): one webhook delivery per enabled subscription whose patterns match it;
- ``ptghub.schedule.track.*``: the track's mailing-list route (address, subject tag);
- ``ptghub.notes.summary.published``: the summary mail to the track's list, queued once per
  (event, recipient).
"""
from __future__ import annotations

import logging
from datetime import datetime

from marshmallow import ValidationError

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import Subscription
from services.kit.db import Database, UnitOfWork, utcnow
from services.kit.logs import log

from . import domain, store
from .dispatch import Config
from .schemas import SummaryEventSchema, TrackEventSchema

logger = logging.getLogger(__name__)


class RouteMissing(RuntimeError):
    """A summary arrived before its track: rejecting it lets the broker redeliver it later."""


def _load(schema, cloud_event: CloudEvent) -> dict:
    try:
        return schema.load(cloud_event.data or {})
    except ValidationError as exc:
        raise ValueError(f"{cloud_event.type} {cloud_event.id}: unreadable data {exc.messages}") from exc


def fan_out_webhooks(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    payload = None
    for subscription in store.enabled_subscriptions(uow.session):
        if not domain.matches_any(subscription.event_types, cloud_event.type):
            continue
        if store.delivery_exists(uow.session, subscription.id, cloud_event.id):
            continue
        payload = payload or cloud_event.to_json()
        uow.session.add(store.WebhookDelivery(
            subscription_id=subscription.id, event_id=cloud_event.id, event_type=cloud_event.type, payload=payload,
            status=domain.PENDING, attempts=0, next_attempt_at=utcnow()))


def keep_track_route(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    track = _load(TrackEventSchema(), cloud_event)
    route = store.get_route(uow.session, track["event"], track["slug"], lock=True)
    if route is None:
        route = store.MailRoute(event=track["event"], track=track["slug"])
        uow.session.add(route)
    elif route.source_time and cloud_event.time and _instant(cloud_event.time) < _instant(route.source_time):
        log(logger, logging.INFO, "older track event ignored", track=track["slug"], event_id=cloud_event.id)
        return
    route.track_id = track["id"]
    route.name = track["name"]
    route.mailing_list = track["mailing_list"] or None
    route.subject_tag = track["subject_tag"] or None
    route.source_time = cloud_event.time or ""


def _instant(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=utcnow().tzinfo)


def queue_summary_mail(uow: UnitOfWork, cloud_event: CloudEvent) -> None:
    summary = _load(SummaryEventSchema(), cloud_event)
    route = store.route_for_summary(uow.session, summary["event"], summary["track"])
    if route is None:
        raise RouteMissing(f"no mailing-list route yet for track {summary['event']}/{summary['track']}")
    if not route.mailing_list:
        log(logger, logging.INFO, "track has no mailing list; summary not mailed", track=route.track,
            summary=summary["id"])
        return
    recipient = route.mailing_list
    if store.mail_exists(uow.session, cloud_event.id, recipient):
        return
    config = Config.load()
    message_id = domain.summary_message_id(summary["id"], cloud_event.id, recipient, domain.mail_domain(config.mail_from))
    thread = domain.Thread(root=route.thread_message_id)
    message = domain.summary_mail(
        {**summary, "track_name": summary["track_name"] or route.name or route.track},
        tag=route.subject_tag or route.track, sender=config.mail_from, recipient=recipient,
        message_id=message_id, date=utcnow(), thread=thread)
    if route.thread_message_id is None:
        route.thread_message_id = message_id
    uow.session.add(store.OutgoingMail(
        source_event_id=cloud_event.id, source_event_type=cloud_event.type, sender=config.mail_from,
        recipient=recipient, subject=str(message["Subject"]), message_id=message_id,
        message=message.as_bytes().decode("utf-8"), status=domain.QUEUED, attempts=0,
        next_attempt_at=utcnow()))


def subscriptions(_database: Database) -> list[Subscription]:
    return [
        Subscription("#", fan_out_webhooks),
        Subscription("ptghub.schedule.track.*", keep_track_route),
        Subscription("ptghub.notes.summary.published", queue_summary_mail),
    ]
