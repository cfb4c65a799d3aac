"""Rules of an event and what it holds (rooms, tracks, slots, sessions): what a change changes,
new days or a new timezone for an event, who changes which track field, and what deleting takes."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

from services.kit.problems import Conflict, Forbidden, Invalid

from .calendar import Interval, check_event_dates, event_bounds, outside_event, rezone

# Track fields a chair may change on its own tracks; the others are the organisers'.
TRACK_FIELDS_FOR_CHAIRS = ("description", "colour", "meeting_url", "notes_url")


def changed_fields(current: dict[str, Any], proposed: dict[str, Any]) -> dict[str, Any]:
    """Only the proposed values that differ from the current ones."""
    return {name: value for name, value in proposed.items() if current.get(name) != value}


# -- an event's days and timezone ----------------------------------------------------------------
@dataclass(frozen=True)
class Held:
    """A session or a slot of an event, at its time: what new days or a new timezone must still hold."""

    id: str
    what: str  # how a problem names it
    start: datetime
    end: datetime
    session: bool = False

    @classmethod
    def session_of(cls, id: str, title: str, start: datetime, end: datetime) -> "Held":
        return cls(id, f"session {id} ({title!r})", start, end, session=True)

    @classmethod
    def slot_of(cls, id: str, code: str, start: datetime, end: datetime) -> "Held":
        return cls(id, f"slot {code}", start, end)


def plan_event_days(held: Iterable[Held], old_timezone: str, start_date: date, end_date: date,
                    timezone: str) -> dict[str, Interval]:
    """The new times of what an event holds when its days or timezone change, by id (only those
    that move). A new timezone keeps the wall-clock times: 09:00 stays 09:00 in the new zone.

    Refused when the dates are out of order (422), or with a 409 naming the first session or slot
    that would lie outside the new days (``conflicting_session`` for a session).
    """
    check_event_dates(start_date, end_date)
    moves: dict[str, Interval] = {}
    for item in held:
        start, end = item.start, item.end
        if timezone != old_timezone:
            start, end = rezone(start, old_timezone, timezone), rezone(end, old_timezone, timezone)
        if outside_event(start, end, start_date, end_date, timezone):
            first, _last = event_bounds(start_date, end_date, timezone)
            name = "start_date" if start < first else "end_date"
            raise Conflict(f"{item.what} would lie outside the event's days, {start_date} to {end_date} ({timezone}); "
                           "move or delete it first", errors={name: [f"{item.what} lies outside"]},
                           **({"conflicting_session": item.id} if item.session else {}))
        if (start, end) != (item.start, item.end):
            moves[item.id] = Interval(start, end)
    return moves


# -- tracks ------------------------------------------------------------------------------------
def check_chairs(chairs: list[dict]) -> None:
    """A track lists each chair once (nicks compared case-insensitively)."""
    nicks = [chair["nick"] for chair in chairs]
    duplicate = next((n for i, n in enumerate(nicks) if n.casefold() in {m.casefold() for m in nicks[:i]}), None)
    if duplicate:
        raise Invalid("chairs", f"{duplicate} is listed twice")


def check_track_fields(changed: Iterable[str], organiser: bool) -> None:
    """A chair changes only :data:`TRACK_FIELDS_FOR_CHAIRS` of its tracks; an organiser every field."""
    if organiser:
        return
    forbidden = [name for name in changed if name not in TRACK_FIELDS_FOR_CHAIRS]
    if forbidden:
        raise Forbidden(f"only an organiser may change {', '.join(forbidden)}",
                        errors={name: ["organisers only"] for name in forbidden})


# -- deleting ----------------------------------------------------------------------------------
def check_cascade(what: str, session_ids: list[str], cascade: bool) -> None:
    """A room or track (``what``) that holds sessions is deleted only with ``cascade`` (taking them along)."""
    if session_ids and not cascade:
        count = len(session_ids)
        raise Conflict(f"{what} holds {count} session{'s' if count > 1 else ''} (first {session_ids[0]}); "
                       f"delete or move them, or pass cascade=true", errors={"cascade": ["needed: not empty"]},
                       sessions=session_ids[:20])


def check_event_empty(slug: str, counts: dict[str, int], cascade: bool) -> None:
    """An event that holds anything (``counts`` by kind) is deleted only with ``cascade``."""
    held = {name: count for name, count in counts.items() if count}
    if held and not cascade:
        raise Conflict(f"event {slug} holds {', '.join(f'{n} {name}' for name, n in held.items())}; "
                       "pass cascade=true to delete it with everything it holds",
                       errors={"cascade": ["needed: not empty"]})


_SENDER_ADDRESS = (r"[^@\x00-\x20\x7f<>,;\"()\[\]\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+"
                   r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
# ``user@host`` or ``Name <user@host>``, one line, one address: the schema states it as this pattern
SENDER_PATTERN = rf"^(?:{_SENDER_ADDRESS}|[^<>\x00-\x1f\x7f,;\"]*<{_SENDER_ADDRESS}>)$"


def is_sender(value: str) -> bool:
    """Whether ``value`` is fit for an event's ``mail_from``: ``user@host`` or ``Name <user@host>``,
    on one line (no CR/LF: it becomes a header), one address only."""
    return re.fullmatch(SENDER_PATTERN, value) is not None

