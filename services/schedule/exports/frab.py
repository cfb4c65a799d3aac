"""frab/C3VOC schedule XML and JSON, as conference apps read them: valid against the C3VOC
``schedule.xml.xsd`` and ``schema.json`` (shaped as pretalx writes the JSON). Cancelled sessions are
left out: conference apps know no status and drop what disappears.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from lxml import etree

from .data import ExportData, SessionData, TrackData, person, track_colour, unique_room_names, video_url
from .ids import frab_ids, person_guid, room_guid, session_guid

GENERATOR = "ptghub"
GENERATOR_VERSION = "0.1.0"
C3VOC_SCHEMA = "https://c3voc.de/schedule/schema.json"


def is_http_url(value: str | None) -> bool:
    return bool(value) and re.match(r"^https?://\S+$", value) is not None


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


ACRONYM_JSON = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")


def acronym(slug: str) -> str:
    """The event's slug when the C3VOC schemas accept it as an acronym, else the nearest that they do."""
    if ACRONYM_JSON.search(slug):
        return slug
    cleaned = re.sub(r"[^a-z0-9_]", "_", slug.lower())
    return cleaned.ljust(4, "_")


def title_slug(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")


def frab_slug(event_acronym: str, number: int, title: str) -> str:
    """``<acronym>-<id>-<title>``: unique (the id is) and valid as C3VOC's voc-slug."""
    return f"{event_acronym.replace('-', '_')}-{number}-{title_slug(title) or 'session'}"


def timeslot_minutes(sessions: Iterable[SessionData], zone: ZoneInfo) -> int:
    """The grid the sessions fall on: gcd of their local start minutes and durations, 5 to 60."""
    step = 0
    for session in sessions:
        start = session.start.astimezone(zone)
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


def _frab_layout(data: ExportData) -> tuple[dict[str, Any], list[tuple[int, date, datetime, datetime, dict[str, list[_FrabEvent]]]]]:
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
        start, end = session.start.astimezone(zone), session.end.astimezone(zone)
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


def frab_json(data: ExportData) -> dict[str, Any]:
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


def frab_xml(data: ExportData) -> bytes:
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
