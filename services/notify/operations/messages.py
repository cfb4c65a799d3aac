"""Mail: each track's mailing-list route (kept from the schedule's track events, retired when the
track is deleted), published summaries waiting to be mailed, turning them into queued mail once
their route is known (a track's summary to its list; an event's to the event's own list, else to
each of its tracks' lists, once),
recording a send attempt, and the outgoing mail log (organisers only)."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from services.kit.auth import require_organiser
from services.kit.db import UnitOfWork, utcnow
from services.kit.logs import log

from .. import domain, store
from ..composing import headers, reminders, summaries
from ..config import NotifySettings
from ..schemas.messages import MessageEventSchema

logger = logging.getLogger(__name__)

Page = tuple[list[Any], str | None]


# -- the outgoing mail log -------------------------------------------------------------------

def list_messages(uow: UnitOfWork, who: dict, query: dict) -> Page:
    require_organiser(who, "the mail log (every event's)")
    return store.list_mail(uow.session, status=query.get("status"), recipient=query.get("recipient"),
                           kind=query.get("kind"), since=query.get("since"), limit=query["limit"],
                           cursor=query["cursor"])


def get_message(uow: UnitOfWork, who: dict, message_id: str) -> store.OutgoingMail:
    require_organiser(who, "the mail log (every event's)")
    return store.get_mail(uow.session, message_id)


# -- mailing-list routes, from the schedule's track events -----------------------------------

def keep_track_route(uow: UnitOfWork, track: dict, event_time: str | None) -> store.MailRoute | None:
    """Create or update a track's route from a ``track.created``/``track.updated`` event's data;
    summaries waiting for it become due at once. None when the event is older than the copy."""
    route = _copy_track(uow, track, event_time, retired=False)
    if route is not None:
        store.wake_pending_summaries(uow.session, route, utcnow())
    return route


def retire_track_route(uow: UnitOfWork, track: dict, event_time: str | None) -> store.MailRoute | None:
    """A deleted track's route is retired: no more mail goes to its list (summaries waiting for
    it are dropped). The row stays, so an older event arriving late does not bring it back."""
    route = _copy_track(uow, track, event_time, retired=True)
    if route is not None:
        store.wake_pending_summaries(uow.session, route, utcnow())
    return route


def _copy_track(uow: UnitOfWork, track: dict, event_time: str | None, retired: bool) -> store.MailRoute | None:
    session = uow.session
    route = store.get_route(session, track["event"], track["slug"], lock=True)
    if route is None:
        route = store.MailRoute(event=track["event"], track=track["slug"])
        session.add(route)
    elif domain.is_older(event_time, route.source_time):
        log(logger, logging.INFO, "older track event ignored", track=track["slug"], event_time=event_time)
        return None
    route.track_id = track["id"]
    route.name = track["name"]
    route.mailing_list = track["mailing_list"] or None
    route.subject_tag = track["subject_tag"] or None
    route.source_time = event_time or ""
    route.retired_at = (route.retired_at or utcnow()) if retired else None
    session.flush()
    return route


# -- summaries: accepted when published, mailed once their route is known ------------------------

def accept_summary(uow: UnitOfWork, summary: dict, source_event_id: str,
                   source_event_type: str) -> store.PendingSummary | None:
    """Keep a published summary until the mail loop mails it (:func:`mail_pending_summaries`):
    at once when its track's route is known (an event's summary: the routes of all its tracks),
    else as soon as the route arrives, within the wait."""
    if store.pending_summary_exists(uow.session, source_event_id):
        return None
    now = utcnow()
    pending = store.PendingSummary(
        source_event_id=source_event_id, source_event_type=source_event_type, event=summary["event"],
        track=summary["track"] or store.EVENT_SUMMARY, summary=summary, received_at=now, checks=0,
        next_check_at=now)
    uow.session.add(pending)
    uow.session.flush()
    return pending


def mail_pending_summaries(uow: UnitOfWork, settings: NotifySettings, limit: int = 16) -> int:
    """Queue the mail of every due pending summary whose route is known (once per (summary event,
    recipient)); drop those whose track is deleted or has no list, and those that waited longer
    than ``settings.route_wait``; look again later, with back-off, for the others. An event's
    summary waits for the routes of all the tracks it covers (after the wait, it goes to the lists
    known by then) and goes to each of their lists once. Returns how many it looked at."""
    session = uow.session
    now = utcnow()
    due = store.due_pending_summaries(session, now, limit)
    for pending in due:
        if pending.summary.get("scope") == domain.EVENT_SCOPE:
            _mail_event_summary(uow, pending, settings, now)
        else:
            _mail_track_summary(uow, pending, settings, now)
    session.flush()
    return len(due)


def _mail_track_summary(uow: UnitOfWork, pending: store.PendingSummary, settings: NotifySettings,
                        now: datetime) -> None:
    session = uow.session
    route = store.route_for_summary(session, pending.event, pending.track)
    if route is None:
        _wait_or_give_up(uow, pending, settings, now, f"{pending.event}/{pending.track}")
        return
    session.delete(pending)
    if route.retired_at is not None:
        log(logger, logging.INFO, "track deleted; summary not mailed", track=route.track,
            summary=pending.summary.get("id"))
    elif not route.mailing_list:
        log(logger, logging.INFO, "track has no mailing list; summary not mailed", track=route.track,
            summary=pending.summary.get("id"))
    else:
        _queue_summary_mail(uow, route, pending, settings.mail_from, now)


def _mail_event_summary(uow: UnitOfWork, pending: store.PendingSummary, settings: NotifySettings,
                        now: datetime) -> None:
    """An event's summary goes to the event's own list when it has one (``mailing_list`` on the
    event, with its ``subject_tag`` and ``mail_from``), else to each of its tracks' lists, once."""
    session = uow.session
    event_route = store.get_event_route(session, pending.event)
    if event_route is not None and event_route.deleted_at is not None:
        event_route = None
    event_list = event_route.mailing_list if event_route is not None else None
    tracks = pending.summary.get("tracks") or []
    routes = [] if event_list else [store.route_for_summary(session, pending.event, track) for track in tracks]
    if not event_list and (None in routes or not routes) and now < pending.received_at + settings.route_wait:
        pending.checks += 1
        pending.next_check_at = min(now + domain.route_check_delay(pending.checks),
                                    pending.received_at + settings.route_wait)
        return
    session.delete(pending)
    lists = domain.summary_lists((route for route in routes if route is not None), event_list)
    if not lists:
        log(logger, logging.WARNING, "event summary not mailed: neither the event nor its tracks have a mailing list",
            event=pending.event, summary=pending.summary.get("id"))
    sender = (event_route.mail_from if event_route is not None else None) or settings.mail_from
    tag = event_route.subject_tag if event_route is not None else None
    for recipient in lists:
        _queue_event_summary_mail(uow, pending, recipient, sender, tag, now)


