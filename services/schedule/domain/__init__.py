"""Schedule rules, free of I/O: timezones, event days, the slot grid, session intervals, clashes.

Every time is an aware ``datetime``; the store keeps them in UTC and the schemas show them in the
event's timezone. A clash is between two sessions that are not cancelled and overlap (half-open
intervals: one ending at 10:45 does not clash with one starting then):

- in the same room: always refused;
- of the same track in two rooms, or sharing a moderator: refused unless either session carries
  ``allow_conflict`` (which only an organiser sets). Such accepted clashes are what
  :func:`find_conflicts` lists.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone as dt_timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from services.kit.problems import Conflict, Invalid

UTC = dt_timezone.utc

KINDS = ("work_session", "cross_project", "keynote", "break", "hackathon", "office_hours")
SCHEDULED, CANCELLED = "scheduled", "cancelled"
STATUSES = (SCHEDULED, CANCELLED)

# What makes a session's iCalendar SEQUENCE grow when it changes.
SEQUENCED_FIELDS = ("start", "end", "room", "status", "title")


# -- timezones and event days -----------------------------------------------------------------
def is_known_timezone(name: str) -> bool:
    if not name or name != name.strip() or name not in _zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
        _ZONES.add("UTC")
    return _ZONES


def check_event_dates(start_date: date, end_date: date) -> None:
    if end_date < start_date:
        raise Invalid("end_date", f"must not be before start_date ({start_date.isoformat()})")


def event_bounds(start_date: date, end_date: date, timezone: str) -> tuple[datetime, datetime]:
    """The first and last instant of an event's days, in its own timezone."""
    zone = ZoneInfo(timezone)
    return (datetime.combine(start_date, time.min, zone),
            datetime.combine(end_date + timedelta(days=1), time.min, zone))


