"""Action items' queries: add, find, change, owners, history."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.problems import NotFound, Problem
from services.kit.schemas import paginate

from ..domain.owners import Handle
from .models import Action, ActionOwner, HistoryEntry, Person
from .people import find_person


def add_action(session: Session, fields: dict[str, Any], now: datetime) -> Action:
    action = Action(**fields, created_at=now, updated_at=now)
    session.add(action)
    session.flush()
    return action


def get_action(session: Session, action_id: str, lock: bool = False) -> Action:
    action = session.get(Action, action_id, with_for_update=True if lock else None)
    if action is None:
        raise NotFound(f"no action {action_id!r}", errors={"id": ["unknown action"]})
    return action


def find_by_source_item(session: Session, item_id: str, lock: bool = False) -> Action | None:
    """The action made from a note item, if one was."""
    statement = sa.select(Action).where(Action.source_item_id == item_id)
    if lock:
        statement = statement.with_for_update()
    return session.scalars(statement).first()


def change_action(session: Session, action: Action, changes: dict[str, Any], now: datetime) -> Action:
    """Set ``changes`` (column values); the version (the ETag) grows."""
    for name, value in changes.items():
        setattr(action, name, value)
    action.updated_at = now
    action.version = (action.version or 0) + 1
    session.flush()
    return action


def set_owners(session: Session, action: Action, owners: list[tuple[Handle, Person | None]]) -> None:
    """Make ``owners`` (in order) the action's owners; an owner kept keeps its row (and its reminders)."""
    kept = {owner.key: owner for owner in action.owners}
    rows = []
    for position, (handle, person) in enumerate(owners):
        row = kept.pop(handle.key, None) or ActionOwner(key=handle.key)
        row.name, row.position = handle.text, position
        row.person_id, row.person = (person.id, person) if person is not None else (None, None)
        rows.append(row)
    action.owners = rows
    session.flush()


def record_history(session: Session, action: Action, actor: str, kind: str, changes: dict[str, Any],
                   at: datetime) -> HistoryEntry:
    entry = HistoryEntry(action_id=action.id, actor=actor, kind=kind, changes=changes, at=at)
    session.add(entry)
    session.flush()
    return entry


def actions_page(session: Session, limit: int, cursor: str | None, owner: str | None = None,
                 status: str | None = None, event: str | None = None,
                 track: str | None = None) -> tuple[list[Action], str | None]:
    """A page of action items, oldest first, and the next page's cursor.

    ``owner`` (in lower case) is a name an owner was written with, or any name of the person it is.
    """
    statement = sa.select(Action)
    if owner is not None:
        person = find_person(session, owner)
        matches = ActionOwner.key == owner
        if person is not None:
            matches = sa.or_(matches, ActionOwner.person_id == person.id)
        statement = statement.where(Action.id.in_(sa.select(ActionOwner.action_id).where(matches)))
    if status is not None:
        statement = statement.where(Action.status == status)
    if event is not None:
        statement = statement.where(Action.event == event)
    if track is not None:
        statement = statement.where(Action.track == track)
    return paginate(session, statement, [Action.created_at, Action.id], lambda a: [a.created_at.isoformat(), a.id],
                    limit, cursor, parse=_parse_created_cursor)


def _parse_created_cursor(values: list) -> list:
    """A cursor of ``[created_at, id]`` as this API gave it out."""
    try:
        created_at = datetime.fromisoformat(values[0])
    except (TypeError, ValueError):
        created_at = None
    if created_at is None or created_at.tzinfo is None or not isinstance(values[1], str):
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})
    return [created_at, values[1]]