def _wait_or_give_up(uow: UnitOfWork, pending: store.PendingSummary, settings: NotifySettings, now: datetime,
                     track: str) -> None:
    give_up_at = pending.received_at + settings.route_wait
    if now >= give_up_at:
        log(logger, logging.WARNING, "summary not mailed: its track's mailing-list route did not arrive",
            track=track, summary=pending.summary.get("id"),
            waited_s=int((now - pending.received_at).total_seconds()))
        uow.session.delete(pending)
    else:
        pending.checks += 1
        pending.next_check_at = min(now + domain.route_check_delay(pending.checks), give_up_at)


def _queue_summary_mail(uow: UnitOfWork, route: store.MailRoute, pending: store.PendingSummary, sender: str,
                        now: datetime) -> store.OutgoingMail | None:
    """A track's summary to its list, threaded on the first summary mailed to it (kept on the route)."""
    recipient = route.mailing_list
    if store.mail_exists(uow.session, pending.source_event_id, recipient):
        return None
    summary = pending.summary
    message_id = headers.summary_message_id(summary["id"], pending.source_event_id, recipient,
                                            domain.mail_domain(sender))
    message = summaries.summary_mail(
        {**summary, "track_name": summary.get("track_name") or route.name or route.track},
        tag=route.subject_tag or route.track, sender=sender, recipient=recipient, message_id=message_id,
        date=now, thread=headers.Thread(root=route.thread_message_id))
    if route.thread_message_id is None:
        route.thread_message_id = message_id
    return _queue(uow, pending, sender, recipient, message_id, message, now)