def local_day(instant: datetime, timezone: str) -> date:
    """The day ``instant`` falls on in ``timezone``."""
    return instant.astimezone(ZoneInfo(timezone)).date()


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The first instant of ``day`` and of the day after, in ``timezone``."""
    zone = ZoneInfo(timezone)
    return datetime.combine(day, time.min, zone), datetime.combine(day + timedelta(days=1), time.min, zone)


def rezone(instant: datetime, old_timezone: str, new_timezone: str) -> datetime:
    """The instant showing the same wall-clock time in ``new_timezone`` as ``instant`` does in the old one."""
    wall = instant.astimezone(ZoneInfo(old_timezone)).replace(tzinfo=None)
    return wall.replace(tzinfo=ZoneInfo(new_timezone)).astimezone(UTC)


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, other: "Interval") -> bool:
        """Half-open intervals: a session ending at 10:45 does not clash with one starting then."""
        return self.start < other.end and other.start < self.end


def check_session_times(start: datetime, end: datetime, event_start: date, event_end: date, timezone: str) -> Interval:
    if start.tzinfo is None:
        raise Invalid("start", "must carry a UTC offset (RFC 3339)")
    if end.tzinfo is None:
        raise Invalid("end", "must carry a UTC offset (RFC 3339)")
    if end <= start:
        raise Invalid("end", f"must be after start ({start.isoformat()})")
    first, last = event_bounds(event_start, event_end, timezone)
    if start < first or end > last:
        raise Invalid("start" if start < first or start >= last else "end",
                      f"the session must lie within the event's days, {event_start} to {event_end} ({timezone})")
    return Interval(start.astimezone(UTC), end.astimezone(UTC))


def outside_event(start: datetime, end: datetime, event_start: date, event_end: date, timezone: str) -> bool:
    first, last = event_bounds(event_start, event_end, timezone)
    return start < first or end > last


# -- the slot grid ----------------------------------------------------------------------------
CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_clock(value: str, field_name: str) -> time:
    match = CLOCK.match(value or "")
    if not match:
        raise Invalid(field_name, "must be a local time HH:MM, 00:00 to 23:59")
    return time(int(match[1]), int(match[2]))


def local_instant(day: date, clock: time, timezone: str, field_name: str) -> datetime:
    """``day`` at ``clock`` in ``timezone``, as UTC; refused when the clock skips that time (DST)."""
    zone = ZoneInfo(timezone)
    wall = datetime.combine(day, clock)
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall:
        raise Invalid(field_name, f"{clock:%H:%M} does not exist on {day} in {timezone} (a daylight-saving gap)")
    return instant


@dataclass(frozen=True)
class SlotView:
    """A slot of the grid: its code and UTC interval."""

    code: str
    start: datetime
    end: datetime


def check_slot(code: str, day: date, start: str, end: str, event_start: date, event_end: date, timezone: str,
               prefix: str = "") -> SlotView:
    """One slot of the grid, from its day and local times; ``prefix`` names where it came from."""
    if not event_start <= day <= event_end:
        raise Invalid(f"{prefix}day", f"must be one of the event's days, {event_start} to {event_end}")
    first, last = parse_clock(start, f"{prefix}start"), parse_clock(end, f"{prefix}end")
    if last <= first:
        raise Invalid(f"{prefix}end", f"must be after start ({start})")
    return SlotView(code, local_instant(day, first, timezone, f"{prefix}start"),
                    local_instant(day, last, timezone, f"{prefix}end"))


def check_grid(slots: list[dict], event_start: date, event_end: date, timezone: str) -> list[SlotView]:
    """A whole grid (``[{code, day, start, end}]``): every slot valid, codes unique."""
    seen: set[str] = set()
    grid = []
    for index, slot in enumerate(slots):
        if slot["code"] in seen:
            raise Invalid(f"slots.{index}.code", f"slot {slot['code']} is given twice")
        seen.add(slot["code"])
        grid.append(check_slot(slot["code"], slot["day"], slot["start"], slot["end"], event_start, event_end,
                               timezone, prefix=f"slots.{index}."))
    return grid


def grid_order(grid: Iterable[SlotView]) -> list[SlotView]:
    return sorted(grid, key=lambda s: (s.start, s.end, s.code))


def slots_span(codes: list[str], grid: list[SlotView], timezone: str) -> tuple[Interval, list[str]]:
    """The interval covered by consecutive slot ``codes`` of one day, and the codes in grid order."""
    if not codes:
        raise Invalid("slots", "give at least one slot code")
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise Invalid("slots", f"slot {code} is given twice")
        seen.add(code)
    by_code = {slot.code: slot for slot in grid}
    unknown = [code for code in codes if code not in by_code]
    if unknown:
        known = ", ".join(s.code for s in grid_order(grid)[:12]) or "no slots yet"
        raise Invalid("slots", f"unknown slot code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                               f"(the grid has {known}{' ...' if len(grid) > 12 else ''})")
    chosen = grid_order(by_code[code] for code in codes)
    days = {local_day(slot.start, timezone) for slot in chosen}
    if len(days) > 1:
        raise Invalid("slots", "the slots must all be on one day")
    day = days.pop()
    day_grid = grid_order(s for s in grid if local_day(s.start, timezone) == day)
    positions = [day_grid.index(slot) for slot in chosen]
    for before, after in zip(positions, positions[1:]):
        if after != before + 1:
            raise Invalid("slots", f"must be consecutive slots of the grid: {day_grid[before + 1].code} lies between "
                                   f"{day_grid[before].code} and {day_grid[after].code}")
    return Interval(chosen[0].start, max(s.end for s in chosen)), [s.code for s in chosen]


# -- sessions and their clashes ---------------------------------------------------------------
def normalise_moderators(names: Iterable[str]) -> list[str]:
    """Names with their spaces tidied, each person once (compared case-insensitively)."""
    seen: set[str] = set()
    result = []
    for name in names:
        tidy = " ".join(name.split())
        if not tidy:
            raise Invalid("moderators", "a moderator's name must not be blank")
        if moderator_key(tidy) not in seen:
            seen.add(moderator_key(tidy))
            result.append(tidy)
    return result


def moderator_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class SessionView:
    """What the clash rules need of a session (slugs for track and room)."""

    id: str | None
    title: str
    track: str
    room: str
    start: datetime
    end: datetime
    moderators: tuple[str, ...] = ()
    allow_conflict: bool = False
    status: str = SCHEDULED

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)


@dataclass(frozen=True)
class Clash:
    """Why two sessions clash: ``reason`` is room, track or moderator; ``what`` names it."""

    reason: str
    what: str


def clashes(a: SessionView, b: SessionView) -> list[Clash]:
    """Every reason two sessions clash (none when either is cancelled or they do not overlap)."""
    if CANCELLED in (a.status, b.status) or a.id is not None and a.id == b.id or not a.interval.overlaps(b.interval):
        return []
    found = []
    if a.room == b.room:
        found.append(Clash("room", a.room))
    elif a.track == b.track:
        found.append(Clash("track", a.track))
    others = {moderator_key(m) for m in b.moderators}
    found += [Clash("moderator", m) for m in a.moderators if moderator_key(m) in others]
    return found


def _describe(other: SessionView) -> str:
    return (f"session {other.id} ({other.title!r}, {other.track} in {other.room}, "
            f"{other.start.isoformat()} to {other.end.isoformat()})")


def check_room_free(interval: Interval, room_slug: str, clashes: list) -> None:
    """``clashes`` are the room's sessions overlapping ``interval`` (found by the store)."""
    if clashes:
        other = clashes[0]
        raise Conflict(
            f"room {room_slug} already holds session {other.id} ({other.title!r}) "
            f"from {other.start.isoformat()} to {other.end.isoformat()}",
            errors={"room": [f"taken by session {other.id}"]},
            conflicting_session=other.id,
        )


