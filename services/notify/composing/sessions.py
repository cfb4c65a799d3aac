"""The short notice a track's list gets when one of its sessions is moved or cancelled
(``session_notice`` templates), and the rule that says which change is worth one.

A session is *moved* when its start, end or room changes, and *cancelled* when the schedule
cancels or deletes it (a deleted session that was cancelled already gets no second notice). A
change of title, description or moderators, a session notify never saw scheduled, an event
older than the copy notify keeps, and a session that is over (deleting last year's event with
everything in it tells no list about it), give none.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .headers import Thread, build_message, header_text, subject
from .templates import current

SESSION_NOTICE = "session_notice"
MOVED, CANCELLED = "moved", "cancelled"
SCHEDULED_EVENT = "ptghub.schedule.session.scheduled"
UPDATED_EVENT = "ptghub.schedule.session.updated"
CANCELLED_EVENT = "ptghub.schedule.session.cancelled"
DELETED_EVENT = "ptghub.schedule.session.deleted"
SESSION_EVENTS = (SCHEDULED_EVENT, UPDATED_EVENT, CANCELLED_EVENT, DELETED_EVENT)


@dataclass(frozen=True)
class SessionPlace:
    """Where and when a session is, as notify keeps it: enough to tell a move."""

    start: datetime | None
    end: datetime | None
    room: str
    status: str


def _over(place: SessionPlace | None, now: datetime) -> bool:
    return place is None or (place.end or place.start) is None or (place.end or place.start) <= now


def change_of(event_type: str, before: SessionPlace | None, after: SessionPlace,
              now: datetime | None = None) -> str | None:
    """``moved``, ``cancelled`` or None (no notice) for a session event, given the kept copy;
    with ``now``, none for a session over by then (before the change and after it)."""
    if now is not None and _over(before, now) and _over(after, now):
        return None
    if event_type in (CANCELLED_EVENT, DELETED_EVENT):
        return None if before is not None and before.status == CANCELLED else CANCELLED
    if event_type != UPDATED_EVENT or before is None or after.status == CANCELLED:
        return None
    if before.status == CANCELLED:
        return None  # reinstated: not a move of a session people planned for
    if (before.start, before.end, before.room) != (after.start, after.end, after.room):
        return MOVED
    return None


def _zone(name: str | None):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def shown_time(start: datetime | None, end: datetime | None, zone_name: str | None) -> str:
    """``Thu 2 May 2019, 09:00–10:45 America/Denver`` (empty when the times are unknown)."""
    if start is None:
        return ""
    zone = _zone(zone_name)
    start = start.astimezone(zone)
    text = f"{start:%a} {start.day} {start:%b %Y}, {start:%H:%M}"
    if end is not None:
        end = end.astimezone(zone)
        text += f"–{end:%H:%M}" if end.date() == start.date() else f" – {end:%a} {end.day} {end:%b}, {end:%H:%M}"
    return f"{text} {zone_name or 'UTC'}"


def _shown(session: dict[str, Any], place: SessionPlace | None, zone_name: str | None) -> dict[str, Any]:
    return {"id": session.get("id") or "", "title": header_text(session.get("title") or "", 300),
            "room": place.room if place else "", "when": shown_time(place.start, place.end, zone_name) if place else "",
            "timezone": zone_name or "UTC"}


def session_notice_subject(change: str, title: str, tag: str | None) -> str:
    return subject(tag, f"{'Moved' if change == MOVED else 'Cancelled'}: {title}")


def session_notice_mail(change: str, session: dict[str, Any], before: SessionPlace | None, after: SessionPlace, *,
                        track_name: str, tag: str | None, event: str, sender: str, recipient: str, message_id: str,
                        date: datetime, thread: Thread = Thread()) -> EmailMessage:
    """The notice to the track's list that ``session`` was moved (``before`` -> ``after``) or cancelled."""
    zone_name = session.get("timezone")
    context = {"change": change, "session": _shown(session, after, zone_name),
               "before": _shown(session, before, zone_name) if before is not None else None,
               "track": session.get("track") or "", "track_name": track_name, "event": event}
    text, html = current().parts(SESSION_NOTICE, context)
    return build_message(sender=sender, recipient=recipient,
                         subject_line=session_notice_subject(change, context["session"]["title"], tag),
                         message_id=message_id, date=date, text=text, html=html, thread=thread)
