"""Reminder queries: event policies, the reasons already sent, the sweep's due set and its locks.

The due set is found through ``ix_action_owners_next_reminder`` (``next_reminder_at <= now``, oldest
first). Two sweepers take disjoint people: on PostgreSQL the people of the due owners are locked
``FOR UPDATE SKIP LOCKED`` (a person another sweeper holds is left to it); SQLite's single writer
(``BEGIN IMMEDIATE``) serialises sweeps. The unique (owner, reason) of ``reminders`` is the last
guard: a reminder recorded twice fails to insert.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload, selectinload

from ..domain import status
from .models import Action, ActionOwner, Person, Reminder, ReminderPolicy


def get_policy(session: Session, event: str, lock: bool = False) -> ReminderPolicy | None:
    return session.get(ReminderPolicy, event, with_for_update=True if lock else None)


def put_policy(session: Session, event: str, fields: dict[str, Any], now: datetime) -> ReminderPolicy:
    """Make ``fields`` the event's policy (the fields it sets over the defaults)."""
    row = get_policy(session, event, lock=True)
    if row is None:
        row = ReminderPolicy(event=event)
        session.add(row)
    row.policy, row.updated_at = fields, now
    session.flush()
    return row


def policies_for(session: Session, events: Iterable[str | None]) -> dict[str, dict[str, Any]]:
    """Each named event's policy fields (events without a policy left out)."""
    names = sorted({event for event in events if event is not None})
    if not names:
        return {}
    return {row.event: row.policy for row in session.scalars(
        sa.select(ReminderPolicy).where(ReminderPolicy.event.in_(names)))}


def sent_reasons(session: Session, owner_ids: Iterable[str]) -> dict[str, set[str]]:
    """The reasons recorded (sent or skipped) for each owner."""
    ids = list(owner_ids)
    found: dict[str, set[str]] = {owner_id: set() for owner_id in ids}
    for start in range(0, len(ids), 900):
        rows = session.execute(sa.select(Reminder.owner_id, Reminder.reason).where(
            Reminder.owner_id.in_(ids[start:start + 900])))
        for owner_id, reason in rows:
            found[owner_id].add(reason)
    return found


def due_set(now: datetime, limit: int) -> sa.Select:
    """The sweep's due set: up to ``limit`` owners due a reminder at ``now``, oldest first (by index)."""
    return (sa.select(ActionOwner.id, ActionOwner.person_id)
            .where(ActionOwner.next_reminder_at <= now)
            .order_by(ActionOwner.next_reminder_at).limit(limit))


def due_candidates(session: Session, now: datetime, limit: int) -> list[tuple[str, str | None]]:
    """``(owner id, person id)`` of the due set, unlocked: who to lock next."""
    return [(row.id, row.person_id) for row in session.execute(due_set(now, limit))]


def lock_people(session: Session, person_ids: Iterable[str]) -> list[Person]:
    """The people of ``person_ids`` no other transaction holds, locked until this one ends (SKIP
    LOCKED; on SQLite the whole transaction already holds the write lock)."""
    ids = sorted(set(person_ids))
    if not ids:
        return []
    return list(session.scalars(sa.select(Person).where(Person.id.in_(ids)).order_by(Person.id)
                                .with_for_update(skip_locked=True)))


def due_owners_of(session: Session, person_ids: Iterable[str], now: datetime) -> list[ActionOwner]:
    """Every owner row of these (locked) people due at ``now``, with its action: read after the lock,
    so rows another sweeper has just handled are seen as it left them."""
    ids = list(person_ids)
    if not ids:
        return []
    return list(session.scalars(
        sa.select(ActionOwner)
        .where(ActionOwner.person_id.in_(ids), ActionOwner.next_reminder_at <= now)
        .options(selectinload(ActionOwner.action).options(lazyload(Action.owners)))
        .order_by(ActionOwner.person_id, ActionOwner.next_reminder_at, ActionOwner.id)))


def clear_owners(session: Session, owner_ids: Iterable[str]) -> None:
    """No reminder planned for these owners (names no person is known for)."""
    ids = list(owner_ids)
    if ids:
        session.execute(sa.update(ActionOwner).where(ActionOwner.id.in_(ids)).values(next_reminder_at=None))


def record(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert reminder rows (``owner_id, action_id, person_id, reason, digest_id, sent_at``); a
    reason already recorded for the owner raises ``IntegrityError``."""
    if rows:
        session.execute(sa.insert(Reminder), rows)


def event_owners_due(session: Session, event: str, at: datetime,
                     tracks: set[str] | None = None) -> list[ActionOwner]:
    """Owners of the event's active actions (of ``tracks`` only, when given) due at ``at``."""
    statement = (sa.select(ActionOwner).join(Action, Action.id == ActionOwner.action_id)
                 .where(Action.event == event, Action.status.in_(status.ACTIVE),
                        ActionOwner.person_id.is_not(None), ActionOwner.next_reminder_at <= at)
                 .options(selectinload(ActionOwner.action))
                 .order_by(ActionOwner.person_id, ActionOwner.next_reminder_at, ActionOwner.id))
    if tracks is not None:
        statement = statement.where(Action.track.in_(sorted(tracks)))
    return list(session.scalars(statement))


def wake_event_owners(session: Session, event: str, now: datetime) -> int:
    """Every owner of the event's active actions is looked at by the next sweep (its policy changed):
    the sweep plans each again. Returns how many."""
    actions = sa.select(Action.id).where(Action.event == event, Action.status.in_(status.ACTIVE))
    return session.execute(sa.update(ActionOwner)
                           .where(ActionOwner.action_id.in_(actions), ActionOwner.person_id.is_not(None))
                           .values(next_reminder_at=now)).rowcount


def active_owners_of(session: Session, person_id: str) -> list[ActionOwner]:
    """A person's owner rows on open or in-progress actions, with their actions."""
    return list(session.scalars(
        sa.select(ActionOwner).join(Action, Action.id == ActionOwner.action_id)
        .where(ActionOwner.person_id == person_id, Action.status.in_(status.ACTIVE))
        .options(selectinload(ActionOwner.action))))
