"""Action items' queries: add, find, change, lock, list (:func:`filtered`), owners, history."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.problems import NotFound, Problem
from services.kit.schemas import paginate

from ..domain import status
from ..domain.owners import Handle
from .models import Action, ActionOwner, HistoryEntry, Person, PersonAlias


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


def owner_matches(owner_key: str) -> sa.ColumnElement[bool]:
    """An owner row named ``owner_key`` (lower case): written with it, or the person it is has it
    as nick, alias or address. Plain SQL: a name no one has matches nothing (an empty list, no error)."""
    people = sa.union(
        sa.select(Person.id).where(Person.nick_key == owner_key),
        sa.select(Person.id).where(Person.email == owner_key),
        sa.select(PersonAlias.person_id).where(PersonAlias.key == owner_key),
    )
    return sa.or_(ActionOwner.key == owner_key, ActionOwner.person_id.in_(people))


def filtered(query: Mapping[str, Any]) -> sa.Select:
    """The action items a list query keeps, as one SELECT (the list, the CSV export and anything else
    that lists actions share it). ``query`` as :class:`..schemas.queries.ActionQuery` loads it:

    - ``owner``: a name in lower case (:func:`owner_matches`);
    - ``status``: a list of statuses (any of them);
    - ``event``, ``track``: equal;
    - ``overdue``: True keeps active actions due before ``today`` (default: today in UTC), False the others;
    - ``due_before``: a date; keeps actions due strictly before it;
    - ``needs_owner``: True keeps actions with no owner at all, False those with one.
    """
    statement = sa.select(Action)
    if query.get("owner") is not None:
        statement = statement.where(Action.id.in_(
            sa.select(ActionOwner.action_id).where(owner_matches(query["owner"]))))
    if query.get("status"):
        statement = statement.where(Action.status.in_(list(query["status"])))
    if query.get("event") is not None:
        statement = statement.where(Action.event == query["event"])
    if query.get("track") is not None:
        statement = statement.where(Action.track == query["track"])
    if query.get("overdue") is not None:
        today = query.get("today") or utcnow().date()
        overdue = sa.and_(Action.due_date.is_not(None), Action.due_date < today, Action.status.in_(status.ACTIVE))
        statement = statement.where(overdue if query["overdue"] else sa.not_(overdue))
    if query.get("due_before") is not None:
        statement = statement.where(Action.due_date.is_not(None), Action.due_date < query["due_before"])
    if query.get("needs_owner") is not None:
        has_owner = sa.exists().where(ActionOwner.action_id == Action.id)
        statement = statement.where(sa.not_(has_owner) if query["needs_owner"] else has_owner)
    return statement


def actions_page(session: Session, query: Mapping[str, Any]) -> tuple[list[Action], str | None]:
    """A page of the action items :func:`filtered` keeps, oldest first, and the next page's cursor
    (``query["limit"]``, ``query["cursor"]``)."""
    return paginate(session, filtered(query), [Action.created_at, Action.id],
                    lambda a: [a.created_at.isoformat(), a.id], query.get("limit", 50), query.get("cursor"),
                    parse=_parse_created_cursor)


def lock_actions(session: Session, action_ids: list[str]) -> dict[str, Action]:
    """The actions of ``action_ids`` that exist, locked in id order (two bulk changes never deadlock)."""
    statement = sa.select(Action).where(Action.id.in_(action_ids)).order_by(Action.id).with_for_update()
    return {action.id: action for action in session.scalars(statement)}


def history_page(session: Session, action_id: str, limit: int, cursor: str | None):
    """A page of an action's history, oldest first, and the next page's cursor."""
    statement = sa.select(HistoryEntry).where(HistoryEntry.action_id == action_id)
    return paginate(session, statement, [HistoryEntry.at, HistoryEntry.id], lambda e: [e.at.isoformat(), e.id],
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
