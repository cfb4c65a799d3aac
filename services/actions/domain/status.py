"""An action item's life cycle: ``open -> in_progress -> done | dropped``, and back to open by a reopen.

Done and dropped are settled: from there an action only reopens (status ``open``); ``done ->
in_progress`` without a reopen makes no sense and is refused (409). Snoozing is not a status: an
open or in-progress action may be snoozed until a date (no reminders before it); settling an
action clears its snooze. ``completed_at`` is set when the action becomes done, cleared on reopen.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.kit.problems import Conflict, Invalid

OPEN, IN_PROGRESS, DONE, DROPPED = "open", "in_progress", "done", "dropped"
STATUSES = (OPEN, IN_PROGRESS, DONE, DROPPED)
# Statuses an owner is still expected to act on (reminded about, listed as open work).
ACTIVE = (OPEN, IN_PROGRESS)
SETTLED = (DONE, DROPPED)

# Where each status may go.
TRANSITIONS = {
    OPEN: {OPEN, IN_PROGRESS, DONE, DROPPED},
    IN_PROGRESS: {IN_PROGRESS, OPEN, DONE, DROPPED},
    DONE: {DONE, OPEN},
    DROPPED: {DROPPED, OPEN},
}

# The event verbs published, besides ``updated``, when an action comes to a status.
ARRIVAL_VERBS = {DONE: "completed", DROPPED: "dropped"}


@dataclass(frozen=True)
class Status:
    """The status fields of an action item."""

    status: str = OPEN
    snoozed_until: date | None = None
    completed_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


def check_transition(before: str, after: str) -> None:
    if after not in TRANSITIONS[before]:
        raise Conflict(f"an action that is {before} cannot become {after}; reopen it (status open) first",
                       errors={"status": [f"cannot go from {before} to {after}"]})


def next_status(current: Status | None, changes: dict, now: datetime) -> Status:
    """The status fields after ``changes`` (the requested fields; ``current`` is None on create).

    A snooze (``snoozed_until``) is kept while the action stays active and cleared when it settles;
    snoozing a settled action is refused (422). Setting ``snoozed_until`` to null wakes it.
    """
    before = current or Status()
    status = changes.get("status", before.status)
    if current is not None:
        check_transition(before.status, status)
    snoozed_until = changes["snoozed_until"] if "snoozed_until" in changes else before.snoozed_until
    if status in SETTLED:
        if "snoozed_until" in changes and changes["snoozed_until"] is not None:
            raise Invalid("snoozed_until", f"only an open or in-progress action is snoozed (this one is {status})")
        snoozed_until = None
    if status != DONE:
        completed_at = None
    elif current is not None and before.status == DONE:
        completed_at = before.completed_at
    else:
        completed_at = now
    return Status(status, snoozed_until, completed_at)


def arrival_verbs(before: Status | None, after: Status) -> list[str]:
    """``completed`` when an action becomes done, ``dropped`` when it becomes dropped."""
    if before is not None and before.status == after.status:
        return []
    verb = ARRIVAL_VERBS.get(after.status)
    return [verb] if verb else []


def check_scope(event: str | None, track: str | None) -> None:
    """A track is named within its event: ``track`` needs ``event``."""
    if track is not None and event is None:
        raise Invalid("event", "required when a track is given (tracks are named within an event)")