def _queue_event_summary_mail(uow: UnitOfWork, pending: store.PendingSummary, recipient: str, sender: str,
                              tag: str | None, now: datetime) -> store.OutgoingMail | None:
    """An event's summary to one list: the first one starts the thread its updates reply to."""
    if store.mail_exists(uow.session, pending.source_event_id, recipient):
        return None
    summary = pending.summary
    mail_domain = domain.mail_domain(sender)
    root = headers.event_thread_root(summary.get("thread") or summary["id"], recipient, mail_domain)
    if summary.get("update"):
        message_id = headers.summary_message_id(summary["id"], pending.source_event_id, recipient, mail_domain)
        thread = headers.Thread(root=root)
    else:
        message_id, thread = root, headers.Thread()
    message = summaries.summary_mail(summary, tag=tag, fallback_tag=summary["event"], sender=sender,
                                     recipient=recipient, message_id=message_id, date=now, thread=thread)
    return _queue(uow, pending, sender, recipient, message_id, message, now)


def _queue(uow: UnitOfWork, pending: store.PendingSummary, sender: str, recipient: str, message_id: str,
           message, now: datetime) -> store.OutgoingMail:
    return queue_mail(uow, pending.source_event_id, pending.source_event_type, sender, recipient, message_id,
                      message, now)


def queue_mail(uow: UnitOfWork, source_event_id: str, source_event_type: str, sender: str, recipient: str,
               message_id: str, message, now: datetime) -> store.OutgoingMail:
    """Queue a composed ``message`` for the mail loop (made for event ``source_event_id``)."""
    mail = store.OutgoingMail(
        source_event_id=source_event_id, source_event_type=source_event_type, sender=sender,
        recipient=recipient, subject=str(message["Subject"]), message_id=message_id,
        message=message.as_bytes().decode("utf-8"), status=domain.QUEUED, attempts=0, next_attempt_at=now)
    uow.session.add(mail)
    return mail


# -- sending -----------------------------------------------------------------------------------

def record_mail_attempt(uow: UnitOfWork, claim: str, mail_id: str, *, error: str | None = None,
                        code: int | None = None, retry_scale: float = 1.0) -> store.OutgoingMail | None:
    """Record a send attempt of claimed mail: sent (``error`` None), queued again after a transient
    failure, or failed (a 5xx reply, or 5 days of retries); a message that is done publishes
    ``message.sent`` or ``message.failed``. None when the claim is no longer this worker's."""
    mail = store.claimed_mail(uow.session, mail_id, claim)
    if mail is None:
        return None
    now = utcnow()
    mail.claim = mail.claimed_until = None
    mail.attempts += 1
    mail.last_attempt_at = now
    if error is None:
        mail.status, mail.sent_at, mail.next_attempt_at = domain.SENT, now, None
    else:
        mail.last_code, mail.last_error = code, error[:1000]
        retry_at = None if domain.smtp_permanent(code) else domain.mail_retry_at(
            mail.attempts, mail.created_at, now, retry_scale)
        mail.status, mail.next_attempt_at = (domain.QUEUED, retry_at) if retry_at else (domain.FAILED, None)
    if mail.status != domain.QUEUED:
        uow.publish(domain.MESSAGE_SENT if mail.status == domain.SENT else domain.MESSAGE_FAILED,
                    MessageEventSchema().dump(mail), subject=mail.id)
    return mail


