"""iCalendar (RFC 5545) feeds of an event, a track or a room (the ``icalendar`` library)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event as VEvent

from .data import EventData, ExportData, RoomData, SessionData, TrackData, person, unique_room_names, video_url

PRODID = "-//ptghub//schedule export//EN"


def ical(data: ExportData, calendar_name: str | None = None) -> bytes:
    """An RFC 5545 calendar of ``data.sessions`` (cancelled ones too, as ``STATUS:CANCELLED``).

    Times are in the event's timezone (``TZID`` with its ``VTIMEZONE``); ``UID`` is
    ``<session id>@ptghub`` and ``SEQUENCE`` the session's own, so a client updates its copy.
    """
    event = data.event
    zone = event.zone
    names = unique_room_names(data.rooms)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = calendar_name or event.name
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-timezone", event.timezone)
    if event.description:
        calendar.add("x-wr-caldesc", event.description)
    calendar.add("refresh-interval", timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT15M")
    for vtimezone in _vtimezones(event):
        calendar.add_component(vtimezone)
    for session in sorted(data.sessions, key=lambda s: (s.start, s.id)):
        track = data.track_by_id[session.track_id]
        room = data.room_by_id[session.room_id]
        calendar.add_component(_vevent(event, session, track, room, names[room.id], zone))
    return calendar.to_ical()


def _vtimezones(event: EventData) -> list:
    """The VTIMEZONE every time of the calendar refers to, covering the event's years (none for UTC).

    icalendar builds it (``add_missing_timezones``) for a one-event probe calendar: the same result as
    on the whole calendar, without walking thousands of events to find the one TZID they all use.
    """
    probe = Calendar()
    sample = VEvent()
    sample.add("dtstart", datetime.combine(event.start_date, time(12), event.zone))
    probe.add_component(sample)
    probe.add_missing_timezones(first_date=date(event.start_date.year, 1, 1),
                                last_date=date(event.end_date.year, 12, 31))
    return probe.timezones


def _vevent(event: EventData, session: SessionData, track: TrackData, room: RoomData, room_name: str,
            zone: ZoneInfo) -> VEvent:
    modified = session.updated_at or event.updated_at
    video = video_url(session, track, room)
    lines = [session.description.strip()] if session.description.strip() else []
    details = [f"Track: {track.name}", f"Room: {room_name}"]
    if session.moderators:
        details.append("Moderators: " + ", ".join(person(m)[0] for m in session.moderators))
    if track.notes_url:
        details.append(f"Notes: {track.notes_url}")
    if video:
        details.append(f"Video: {video}")
    if session.cancelled:
        details.insert(0, "CANCELLED")
    description = "\n\n".join([*lines, "\n".join(details)])

    vevent = VEvent()
    vevent.add("uid", f"{session.id}@ptghub")
    vevent.add("dtstamp", modified.astimezone(timezone.utc))
    if session.created_at:
        vevent.add("created", session.created_at.astimezone(timezone.utc))
    vevent.add("last-modified", modified.astimezone(timezone.utc))
    vevent.add("dtstart", session.start.astimezone(zone))
    vevent.add("dtend", session.end.astimezone(zone))
    vevent.add("summary", f"{track.name}: {session.title}")
    vevent.add("description", description)
    vevent.add("location", room_name)
    vevent.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
    vevent.add("sequence", session.sequence or 0)
    vevent.add("categories", [session.kind])
    if video:
        vevent.add("url", video)
        vevent.add("conference", video, parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": "Video conference"})
    if track.notes_url:
        vevent.add("attach", track.notes_url, parameters={"FMTTYPE": "text/html"})
    return vevent
