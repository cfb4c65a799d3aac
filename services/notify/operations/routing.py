"""An event's own mail routing (kept from the schedule's ``event.*`` events), the short notice to a
track's list when one of its sessions is moved or cancelled (from the schedule's ``session.*``
events), and the per-track switch of those notices on the track's mail route."""
from __future__ import annotations

import logging
from datetime import datetime

from services.kit.auth import require_track_writer
from services.kit.db import UnitOfWork, utcnow
from services.kit.logs import log
from services.kit.problems import NotFound

from .. import domain, store
from ..composing import headers, sessions as notices
from .messages import queue_mail

logger = logging.getLogger(__name__)

EVENT_DELETED = "ptghub.schedule.event.deleted"


# -- an event's list, subject tag and sender ----------------------------------------------------

def keep_event_route(uow: UnitOfWork, event: dict, event_type: str, event_time: str | None) -> store.EventRoute | None:
    """Copy an event's routing from ``event.created``/``updated``/``deleted`` (older events ignored);
    the event's summaries waiting for routes are looked at again at once."""
    session = uow.session
    route = store.get_event_route(session, event["slug"], lock=True)
    if route is None:
        route = store.EventRoute(event=event["slug"])
        session.add(route)
    elif domain.is_older(event_time, route.source_time):
        log(logger, logging.INFO, "older event event ignored", event=event["slug"], event_time=event_time)
        return None
    route.event_id = event["id"]
    route.name = event["name"] or ""
    route.mailing_list = domain.mail_address(event.get("mailing_list"))
    route.subject_tag = headers.header_text(event.get("subject_tag") or "", 64) or None
    route.mail_from = domain.sender_address(event.get("mail_from"))
    route.source_time = event_time or ""
    route.deleted_at = (route.deleted_at or utcnow()) if event_type == EVENT_DELETED else None
    session.flush()
    store.wake_event_summaries(session, route.event, utcnow())
    return route


# -- session notices ----------------------------------------------------------------------------

def _place(data: dict) -> notices.SessionPlace:
    return notices.SessionPlace(start=_time(data.get("start")), end=_time(data.get("end")),
                                room=data.get("room") or "", status=data.get("status") or "scheduled")


def _time(value) -> datetime | None:
    if isinstance(value, datetime) or value is None:
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def follow_session(uow: UnitOfWork, data: dict, event_type: str, source_event_id: str, event_time: str | None,
                   sender: str) -> store.OutgoingMail | None:
    """Keep where and when a session is; when a ``session.updated`` moves it, or a
    ``session.cancelled``/``deleted`` ends it, queue the notice to its track's list (unless the
    track switched notices off, has no list or was deleted). Returns the queued mail, if any."""
    if not data.get("event") or not data.get("track"):
        log(logger, logging.INFO, "session event without event or track; not followed", session=data["id"])
        return None
    copy = store.get_session_copy(uow.session, data["id"])
    if copy is not None and domain.is_older(event_time, copy.source_time):
        log(logger, logging.INFO, "older session event ignored", session=data["id"], event_time=event_time)
        return None
    before = None if copy is None or copy.deleted_at is not None else notices.SessionPlace(
        start=copy.start, end=copy.end, room=copy.room, status=copy.status)
    after = _place(data)
    store.keep_session_copy(uow.session, data["id"], {
        "event": data["event"], "track": data["track"], "room": after.room, "start": after.start, "end": after.end,
        "status": after.status, "source_time": event_time or "",
        "deleted_at": utcnow() if event_type == notices.DELETED_EVENT else None}, exists=copy is not None)
    change = notices.change_of(event_type, before, after, utcnow())
    if change is None:
        return None
    return _queue_notice(uow, change, data, before, after, event_type, source_event_id, sender)


def _queue_notice(uow: UnitOfWork, change: str, data: dict, before, after, event_type: str, source_event_id: str,
                  sender: str) -> store.OutgoingMail | None:
    route = store.get_route(uow.session, data["event"], data["track"], lock=True)
    if route is None or route.retired_at is not None or not route.mailing_list or not route.session_notices:
        log(logger, logging.INFO, "session notice not mailed", session=data["id"], change=change,
            reason="no route" if route is None else "retired" if route.retired_at else
            "no mailing list" if not route.mailing_list else "notices switched off")
        return None
    recipient = route.mailing_list
    if store.mail_exists(uow.session, source_event_id, recipient):
        return None
    now = utcnow()
    message_id = headers.notice_message_id("session", source_event_id, recipient, domain.mail_domain(sender))
    message = notices.session_notice_mail(
        change, data, before, after, track_name=route.name or route.track, tag=route.subject_tag or route.track,
        event=route.event, sender=sender, recipient=recipient, message_id=message_id, date=now,
        thread=headers.Thread(root=route.thread_message_id))
    if route.thread_message_id is None:
        route.thread_message_id = message_id
    mail = queue_mail(uow, source_event_id, event_type, sender, recipient, message_id, message, now)
    uow.session.flush()
    return mail


# -- the per-track switch -----------------------------------------------------------------------

def get_mail_route(uow: UnitOfWork, who: dict, event: str, track: str) -> store.MailRoute:
    """A track's mail route (organisers, or a chair of the track)."""
    require_track_writer(who, event, track)
    route = store.get_route(uow.session, event, track)
    if route is None:
        raise NotFound(f"no mail route for track {track} of event {event} (the schedule has not announced it)",
                       errors={"track": ["unknown track"]})
    return route


def change_mail_route(uow: UnitOfWork, who: dict, event: str, track: str, changes: dict) -> store.MailRoute:
    """Switch a track's session notices on or off (organisers, or a chair of the track)."""
    route = get_mail_route(uow, who, event, track)
    if "session_notices" in changes:
        route.session_notices = changes["session_notices"]
    uow.session.flush()
    return route
