"""The slot grid: named time slots of the event's days (ptgbot's ``MonA1`` = Monday 09:00-10:45),
sessions placed in consecutive slots, a new grid against the current one, and the slots a room offers."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Iterable
from zoneinfo import ZoneInfo

from services.kit.problems import Conflict, Invalid

from .calendar import UTC, Interval, local_day
from .sessions import SessionView

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


@dataclass(frozen=True)
class GridChange:
    """What replacing a grid does, by slot code: slots that go, slots whose times change, new slots."""

    removed: frozenset[str]
    moved: frozenset[str]
    added: frozenset[str]

    @property
    def empty(self) -> bool:
        return not (self.removed or self.moved or self.added)


def plan_grid(current: Iterable[SlotView], wanted: Iterable[SlotView]) -> GridChange:
    """The change from the ``current`` grid to the ``wanted`` one (a slot keeps its code)."""
    now = {slot.code: (slot.start, slot.end) for slot in current}
    then = {slot.code: (slot.start, slot.end) for slot in wanted}
    return GridChange(removed=frozenset(now.keys() - then.keys()),
                      moved=frozenset(code for code in now.keys() & then.keys() if now[code] != then[code]),
                      added=frozenset(then.keys() - now.keys()))


def check_slots_unused(codes: set[str], sessions: Iterable[SessionView]) -> None:
    """Refuse to remove or re-time slots that ``sessions`` (the scheduled ones) were placed in;
    the problem names the first such session."""
    if not codes:
        return
    for session in sessions:
        used = codes.intersection(session.slots)
        if used:
            code = sorted(used)[0]
            raise Conflict(f"slot {code} holds session {session.id} ({session.title!r}); move or delete it first",
                           errors={"slots": [f"{code} is in use by session {session.id}"]},
                           conflicting_session=session.id)


def check_offered_slots(codes: list[str] | None, grid: Iterable[str]) -> list[str] | None:
    """The slots a room offers, each once, all in the ``grid`` (its codes); None means every slot."""
    if codes is None:
        return None
    known = set(grid)
    unknown = [code for code in dict.fromkeys(codes) if code not in known]
    if unknown:
        raise Invalid("offered_slots", f"unknown slot code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    return list(dict.fromkeys(codes))


def without_slots(offered: list[str] | None, removed: set[str]) -> list[str] | None:
    """A room's offered slots once ``removed`` left the grid; None when they stay as they are."""
    if not offered or not removed.intersection(offered):
        return None
    return [code for code in offered if code not in removed]
