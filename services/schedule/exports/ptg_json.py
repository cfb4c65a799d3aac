"""ptgbot's ``ptg.json``: the document ptgbot's own web page and tools read, keys as ptgbot writes them.

:func:`ptg_json` gives the document; :func:`ptg_json_bytes` its bytes (the same as
``dump_json(ptg_json(data))``), made from parts: the grid (``slots`` and ``schedule``: the slot times,
the rooms and which track holds each room's slot) is what costs, and most changes of an event (a
track's now and next, the message of the day, the links, a track renamed) leave it as it was. Its
encoded bytes are kept per process (:class:`GridFragments`), keyed by everything the grid shows: the
event's time zone, the slots, the rooms, the tracks' ids and slugs and the sessions' occupancy (by the
fingerprint the reads give it, :attr:`ExportData.occupancy_key`); the rest is encoded each time.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import timezone
from typing import Any, Hashable, Iterable

from ..ptgbot.format import WEEKDAYS
from .data import ExportData, SessionData, SlotData, dump_json, track_colour, unique_room_names


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


def _grid(data: ExportData) -> tuple[dict[str, list[dict[str, str]]], dict[str, dict[str, str]]]:
    """ptg.json's ``slots`` (per day name) and ``schedule`` (per room name: its details and a track
    slug, or "", per slot it offers or is booked in)."""
    zone = data.event.zone
    slots: dict[str, list[dict[str, str]]] = {}
    for slot in sorted(data.slots, key=lambda s: (s.start, s.code)):
        start, end = slot.start.astimezone(zone), slot.end.astimezone(zone)
        slots.setdefault(WEEKDAYS[start.weekday()], []).append({
            "name": slot.code,
            "desc": f"{start:%H:%M}-{end:%H:%M}",
            "realtime": slot.start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        })
    grid = [entry["name"] for day in slots.values() for entry in day]
    booked: dict[str, dict[str, str]] = {}  # room id -> slot code -> track slug
    for (room_id, code), track_id in (
            data.occupancy if data.occupancy is not None else slot_occupancy(data.sessions, data.slots)).items():
        track = data.track_by_id.get(track_id)
        if track is not None:
            booked.setdefault(room_id, {})[code] = track.slug
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
        held = booked.get(room.id, {})
        offered = set(grid if room.offered_slots is None else room.offered_slots) | set(held)
        for code in grid + sorted(offered.difference(grid)):
            if code in offered:
                entry[code] = held.get(code, "")
        schedule[names[room.id]] = entry
    return slots, schedule


def _document(data: ExportData, slots: Any, schedule: Any) -> dict[str, Any]:
    event = data.event
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
        "timestamp": f"{event.updated_at.astimezone(event.zone):%Y-%m-%d %H:%M:%S}",
    }


def ptg_json(data: ExportData) -> dict[str, Any]:
    """ptgbot's database document (the ``ptg.json`` its web page and tools read), keys as ptgbot writes them.

    ``voice`` keeps ptgbot's meaning: 1 when only voiced (known) nicks may command the bot, 0 when
    everyone may (ptghub's ``open_commands``).
    """
    return _document(data, *_grid(data))


class _Encoded:
    """A part already encoded: :func:`ptg_json_bytes` writes its bytes where the part goes."""

    __slots__ = ("encoded",)

    def __init__(self, encoded: bytes):
        self.encoded = encoded


class GridFragments:
    """The last few grids' encoded ``slots`` and ``schedule``, by what they show (LRU, thread-safe)."""

    def __init__(self, kept: int = 16):
        self.kept = kept
        self._grids: OrderedDict[Hashable, tuple[bytes, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self.made = 0  # grids encoded (a test's and a profile's count)

    @staticmethod
    def key(data: ExportData) -> Hashable | None:
        """Everything the grid shows, or None when the occupancy has no fingerprint (not kept then)."""
        if data.occupancy_key is None:
            return None
        return (data.occupancy_key, data.event.timezone, tuple(data.slots),
                tuple((r.id, r.slug, r.name, r.description, r.video_url, r.cap_icon, r.cap_desc,
                       None if r.offered_slots is None else tuple(r.offered_slots)) for r in data.rooms),
                tuple((t.id, t.slug) for t in data.tracks))

    def grid(self, data: ExportData) -> tuple[bytes, bytes]:
        key = self.key(data)
        if key is not None:
            with self._lock:
                found = self._grids.get(key)
                if found is not None:
                    self._grids.move_to_end(key)
                    return found
        slots, schedule = _grid(data)
        encoded = dump_json(slots), dump_json(schedule)
        self.made += 1
        if key is not None:
            with self._lock:
                self._grids[key] = encoded
                while len(self._grids) > self.kept:
                    self._grids.popitem(last=False)
        return encoded

    def clear(self) -> None:
        with self._lock:
            self._grids.clear()


GRIDS = GridFragments()


def ptg_json_bytes(data: ExportData, grids: GridFragments = GRIDS) -> bytes:
    """``dump_json(ptg_json(data))``, byte for byte, with the grid's encoding kept across renderings."""
    slots, schedule = grids.grid(data)
    document = _document(data, _Encoded(slots), _Encoded(schedule))
    parts = []
    for name, value in document.items():
        encoded = value.encoded if isinstance(value, _Encoded) else dump_json(value)
        parts.append(dump_json(name) + b":" + encoded)
    return b"{" + b",".join(parts) + b"}"
