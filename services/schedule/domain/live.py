"""Live rules, free of I/O: a track's status (now, next, location), the new day, the values a chair
sets (sentences, URLs, colours, track names), what a room offers for booking, the message of the day.

Whoever changes a status (a REST route, a chat line, the worker's new-day timer) goes through the
same transitions here. ptgbot's own language and replies are in :mod:`..ptgbot`.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from services.kit.problems import Conflict, Invalid

from . import day_bounds, local_day

# -- limits and vocabulary ---------------------------------------------------------------------

LEVELS = ("info", "success", "warning", "danger")  # a message of the day's level
MAX_TEXT = 1000        # a now/next sentence
MAX_LOCATION = 300     # tracks.location
MAX_URL = 2000         # tracks.meeting_url / notes_url
MAX_NEXT = 20          # next entries kept per track
MAX_MOTD = 2000        # a message of the day

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
COLOUR_RE = re.compile(r"^#?[0-9A-Za-z]{1,31}$")  # as the track API takes it: a colour name or #rrggbb

# ptgbot's palette for tracks without a colour (ptgbot picks at random; ptghub picks by the slug, so
# that an import run twice gives the same colour)
PALETTE = ("#596468", "#9ea8ad", "#b57506", "#f8ac29", "#5b731a", "#9dc62d",
           "#993399", "#27a3dd", "#2a6d3c", "#3fa45b", "#930a0a", "#dc0d0e")


def is_slug(value: str) -> bool:
    """A track or room slug: lowercase letters, digits, ``-`` and ``_``, at most 64."""
    return SLUG_RE.match(value) is not None


def is_web_url(url: str) -> bool:
    """An http(s) URL a track may link to (its meeting room, its notes)."""
    return len(url) <= MAX_URL and URL_RE.match(url) is not None


def is_colour(value: str) -> bool:
    """A CSS colour as a track keeps it: a name (``red``) or a hex code (``#42f4c5``)."""
    return COLOUR_RE.match(value) is not None


def default_colour(slug: str) -> str:
    """The colour a track created without one gets: from ptgbot's palette, the same for the same slug."""
    return PALETTE[zlib.crc32(slug.encode()) % len(PALETTE)]


# -- a track's status ----------------------------------------------------------------------------

@dataclass(frozen=True)
class TrackStatus:
    """A track's live status, as ptgbot keeps it: one ``now``, an ordered ``next`` list, a location."""

    now: str | None = None
    next: tuple[str, ...] = ()
    location: str | None = None

    @property
    def empty(self) -> bool:
        return self.now is None and not self.next


def set_now(status: TrackStatus, text: str) -> TrackStatus:
    """``now`` replaces the current topic and wipes ``next`` (so the board never shows stale plans)."""
    return TrackStatus(text, (), status.location)


def add_next(status: TrackStatus, text: str) -> TrackStatus:
    """``next`` appends an upcoming topic; refused (409 naming ``next``) once :data:`MAX_NEXT` are queued."""
    if len(status.next) >= MAX_NEXT:
        reason = f"Too many 'next' entries (at most {MAX_NEXT}): set 'now' or 'clean' first"
        raise Conflict(reason, errors={"next": [reason]})
    return TrackStatus(status.now, (*status.next, text), status.location)


def clean(status: TrackStatus) -> TrackStatus:
    """``clean`` (and the new day) empties now and next; the location stays."""
    return TrackStatus(None, (), status.location)


def set_location(status: TrackStatus, text: str | None) -> TrackStatus:
    return TrackStatus(status.now, status.next, text or None)


# -- the new day ---------------------------------------------------------------------------------

def local_midnight(at: datetime, zone: str) -> datetime:
    """The start (UTC) of the local day, in ``zone``, that holds the instant ``at``."""
    return day_bounds(local_day(at, zone), zone)[0].astimezone(timezone.utc)


def status_is_stale(updated_at: datetime | None, at: datetime, zone: str) -> bool:
    """A status set before the event's last local midnight belongs to another day: the new day clears it."""
    return updated_at is not None and updated_at < local_midnight(at, zone)


# -- rooms for booking ---------------------------------------------------------------------------

def room_has_video(video_url: str | None, cap_icon: str | None, cap_desc: str | None) -> bool:
    """A room has video when it has a video room URL or ptgbot's capability says so (``facetime-video``)."""
    return bool(video_url) or "video" in (cap_icon or "").lower() or "video" in (cap_desc or "").lower()


def room_offers(offered_slots: list | None, slot_code: str) -> bool:
    """``offered_slots`` null means the room offers every slot of the grid."""
    return offered_slots is None or slot_code in offered_slots


# -- the message of the day ----------------------------------------------------------------------

def motd_reorder_by_id(items: list, ids: list[str], key=lambda item: item.id) -> list:
    """The messages ``ids`` names, in that order; the ones left out are dropped (as ptgbot's reorder)."""
    by_id: dict[Any, Any] = {key(item): item for item in items}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise Invalid("ids", f"no message {unknown[0]!r} in this event's message of the day")
    if len(set(ids)) != len(ids):
        raise Invalid("ids", "an id is listed twice")
    return [by_id[i] for i in ids]
