"""Schedule rules, free of I/O: timezones, event days, session intervals, room and track clashes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from services.kit.problems import Conflict, Invalid


def is_known_timezone(name: str) -> bool:
    if not name or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in _zones()


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
    return Interval(start, end)


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
