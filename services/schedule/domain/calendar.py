"""Time rules of an event: IANA timezones, the event's days and the intervals of sessions.

Every time is an aware ``datetime``; the store keeps them in UTC and the schemas show them in the
event's timezone. Intervals are half-open: a session ending at 10:45 does not overlap one starting then.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from services.kit.problems import Invalid

UTC = dt_timezone.utc

_ZONES: set[str] = set()


def is_known_timezone(name: str) -> bool:
    if not name or name != name.strip() or name not in _zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def known_timezones() -> frozenset[str]:
    """The IANA names an event may be in: those zoneinfo can load."""
    return frozenset(name for name in _zones() if is_known_timezone(name))


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
