"""Rules of sessions: kinds and statuses, moderators, clashes, the conflicts an event accepts, and
what a change of a session publishes and does to its iCalendar SEQUENCE.

A clash is between two sessions that are not cancelled and overlap (half-open intervals: one
ending at 10:45 does not clash with one starting then):

- in the same room: always refused;
- of the same track in two rooms, or sharing a moderator: refused unless either session carries
  ``allow_conflict`` (which only an organiser sets). Such accepted clashes are what
  :func:`find_conflicts` lists.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from services.kit.problems import Conflict, Forbidden, Invalid

from .calendar import Interval

KINDS = ("work_session", "cross_project", "keynote", "break", "hackathon", "office_hours")
SCHEDULED, CANCELLED = "scheduled", "cancelled"
STATUSES = (SCHEDULED, CANCELLED)

# What makes a session's iCalendar SEQUENCE grow when it changes.
SEQUENCED_FIELDS = ("start", "end", "room", "status", "title")


def check_new_status(status: str) -> None:
    """A session is created scheduled; it is cancelled afterwards."""
    if status != SCHEDULED:
        raise Invalid("status", "a new session is scheduled; cancel it afterwards")


def check_allow_conflict_right(wanted: bool, current: bool, organiser: bool) -> None:
    """Only an organiser sets or clears a session's ``allow_conflict``."""
    if bool(wanted) != bool(current) and not organiser:
        raise Forbidden("only an organiser may set allow_conflict", errors={"allow_conflict": ["organisers only"]})


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
    """What the rules need of a session (slugs for track and room; ``slots``: the grid's codes it is in)."""

    id: str | None
    title: str
    track: str
    room: str
    start: datetime
    end: datetime
    moderators: tuple[str, ...] = ()
    allow_conflict: bool = False
    status: str = SCHEDULED
    slots: tuple[str, ...] = ()

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