# -- reminder digests: one mail per digest, checked against the action states at send time -------

def follow_action(uow: UnitOfWork, action: dict, event_type: str) -> store.ActionState | None:
    """Keep the latest state of an action from ``ptghub.actions.action.*`` (older versions are
    ignored; withdrawn is final). None when the event was older than the state kept."""
    session = uow.session
    row = store.get_action_state(session, action["id"], lock=True)
    withdrawn = event_type == domain.ACTION_WITHDRAWN
    if row is None:
        row = store.ActionState(action_id=action["id"], version=-1)
        session.add(row)
    elif row.status == domain.WITHDRAWN or (not withdrawn and action["version"] < row.version):
        return None
    row.status = domain.WITHDRAWN if withdrawn else action["status"]
    row.snoozed_until = action["snoozed_until"]
    row.version = max(action["version"], row.version)
    row.updated_at = utcnow()
    session.flush()
    return row


def accept_reminder_digest(uow: UnitOfWork, digest: dict, source_event_id: str, source_event_type: str,
                           sender: str) -> store.OutgoingMail | None:
    """Queue the one mail of a reminder digest to the person's address (once per event). Its items
    are checked again when it is sent (:func:`prepare_reminder_mail`); none still due: the mail is
    cancelled. None when the person has no usable address or the digest was queued already."""
    person = digest["person"]
    recipient = domain.mail_address(person.get("email"))
    if recipient is None:
        log(logger, logging.WARNING, "reminder digest not mailed: no usable address", person=person["id"],
            digest=digest["digest_id"])
        return None
    if store.mail_exists(uow.session, source_event_id, recipient):
        return None
    now = utcnow()
    message_id = headers.reminder_message_id(digest["digest_id"], recipient, domain.mail_domain(sender))
    mail = store.OutgoingMail(source_event_id=source_event_id, source_event_type=source_event_type, sender=sender,
                              recipient=recipient, subject="", message_id=message_id, message="",
                              status=domain.QUEUED, attempts=0, next_attempt_at=now)
    uow.session.add(mail)
    uow.session.flush()
    uow.session.add(store.ReminderDigest(mail_id=mail.id, digest_id=digest["digest_id"], person_id=person["id"],
                                         digest=digest, received_at=now))
    _render_digest(uow, mail, digest, now)
    uow.session.flush()
    return mail


def prepare_reminder_mail(uow: UnitOfWork, claim: str, mail_id: str) -> str | None:
    """Just before a claimed reminder mail is sent: render it again with the items still due; None
    (and the mail cancelled) when none is, or when the claim is no longer this worker's."""
    mail = store.claimed_mail(uow.session, mail_id, claim)
    if mail is None:
        return None
    digest = store.get_digest(uow.session, mail.id)
    if digest is None:  # queued before digests were kept: send it as rendered
        return mail.message
    if not _render_digest(uow, mail, digest.digest, utcnow()):
        mail.claim = mail.claimed_until = None
        return None
    return mail.message


def _render_digest(uow: UnitOfWork, mail: store.OutgoingMail, digest: dict, now: datetime) -> bool:
    """(Re-)render ``mail`` with the digest's items still due; cancel it when none is. Whether it goes."""
    items = digest["items"]
    states = store.action_states(uow.session, [item["action_id"] for item in items])
    today = domain.owner_today(now, digest["person"].get("timezone"))
    due = [item for item in items if domain.still_due(item, states.get(item["action_id"]), today)]
    if not due:
        mail.status, mail.next_attempt_at = domain.CANCELLED, None
        mail.subject = mail.subject or reminders.reminder_subject(items)
        log(logger, logging.INFO, "reminder digest cancelled: no item is still due", message=mail.id,
            digest=digest["digest_id"])
        return False
    message = reminders.reminder_digest_mail(digest, due, sender=mail.sender, recipient=mail.recipient,
                                             message_id=mail.message_id, date=now)
    mail.subject = str(message["Subject"])
    mail.message = message.as_bytes().decode("utf-8")
    return True
