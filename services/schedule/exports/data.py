"""The data an export renders: plain values of one event, loaded once (``store.exports``), and what
every format derives from them the same way (the room names shown, where to join a session, who
moderates it, a track's colour). Frozen dataclasses, no I/O: the same data renders to the same bytes.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Hashable, Iterable
from zoneinfo import ZoneInfo

from ..domain.live import PALETTE


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
class ExportData:
    """Everything of one event an export shows; lists come in display order."""

    event: EventData
    rooms: list[RoomData] = field(default_factory=list)
    tracks: list[TrackData] = field(default_factory=list)
    sessions: list[SessionData] = field(default_factory=list)
    slots: list[SlotData] = field(default_factory=list)
    motd: list[MotdData] = field(default_factory=list)
    links: list[LinkData] = field(default_factory=list)
    # ptg.json's grid, (room id, slot code) -> track id, when the reads worked it out (else from sessions)
    occupancy: dict[tuple[str, str], str] | None = None
    # what the occupancy was worked out from (the sessions' fingerprint), when the reads know it: the
    # ptg.json renderer keeps the grid's encoding by it (None: not kept)
    occupancy_key: Hashable | None = None

    def __post_init__(self):
        self.room_by_id = {room.id: room for room in self.rooms}
        self.track_by_id = {track.id: track for track in self.tracks}


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


def track_colour(track: TrackData) -> str:
    if track.colour:
        return track.colour
    digest = hashlib.sha256(track.slug.encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def dump_json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
