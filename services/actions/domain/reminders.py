"""Planning reminders, free of I/O: which reminder an owner is due next about an action, and when.

Each action has a finite list of *candidate* reminders, each with a reason key and the moment it is
meant for (its *nominal* time):

- ``assigned``: when the action was recorded (``on_assign``);
- ``before_due:<n>@<due>``: the window start, ``n`` days before the due date (``before_due_days``);
- ``on_due@<due>``: the window start on the due day (``on_due``);
- ``overdue:<k>@<due>``: the window start ``k * overdue_every_days`` after the due day, ``k`` up to ``overdue_max``;
- ``no_due:<k>``: with no due date, the window start ``k * no_due_every_days`` after the day it was recorded,
  ``k`` up to ``no_due_max``.

Keys of reminders about a due date carry that date, so a new due date earns its own reminders; a
day-based candidate falling before the day the action was recorded is not one. Days are civil days
in the owner's timezone, times are moved into the owner's civil window (``window.start`` to
``window.end``) with :mod:`zoneinfo`, so a DST change moves nothing in the owner's day.

:func:`next_reminder` says what comes next, given the reasons already sent for that owner: the
earliest unsent candidate's time, not before ``now`` nor before the snooze ends (the window start
of ``snoozed_until``), moved into the window; at that moment every unsent candidate whose time
has passed is due, and they *collapse*: the latest is sent, the earlier ones are skipped (recorded
with it, never sent later). After downtime an owner gets one reminder, not a burst. Done and
dropped actions, owners no person is known for, people with reminders off or without an address
get none.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .policy import Policy
from .status import ACTIVE

ASSIGNED, BEFORE_DUE, ON_DUE, OVERDUE, NO_DUE = "assigned", "before_due", "on_due", "overdue", "no_due"
KINDS = (ASSIGNED, BEFORE_DUE, ON_DUE, OVERDUE, NO_DUE)
UTC = timezone.utc


@dataclass(frozen=True)
class Facts:
    """What planning needs of an action."""

    status: str
    due_date: date | None
    snoozed_until: date | None
    created_at: datetime


@dataclass(frozen=True)
class Candidate:
    reason: str  # the key recorded when sent (unique per owner)
    kind: str  # one of KINDS
    nominal: datetime  # UTC: the moment it is meant for


@dataclass(frozen=True)
class Next:
    """The next reminder of an owner: ``reason`` at ``at`` (UTC, inside the window), and the
    earlier ``skipped`` reasons it stands for (recorded with it, never sent)."""

    reason: str
    kind: str
    at: datetime
    skipped: tuple[str, ...] = field(default=())


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone named, UTC for a name the zone database does not know."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def kind_of(reason: str) -> str:
    """``overdue`` for ``overdue:2@2026-12-10`` and so on."""
    return reason.split("@", 1)[0].split(":", 1)[0]


def _civil(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a civil time on a day in ``tz`` (a time skipped by DST counts with the
    offset before the change, i.e. it lands just after the gap)."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def window_start(day: date, tz: ZoneInfo, policy: Policy) -> datetime:
    return _civil(day, policy.window_start, tz)


def window_end(day: date, tz: ZoneInfo, policy: Policy) -> datetime:
    return _civil(day, policy.window_end, tz)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def in_window(moment: datetime, tz: ZoneInfo, policy: Policy) -> bool:
    day = local_day(moment, tz)
    return window_start(day, tz, policy) <= moment < window_end(day, tz, policy)


def place(moment: datetime, tz: ZoneInfo, policy: Policy) -> datetime:
    """The earliest instant at or after ``moment`` inside the owner's window."""
    day = local_day(moment, tz)
    start, end = window_start(day, tz, policy), window_end(day, tz, policy)
    if moment < start:
        return start
    if moment < end:
        return moment
    return window_start(day + timedelta(days=1), tz, policy)


def candidates(facts: Facts, tz: ZoneInfo, policy: Policy) -> list[Candidate]:
    """Every reminder the action may earn, in order of nominal time (ties: the later kind last)."""
    created_day = local_day(facts.created_at, tz)
    found: list[Candidate] = []
    if policy.on_assign:
        found.append(Candidate(ASSIGNED, ASSIGNED, facts.created_at))

    def on(day: date, reason: str, kind: str) -> None:
        if day >= created_day:
            found.append(Candidate(reason, kind, window_start(day, tz, policy)))

    due = facts.due_date
    if due is not None:
        for days in policy.before_due_days:  # largest first: earliest first
            on(due - timedelta(days=days), f"{BEFORE_DUE}:{days}@{due.isoformat()}", BEFORE_DUE)
        if policy.on_due:
            on(due, f"{ON_DUE}@{due.isoformat()}", ON_DUE)
        for k in range(1, policy.overdue_max + 1):
            on(due + timedelta(days=k * policy.overdue_every_days), f"{OVERDUE}:{k}@{due.isoformat()}", OVERDUE)
    else:
        for k in range(1, policy.no_due_max + 1):
            on(created_day + timedelta(days=k * policy.no_due_every_days), f"{NO_DUE}:{k}", NO_DUE)
    order = {candidate.reason: index for index, candidate in enumerate(found)}
    return sorted(found, key=lambda candidate: (candidate.nominal, order[candidate.reason]))


def next_reminder(facts: Facts, tz: ZoneInfo | None, policy: Policy, sent: set[str] | frozenset[str],
                  now: datetime) -> Next | None:
    """The owner's next reminder about the action, or None (none is left, or none is ever sent).

    ``tz`` is the owner's timezone, None when the owner is not reminded at all (no person, reminders
    off, no address). ``sent``: the reasons already recorded for this owner (sent or skipped).
    """
    if tz is None or facts.status not in ACTIVE:
        return None
    left = [candidate for candidate in candidates(facts, tz, policy) if candidate.reason not in sent]
    if not left:
        return None
    floor = now
    if facts.snoozed_until is not None:
        floor = max(floor, window_start(facts.snoozed_until, tz, policy))
    at = place(max(left[0].nominal, floor), tz, policy)
    due = [candidate for candidate in left if candidate.nominal <= at]
    chosen = due[-1]
    return Next(chosen.reason, chosen.kind, at, tuple(candidate.reason for candidate in due[:-1]))


def days_from_due(kind: str, due_date: date | None, at: datetime, tz: ZoneInfo) -> int | None:
    """Days left before the due date (``before_due``, ``on_due``: 0), days since it (``overdue``),
    as the owner's calendar counts them at ``at``; None for reminders not about a due date."""
    if due_date is None or kind not in (BEFORE_DUE, ON_DUE, OVERDUE):
        return None
    today = local_day(at, tz)
    return (due_date - today).days if kind != OVERDUE else (today - due_date).days