def check_clashes(candidate: SessionView, others: Iterable[SessionView]) -> None:
    """Refuse ``candidate`` if it clashes with any of ``others`` in a way not allowed.

    A room clash is always refused; a track or moderator clash unless either session has
    ``allow_conflict``. The problem names the field and the other session (``conflicting_session``).
    """
    if candidate.status == CANCELLED:
        return
    found = [(other, clash) for other in sorted(others, key=lambda o: (o.start, o.id or ""))
             for clash in clashes(candidate, other)]
    for other, clash in found:
        if clash.reason == "room":
            raise Conflict(f"room {clash.what} already holds {_describe(other)}",
                           errors={"room": [f"taken by session {other.id}"]}, conflicting_session=other.id,
                           reason="room")
    for other, clash in found:
        if candidate.allow_conflict or other.allow_conflict:
            continue
        if clash.reason == "track":
            raise Conflict(f"track {clash.what} would be in two rooms at once: it already has {_describe(other)}; "
                           f"an organiser may set allow_conflict to accept this",
                           errors={"track": [f"already in session {other.id} then"]}, conflicting_session=other.id,
                           reason="track")
        raise Conflict(f"moderator {clash.what} would be in two places at once: they already moderate "
                       f"{_describe(other)}; an organiser may set allow_conflict to accept this",
                       errors={"moderators": [f"{clash.what} is in session {other.id} then"]},
                       conflicting_session=other.id, reason="moderator", moderator=clash.what)


@dataclass(frozen=True)
class ConflictPair:
    """Two clashing sessions (``first`` starts no later than ``second``) and why."""

    first: Any
    second: Any
    reason: str
    what: str
    accepted: bool


def find_conflicts(sessions: Iterable[tuple[SessionView, Any]]) -> list[ConflictPair]:
    """Every pair of clashing sessions, once per reason; ``sessions`` pairs each view with what to report."""
    ordered = sorted(((v, item) for v, item in sessions if v.status != CANCELLED),
                     key=lambda pair: (pair[0].start, pair[0].end, pair[0].id or ""))
    found: list[ConflictPair] = []
    active: list[tuple[SessionView, Any]] = []
    for view, item in ordered:
        active = [(v, i) for v, i in active if v.end > view.start]
        for other, other_item in active:
            for clash in clashes(other, view):
                found.append(ConflictPair(other_item, item, clash.reason, clash.what,
                                          clash.reason != "room" and (other.allow_conflict or view.allow_conflict)))
        active.append((view, item))
    return found


def sequence_changes(before: dict, after: dict) -> bool:
    """Whether a change moves the iCalendar SEQUENCE (time, room, status or title changed)."""
    return any(before.get(name) != after.get(name) for name in SEQUENCED_FIELDS)


def change_verb(old_status: str, new_status: str) -> str:
    """The event a session change publishes: ``cancelled`` when it becomes cancelled, else ``updated``."""
    return "cancelled" if new_status == CANCELLED and old_status != CANCELLED else "updated"


def changed_fields(current: dict[str, Any], proposed: dict[str, Any]) -> dict[str, Any]:
    """Only the proposed values that differ from the current ones."""
    return {name: value for name, value in proposed.items() if current.get(name) != value}
