"""Action item rules, free of I/O: the status life cycle, snoozing, completion and the track scope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.kit.problems import Conflict, Invalid

OPEN, DONE, DROPPED, SNOOZED = "open", "done", "dropped", "snoozed"
STATUSES = (OPEN, DONE, DROPPED, SNOOZED)

# Where each status may go. Done and dropped are settled: they may only be reopened.
TRANSITIONS = {
    OPEN: {OPEN, DONE, DROPPED, SNOOZED},
    SNOOZED: {OPEN, DONE, DROPPED, SNOOZED},
    DONE: {DONE, OPEN},
    DROPPED: {DROPPED, OPEN},
}

# The event verbs published, besides ``updated``, when an action comes to a status.
ARRIVAL_VERBS = {DONE: "completed", DROPPED: "dropped"}


def normalise_email(address: str) -> str:
    """Owners' addresses are matched case-insensitively: stored in lower case."""
    return address.strip().lower()


def normalise_owner(owner: str) -> str:
    """An owner filter (a nick or an e-mail address), as it is matched: in lower case."""
    return owner.strip().lower()


@dataclass(frozen=True)
class Status:
    """The status fields of an action item."""

    status: str = OPEN
    snoozed_until: date | None = None
    completed_at: datetime | None = None


def check_transition(before: str, after: str) -> None:
    if after not in TRANSITIONS[before]:
        raise Conflict(f"an action that is {before} cannot become {after}; reopen it (status open) first",
                       errors={"status": [f"cannot go from {before} to {after}"]})


def next_status(current: Status | None, changes: dict, now: datetime) -> Status:
    """The status fields after ``changes`` (the requested fields; ``current`` is None on create).

    Snoozing needs a date to snooze until, and only a snoozed action has one: leaving the
    snoozed status clears it. ``completed_at`` is set when the action becomes done and cleared
    when it is reopened.
    """
    before = current or Status()
    status = changes.get("status", before.status)
    if current is not None:
        check_transition(before.status, status)
    if "snoozed_until" in changes:
        snoozed_until = changes["snoozed_until"]
    else:
        snoozed_until = before.snoozed_until if status == before.status else None
    if status == SNOOZED and snoozed_until is None:
        raise Invalid("snoozed_until", "required when the status is snoozed")
    if status != SNOOZED and snoozed_until is not None:
        raise Invalid("snoozed_until", f"only a snoozed action has one (this one is {status})")
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


def changed_fields(current: dict, changes: dict) -> dict:
    """The fields of ``changes`` whose value differs from ``current``."""
    return {name: value for name, value in changes.items() if current.get(name) != value}
