"""Pure renderers of a gathering's schedule: ptgbot's ptg.json, iCalendar, frab/C3VOC XML and JSON.

Every renderer takes a :class:`ScheduleData` (plain values, loaded once by ``api_exports``) and
returns the document; nothing here does I/O or reads a clock, so the same data always renders to
the same bytes. Identifiers handed to other systems are derived from ptghub's own ids and never
change: iCalendar ``UID`` ``<session id>@ptghub``, frab ``guid`` = uuid5 of the session id in
:data:`NAMESPACE`, frab ``id`` a positive 31-bit integer hashed from the session id.

Conditional GET needs no rendering: :func:`etag` is built from the event's id and ``version``
(bumped by every change to anything of the event), the export kind and its track or room.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event as VEvent
from lxml import etree

GENERATOR = "ptghub"
GENERATOR_VERSION = "0.1.0"
# Bump when any renderer's output changes for the same data: it is part of every ETag, so caches
# holding the old rendering are invalidated by a deploy.
FORMAT_REVISION = 1
# Fixed forever: uuid5(NAMESPACE_URL, "urn:ptghub:schedule:exports"). Frab guids derive from it.
NAMESPACE = uuid.UUID("b2e48885-83c2-58df-8cba-ad17e15b2648")
PRODID = "-//ptghub//schedule export//EN"
C3VOC_SCHEMA = "https://c3voc.de/schedule/schema.json"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# ptgbot's colorize() palette: every track gets a colour so its web page can style the badges.
PTGBOT_PALETTE = ("#596468", "#9ea8ad", "#b57506", "#f8ac29", "#5b731a", "#9dc62d",
                  "#993399", "#27a3dd", "#2a6d3c", "#3fa45b", "#930a0a", "#dc0d0e")
KIND_LABELS = {"work_session": "Work session", "cross_project": "Cross-project session", "keynote": "Keynote",
               "break": "Break", "hackathon": "Hackathon", "office_hours": "Office hours"}

MEDIA_TYPES = {
    "ptg.json": "application/json",
    "ics": "text/calendar; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "json": "application/json",
}


# -- the data a renderer needs -------------------------------------------------------------------
@dataclass(frozen=True)
class EventData:
    id: str
    slug: str
    name: str
    timezone: str
    start_date: date
    end_date: date
    version: int
    updated_at: datetime
    description: str = ""
    location: str = ""
    virtual: bool = False
    open_commands: bool = False

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class SlotData:
    code: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class RoomData:
    id: str
    slug: str
    name: str
    capacity: int | None = None
    description: str = ""
    video_url: str | None = None
    cap_icon: str | None = None
    cap_desc: str | None = None
    offered_slots: list[str] | None = None  # None: every slot of the grid


@dataclass(frozen=True)
class TrackData:
    id: str
    slug: str
    name: str
    description: str = ""
    colour: str | None = None
    meeting_url: str | None = None
    notes_url: str | None = None
    now: str | None = None
    next: list[str] = field(default_factory=list)
    location: str | None = None


@dataclass(frozen=True)
class SessionData:
    id: str
    track_id: str
    room_id: str
    start: datetime
    end: datetime
    title: str
    description: str = ""
    status: str = "scheduled"
    kind: str = "work_session"
    moderators: list[Any] = field(default_factory=list)
    video_url: str | None = None
    slot_codes: list[str] = field(default_factory=list)
    sequence: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


@dataclass(frozen=True)
class MotdData:
    level: str
    message: str


@dataclass(frozen=True)
class LinkData:
    label: str
    url: str


@dataclass
class ScheduleData:
    """Everything of one event an export shows; lists come in display order."""

    event: EventData
    rooms: list[RoomData] = field(default_factory=list)
    tracks: list[TrackData] = field(default_factory=list)
    sessions: list[SessionData] = field(default_factory=list)
    slots: list[SlotData] = field(default_factory=list)
    motd: list[MotdData] = field(default_factory=list)
    links: list[LinkData] = field(default_factory=list)

    def __post_init__(self):
        self.room_by_id = {room.id: room for room in self.rooms}
        self.track_by_id = {track.id: track for track in self.tracks}


# -- conditional GET -------------------------------------------------------------------------------
def etag(event_id: str, version: int, kind: str, scope: tuple[str, str] | None = None) -> str:
    """The opaque tag (without ``W/`` and quotes) of one export of one version of an event.

    ``kind`` is ``ptg.json``, ``ics``, ``xml`` or ``json``; ``scope`` is ``("track", slug)`` or
    ``("room", slug)`` for the per-track and per-room calendars.
    """
    tag = f"{event_id}-{version}-{kind}"
    if scope:
        tag += f"-{scope[0]}-{scope[1]}"
    return f"{tag}-f{FORMAT_REVISION}"


# -- shared helpers --------------------------------------------------------------------------------
def unique_room_names(rooms: Iterable[RoomData]) -> dict[str, str]:
    """Room id -> the name shown (two rooms of one name are told apart by their slug)."""
    rooms = list(rooms)
    counts: dict[str, int] = {}
    for room in rooms:
        counts[room.name] = counts.get(room.name, 0) + 1
    return {room.id: room.name if counts[room.name] == 1 else f"{room.name} ({room.slug})" for room in rooms}


def video_url(session: SessionData, track: TrackData, room: RoomData) -> str | None:
    """Where to join a session remotely: its own link, else its track's, else its room's (as ptgbot)."""
    return session.video_url or track.meeting_url or room.video_url or None


def person(moderator: Any) -> tuple[str, str | None, str | None]:
    """(shown name, email, nick) of a moderator given as a nick or as ``{nick, name, email}``."""
    if isinstance(moderator, dict):
        nick = moderator.get("nick") or None
        email = moderator.get("email") or None
        name = moderator.get("name") or nick or email or "?"
        return str(name), email, nick
    return str(moderator), None, str(moderator)


def is_http_url(value: str | None) -> bool:
    return bool(value) and re.match(r"^https?://\S+$", value) is not None


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# -- ptgbot's ptg.json ----------------------------------------------------------------------------
def slot_occupancy(data: ScheduleData) -> dict[tuple[str, str], str]:
    """(room id, slot code) -> the track slug holding it, from every session that is not cancelled.

    A session names its slots (``slot_codes``, as ptgbot books them) or else occupies every slot
    its times overlap. The earliest session wins a slot two short sessions share.
    """
    occupied: dict[tuple[str, str], str] = {}
    for session in sorted(data.sessions, key=lambda s: (s.start, s.id)):
        if session.cancelled:
            continue
        track = data.track_by_id.get(session.track_id)
        if track is None:
            continue
        codes = session.slot_codes or [slot.code for slot in data.slots
                                       if slot.start < session.end and session.start < slot.end]
        for code in codes:
            occupied.setdefault((session.room_id, code), track.slug)
    return occupied


def track_colour(track: TrackData) -> str:
    if track.colour:
        return track.colour
    digest = hashlib.sha256(track.slug.encode()).digest()
    return PTGBOT_PALETTE[digest[0] % len(PTGBOT_PALETTE)]


def ptg_json(data: ScheduleData) -> dict[str, Any]:
    """ptgbot's database document (the ``ptg.json`` its web page and tools read), keys as ptgbot writes them.

    ``voice`` keeps ptgbot's meaning: 1 when only voiced (known) nicks may command the bot, 0 when
    everyone may (ptghub's ``open_commands``).
    """
    event = data.event
    zone = event.zone
    slots: dict[str, list[dict[str, str]]] = {}
    for slot in sorted(data.slots, key=lambda s: (s.start, s.code)):
        start, end = _local(slot.start, zone), _local(slot.end, zone)
        slots.setdefault(WEEKDAYS[start.weekday()], []).append({
            "name": slot.code,
            "desc": f"{start:%H:%M}-{end:%H:%M}",
            "realtime": slot.start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        })
    grid = [entry["name"] for day in slots.values() for entry in day]
    occupied = slot_occupancy(data)
    names = unique_room_names(data.rooms)
    schedule: dict[str, dict[str, str]] = {}
    for room in sorted(data.rooms, key=lambda r: (names[r.id].lower(), r.slug)):
        entry: dict[str, str] = {}
        if room.description:
            entry["desc"] = room.description
        if room.video_url:
            entry["url"] = room.video_url
        if room.cap_icon:
            entry["cap_icon"] = room.cap_icon
        if room.cap_desc:
            entry["cap_desc"] = room.cap_desc
        offered = set(grid if room.offered_slots is None else room.offered_slots)
        offered |= {code for (room_id, code) in occupied if room_id == room.id}
        for code in grid + sorted(offered - set(grid)):
            if code in offered:
                entry[code] = occupied.get((room.id, code), "")
        schedule[names[room.id]] = entry
    tracks = sorted(data.tracks, key=lambda t: t.slug)
    return {
        "eventid": event.slug,
        "voice": 0 if event.open_commands else 1,
        "links": {link.label: link.url for link in data.links},
        "motd": [{"level": m.level, "message": m.message} for m in data.motd],
        "now": {t.slug: t.now for t in tracks if t.now},
        "next": {t.slug: list(t.next) for t in tracks if t.next},
        "etherpads": {t.slug: t.notes_url for t in tracks if t.notes_url},
        "urls": {t.slug: t.meeting_url for t in tracks if t.meeting_url},
        "colors": {t.slug: track_colour(t) for t in tracks},
        "location": {t.slug: t.location for t in tracks if t.location},
        "last_check_in": {},
        "subscriptions": {},
        "slots": slots,
        "tracks": [t.slug for t in tracks],
        "schedule": schedule,
        # ptgbot stamps every save; its page shows "last refreshed on {{timestamp}}"
        "timestamp": f"{_local(event.updated_at, zone):%Y-%m-%d %H:%M:%S}",
    }


def dump_json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


# -- iCalendar -------------------------------------------------------------------------------------
def ical(data: ScheduleData, calendar_name: str | None = None) -> bytes:
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
    vevent.add("dtstart", _local(session.start, zone))
    vevent.add("dtend", _local(session.end, zone))
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


# -- frab / C3VOC --------------------------------------------------------------------------------
def session_guid(session_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"session:{session_id}"))


def room_guid(room_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"room:{room_id}"))


def person_guid(name: str, email: str | None, nick: str | None) -> str:
    if email:  # as the C3VOC schema recommends: uuid5(NAMESPACE_URL, 'acct:user@domain.tld')
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"acct:{email.lower()}"))
    return str(uuid.uuid5(NAMESPACE, f"person:{(nick or name).lower()}"))


ID_SPACE = 2**31 - 1  # a Java int: some conference apps parse the id as one


def _hashed_id(session_id: str) -> int:
    return int.from_bytes(hashlib.sha256(session_id.encode()).digest()[:8], "big") % ID_SPACE + 1


def frab_ids(sessions: Iterable[SessionData]) -> dict[str, int]:
    """Session id -> frab integer id: hashed from the session id, unique within the event.

    On the (rare) collision the later-created session takes the next free number, so an id once
    given out keeps belonging to the same session.
    """
    ids: dict[str, int] = {}
    taken: set[int] = set()
    epoch = datetime.min.replace(tzinfo=timezone.utc)
    for session in sorted(sessions, key=lambda s: (s.created_at or epoch, s.id)):
        number = _hashed_id(session.id)
        while number in taken:
            number = number % ID_SPACE + 1
        taken.add(number)
        ids[session.id] = number
    return ids


ACRONYM_JSON = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")


def acronym(slug: str) -> str:
    """The event's slug when the C3VOC schemas accept it as an acronym, else the nearest that they do."""
    if ACRONYM_JSON.search(slug):
        return slug
    cleaned = re.sub(r"[^a-z0-9_]", "_", slug.lower())
    return cleaned.ljust(4, "_")


def slugify(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")


def frab_slug(event_acronym: str, number: int, title: str) -> str:
    """``<acronym>-<id>-<title>``: unique (the id is) and valid as C3VOC's voc-slug."""
    return f"{event_acronym.replace('-', '_')}-{number}-{slugify(title) or 'session'}"


def timeslot_minutes(sessions: Iterable[SessionData], zone: ZoneInfo) -> int:
    """The grid the sessions fall on: gcd of their local start minutes and durations, 5 to 60."""
    step = 0
    for session in sessions:
        start = _local(session.start, zone)
        step = math.gcd(step, start.hour * 60 + start.minute, _minutes(session.end - session.start))
    return min(max(step, 5), 60) if step else 15


TIME_ZONE_JSON = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
TRACK_SLUG_XML = re.compile(r"^[a-z][a-z0-9-]+$")
SLUG_JSON = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass
class _FrabEvent:
    """One session, laid out once for both frab documents."""

    session: SessionData
    track: TrackData
    room_name: str
    number: int
    guid: str
    slug: str
    start: datetime
    end: datetime
    abstract: str
    persons: list[tuple[str, str]]  # (name, guid)
    links: list[tuple[str, str]]  # (url, title)
    url: str


def _frab_layout(data: ScheduleData) -> tuple[dict[str, Any], list[tuple[int, date, datetime, datetime, dict[str, list[_FrabEvent]]]]]:
    """(conference facts, days as (index, date, start, end, {room name: events})) of the frab documents.

    Cancelled sessions are left out: conference apps know no status and drop what disappears.
    """
    event = data.event
    zone = event.zone
    names = unique_room_names(data.rooms)
    event_acronym = acronym(event.slug)
    numbers = frab_ids(data.sessions)
    live = [s for s in data.sessions if not s.cancelled]
    room_order = sorted(data.rooms, key=lambda r: (names[r.id].lower(), r.slug))
    days = []
    by_date: dict[date, dict[str, list[_FrabEvent]]] = {}
    count = (event.end_date - event.start_date).days + 1
    for index in range(count):
        day = event.start_date + timedelta(days=index)
        rooms: dict[str, list[_FrabEvent]] = {names[r.id]: [] for r in room_order}
        by_date[day] = rooms
        days.append((index + 1, day, datetime.combine(day, time.min, zone),
                     datetime.combine(day + timedelta(days=1), time.min, zone), rooms))
    for session in sorted(live, key=lambda s: (s.start, s.id)):
        track = data.track_by_id[session.track_id]
        room = data.room_by_id[session.room_id]
        start, end = _local(session.start, zone), _local(session.end, zone)
        bucket = by_date.get(start.date())
        if bucket is None:  # outside the event's days: the domain refuses those, skip rather than fail
            continue
        number = numbers[session.id]
        links = []
        if is_http_url(track.notes_url):
            links.append((track.notes_url, "Notes (etherpad)"))
        video = video_url(session, track, room)
        if is_http_url(video):
            links.append((video, "Video conference"))
        persons = []
        for moderator in session.moderators:
            name, email, nick = person(moderator)
            persons.append((name, person_guid(name, email, nick)))
        guid = session_guid(session.id)
        description = session.description.strip()
        bucket[names[room.id]].append(_FrabEvent(
            session=session, track=track, room_name=names[room.id], number=number, guid=guid,
            slug=frab_slug(event_acronym, number, session.title), start=start, end=end,
            abstract=description.split("\n\n", 1)[0], persons=persons, links=links,
            url=links[0][0] if links else f"urn:uuid:{guid}",
        ))
    conference = {
        "acronym": event_acronym,
        "title": event.name,
        "description": event.description,
        "start": event.start_date.isoformat(),
        "end": event.end_date.isoformat(),
        "days": count,
        "timeslot_duration": _hhmm(timeslot_minutes(live, zone)),
        "time_zone_name": event.timezone,
        "tracks": sorted(data.tracks, key=lambda t: t.name.lower()),
        "rooms": [(names[r.id], r) for r in room_order],
    }
    return conference, days


def frab_json(data: ScheduleData) -> dict[str, Any]:
    """The C3VOC schedule JSON (schedule-schema/schema.json), shaped as pretalx writes it."""
    conference, days = _frab_layout(data)
    zone_name = conference["time_zone_name"]
    tracks = []
    for track in conference["tracks"]:
        entry: dict[str, Any] = {"name": track.name}
        if SLUG_JSON.search(track.slug):
            entry["slug"] = track.slug
        colour = track_colour(track)
        if HEX_COLOUR.match(colour):
            entry["color"] = colour
        tracks.append(entry)
    rooms = []
    for name, room in conference["rooms"]:
        entry = {"name": name, "guid": room_guid(room.id)}
        if SLUG_JSON.search(room.slug):
            entry["slug"] = room.slug
        entry["description"] = room.description or None
        entry["capacity"] = room.capacity
        if is_http_url(room.video_url):
            entry["url"] = room.video_url
        rooms.append(entry)
    body: dict[str, Any] = {
        "acronym": conference["acronym"],
        "title": conference["title"],
    }
    if conference["description"]:
        body["description"] = conference["description"]
    body.update({
        "start": conference["start"],
        "end": conference["end"],
        "daysCount": conference["days"],
        "timeslot_duration": conference["timeslot_duration"],
    })
    if TIME_ZONE_JSON.search(zone_name):
        body["time_zone_name"] = zone_name
    body["tracks"] = tracks
    body["rooms"] = rooms
    body["days"] = [
        {
            "index": index,
            "date": day.isoformat(),
            "day_start": start.isoformat(),
            "day_end": end.isoformat(),
            "rooms": {name: [_frab_json_event(e) for e in events] for name, events in room_events.items()},
        }
        for index, day, start, end, room_events in days
    ]
    return {
        "$schema": C3VOC_SCHEMA,
        "generator": {"name": GENERATOR, "version": GENERATOR_VERSION},
        "schedule": {"version": str(data.event.version), "conference": body},
    }


def _frab_json_event(e: _FrabEvent) -> dict[str, Any]:
    session = e.session
    return {
        "guid": e.guid,
        "id": e.number,
        "date": e.start.isoformat(),
        "start": f"{e.start:%H:%M}",
        "end": e.end.isoformat(),
        "duration": _hhmm(_minutes(e.end - e.start)),
        "room": e.room_name,
        "slug": e.slug,
        "url": e.url,
        "title": session.title,
        "subtitle": "",
        "track": e.track.name,
        "type": session.kind,
        "language": "en",
        "abstract": e.abstract,
        "description": session.description,
        "recording_license": "",
        "do_not_record": True,
        "persons": [{"name": name, "guid": guid} for name, guid in e.persons],
        "links": [{"url": url, "title": title, "type": "web"} for url, title in e.links],
        "attachments": [],
    }


def frab_xml(data: ScheduleData) -> bytes:
    """The frab/C3VOC schedule XML (schedule-schema/schedule.xml.xsd)."""
    conference, days = _frab_layout(data)
    root = etree.Element("schedule")
    _element(root, "generator", name=GENERATOR, version=GENERATOR_VERSION)
    _text(root, "version", str(data.event.version))
    conf = _element(root, "conference")
    _text(conf, "acronym", conference["acronym"])
    _text(conf, "title", conference["title"])
    _text(conf, "start", conference["start"])
    _text(conf, "end", conference["end"])
    _text(conf, "days", str(conference["days"]))
    _text(conf, "timeslot_duration", conference["timeslot_duration"])
    _text(conf, "time_zone_name", conference["time_zone_name"])
    for track in conference["tracks"]:
        attributes = {"name": track.name}
        colour = track_colour(track)
        if HEX_COLOUR.match(colour):
            attributes["color"] = colour
        if TRACK_SLUG_XML.match(track.slug):
            attributes["slug"] = track.slug
        _element(conf, "track", **attributes)
    guids = {name: room_guid(room.id) for name, room in conference["rooms"]}
    for index, day, start, end, room_events in days:
        day_element = _element(root, "day", date=day.isoformat(), start=start.isoformat(),
                                       end=end.isoformat(), index=str(index))
        for name, events in room_events.items():
            room_element = _element(day_element, "room", name=name, guid=guids[name])
            for e in events:
                _frab_xml_event(room_element, e)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# Characters XML 1.0 cannot carry (C0 controls but tab, newline, carriage return; lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _element(parent, tag: str, **attributes) -> etree._Element:
    return etree.SubElement(parent, tag, **{k: xml_safe(v) for k, v in attributes.items()})


def _text(parent, tag: str, text: str, **attributes) -> etree._Element:
    element = _element(parent, tag, **attributes)
    element.text = xml_safe(text)
    return element


def _frab_xml_event(parent, e: _FrabEvent) -> None:
    session = e.session
    element = _element(parent, "event", guid=e.guid, id=str(e.number))
    _text(element, "date", e.start.isoformat())
    _text(element, "start", f"{e.start:%H:%M}")
    _text(element, "duration", _hhmm(_minutes(e.end - e.start)))
    _text(element, "room", e.room_name)
    _text(element, "slug", e.slug)
    if is_http_url(e.url):
        _text(element, "url", e.url)
    _text(element, "title", session.title)
    _text(element, "subtitle", "")
    _text(element, "track", e.track.name)
    _text(element, "type", session.kind)
    _text(element, "language", "en")
    _text(element, "abstract", e.abstract)
    _text(element, "description", session.description)
    recording = _element(element, "recording")
    _text(recording, "license", "")
    _text(recording, "optout", "true")
    persons = _element(element, "persons")
    for name, guid in e.persons:
        _text(persons, "person", name, guid=guid)
    links = _element(element, "links")
    for url, title in e.links:
        _text(links, "link", title, href=url)
