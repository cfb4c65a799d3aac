"""ptgbot's ``ptg.json``: the document ptgbot's own web page and tools read, keys as ptgbot writes them."""
from __future__ import annotations

from datetime import timezone
from typing import Any, Iterable

from ..ptgbot.format import WEEKDAYS
from .data import ExportData, SessionData, SlotData, track_colour, unique_room_names


def slot_occupancy(sessions: Iterable[SessionData], slots: Iterable[SlotData]) -> dict[tuple[str, str], str]:
    """(room id, slot code) -> the id of the track holding it, from every session that is not cancelled.

    A session names its slots (``slot_codes``, as ptgbot books them) or else occupies every slot
    its times overlap. The earliest session wins a slot two short sessions share.
    """
    slots = list(slots)
    occupied: dict[tuple[str, str], str] = {}
    for session in sorted(sessions, key=lambda s: (s.start, s.id)):
        if session.cancelled:
            continue
        codes = session.slot_codes or [slot.code for slot in slots
                                       if slot.start < session.end and session.start < slot.end]
        for code in codes:
            occupied.setdefault((session.room_id, code), session.track_id)
    return occupied


def ptg_json(data: ExportData) -> dict[str, Any]:
    """ptgbot's database document (the ``ptg.json`` its web page and tools read), keys as ptgbot writes them.

    ``voice`` keeps ptgbot's meaning: 1 when only voiced (known) nicks may command the bot, 0 when
    everyone may (ptghub's ``open_commands``).
    """
    event = data.event
    zone = event.zone
    slots: dict[str, list[dict[str, str]]] = {}
    for slot in sorted(data.slots, key=lambda s: (s.start, s.code)):
        start, end = slot.start.astimezone(zone), slot.end.astimezone(zone)
        slots.setdefault(WEEKDAYS[start.weekday()], []).append({
            "name": slot.code,
            "desc": f"{start:%H:%M}-{end:%H:%M}",
            "realtime": slot.start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        })
    grid = [entry["name"] for day in slots.values() for entry in day]
    occupied = {cell: data.track_by_id[track_id].slug for cell, track_id in (
        data.occupancy if data.occupancy is not None else slot_occupancy(data.sessions, data.slots)).items()
        if track_id in data.track_by_id}
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
        "timestamp": f"{event.updated_at.astimezone(zone):%Y-%m-%d %H:%M:%S}",
    }
