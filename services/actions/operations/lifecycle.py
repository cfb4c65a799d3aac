"""How an action item comes, changes and goes, written once for every way in (the API, the notes,
a one-click link, a bulk change): the status rules applied, the owners resolved, the history
recorded, the events queued, and the owners' next reminders planned again.

Actors are names as the history shows them: a token's name, :data:`NOTES` for changes that come
from the notes, :data:`LINK` for a mail's one-click link.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from services.kit.cloudevents import event_type
from services.kit.db import UnitOfWork

from .. import SERVICE, store
from ..domain import history, owners as owner_names, status
from ..schemas.actions import ActionDumpSchema
from . import reminding

NOTES = "notes"
LINK = "link"

action_data = ActionDumpSchema()

# Columns a change may set directly (owners are set through :func:`change`'s ``owners``).
FIELDS = ("title", "description", "event", "track", "session_id", "due_date", "status", "snoozed_until", "policy",
          "source_text", "source_line", "source_removed")


def resolve_owners(uow: UnitOfWork, names: list[str]) -> list[tuple[owner_names.Handle, store.Person | None]]:
    """Each owner as written, with the person its name (nick, alias or address) names, if any (422
    naming ``owners`` for a name that is neither a nick nor an address)."""
    handles = owner_names.handles(names)
    people = store.resolve(uow.session, [handle.key for handle in handles])
    return [(handle, people[handle.key]) for handle in handles]


def create(uow: UnitOfWork, fields: dict[str, Any], owners: list[str], actor: str, now: datetime) -> store.Action:
    """Record an action item with its owners; ``created`` (and ``completed``/``dropped`` if it starts
    there) follow. ``fields`` are checked already (scope, track, permissions)."""
    state = status.next_status(None, fields, now)
    action = store.add_action(uow.session, {**fields, "snoozed_until": state.snoozed_until,
                                            "completed_at": state.completed_at}, now)
    store.set_owners(uow.session, action, resolve_owners(uow, owners))
    store.record_history(uow.session, action, actor, history.CREATED,
                         {name: history.plain(value) for name, value in _values(action).items()}, now)
    reminding.reschedule(uow, action, now)
    _publish(uow, action, None, state)
    return action


def change(uow: UnitOfWork, action: store.Action, changes: dict[str, Any], actor: str, now: datetime,
           owners: list[str] | None = None, kind: str = history.CHANGED, by_hand: bool = True) -> bool:
    """Apply ``changes`` (and ``owners``, when given) to a locked action; returns whether anything changed.

    Nothing is written or published when nothing changes. A change by hand (``by_hand``: the API, a
    link) marks the action ``edited``, so the notes no longer withdraw it.
    """
    before = action.state
    after = status.next_status(before, changes, now)
    proposed = {**changes, "snoozed_until": after.snoozed_until, "completed_at": after.completed_at}
    current = {name: getattr(action, name) for name in proposed}
    diff = history.diff(current, proposed)
    diff.pop("completed_at", None)
    if owners is not None:
        resolved = resolve_owners(uow, owners)
        old = [owner.key for owner in action.owners]
        if [handle.key for handle, _person in resolved] != old:
            diff["owners"] = {"from": [owner.name for owner in action.owners],
                              "to": [handle.text for handle, _person in resolved]}
            store.set_owners(uow.session, action, resolved)
    if not diff:
        return False
    columns = history.changed_fields(current, proposed)
    if by_hand and not action.edited:
        columns["edited"] = True
    store.change_action(uow.session, action, columns, now)
    store.record_history(uow.session, action, actor, kind, diff, now)
    reminding.reschedule(uow, action, now)
    _publish(uow, action, before, after)
    return True


def withdraw(uow: UnitOfWork, action: store.Action) -> None:
    """An action whose note item is gone, never touched by hand: it goes (``withdrawn`` says so)."""
    body = action_data.dump(action)
    uow.session.delete(action)
    uow.session.flush()
    uow.publish(event_type(SERVICE, "action", "withdrawn"), body, subject=body["id"])


def _values(action: store.Action) -> dict[str, Any]:
    values = {name: getattr(action, name) for name in FIELDS if getattr(action, name) not in (None, "", False)}
    values["owners"] = [owner.name for owner in action.owners]
    return values


def _publish(uow: UnitOfWork, action: store.Action, before: status.Status | None, after: status.Status) -> None:
    """``created`` or ``updated``, then ``completed`` / ``dropped`` when the action just got there."""
    body = action_data.dump(action)
    for verb in ["created" if before is None else "updated", *status.arrival_verbs(before, after)]:
        uow.publish(event_type(SERVICE, "action", verb), body, subject=action.id)
