"""Where mail goes: an event's summary lists, the wait for a summary's track route, which copy of a
route or session is newer."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

TRACK_SCOPE, EVENT_SCOPE = "track", "event"  # a summary's scope: one track's, or the whole event's


def summary_lists(routes: Iterable[Any], event_list: str | None = None) -> list[str]:
    """Where an event's summary goes: the event's own list (``mailing_list`` on the event) when it
    has one; else each distinct list of its tracks, once, in the order given (retired tracks and
    tracks without a list are left out)."""
    if event_list:
        return [event_list]
    lists: list[str] = []
    for route in routes:
        address = route.mailing_list
        if route.retired_at is None and address and address.lower() not in {a.lower() for a in lists}:
            lists.append(address)
    return lists


ROUTE_CHECK_FIRST = timedelta(seconds=1)
ROUTE_CHECK_MAX = timedelta(minutes=1)


def route_check_delay(checks: int) -> timedelta:
    """The wait before looking again for the route of a summary whose track is still unknown,
    after ``checks`` looks: 1 s, doubling, at most a minute (a track event wakes it at once)."""
    return min(ROUTE_CHECK_FIRST * (2 ** max(checks - 1, 0)), ROUTE_CHECK_MAX)


def is_older(event_time: str | None, kept_time: str | None) -> bool:
    """Whether an event stamped ``event_time`` is older than the one the kept copy came from."""
    if not event_time or not kept_time:
        return False
    return _instant(event_time) < _instant(kept_time)


def _instant(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
