"""Action items over the API: record, read, list and change them, one at a time or many at once,
and read what happened to them.

Who may change what is :mod:`..domain.access`'s: an organiser any action; a chair those of its
own (event, track) (403), an action with no track is an organiser's alone; an owner their own
item's status and snooze. A change names the version it was made on with ``If-Match`` (412 when
the action has moved on). Every change goes through :mod:`.lifecycle`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.kit.auth import require_track_writer
from services.kit.db import UnitOfWork, utcnow
from services.kit.problems import NotFound, Problem

from .. import store
from ..domain import access, versions
from . import lifecycle
from .tracks import check_track


@dataclass(frozen=True)
class BulkChange:
    """The same change for many actions: a status, owners, or both."""

    ids: list[str]
    changes: dict[str, Any] = field(default_factory=dict)
    owners: list[str] | None = None


def create_action(uow: UnitOfWork, principal: dict, fields: dict[str, Any]) -> store.Action:
    """Record an action item with its owners (``fields["owners"]``: nicks, aliases or addresses).

    A track needs its event and must be one the schedule announced (422) and has not deleted (409);
    only an organiser records an action with no track (403).
    """
    fields = dict(fields)
    owners = fields.pop("owners", [])
    require_track_writer(principal, fields["event"], fields["track"])
    check_track(uow, fields["event"], fields["track"])
    return lifecycle.create(uow, fields, owners, principal["name"], utcnow())


def update_action(uow: UnitOfWork, principal: dict, action_id: str, changes: dict[str, Any],
                  if_match: str | None = None) -> store.Action:
    """Apply ``changes``; nothing is written or published when they change nothing.

    ``If-Match`` other than the current ETag is 412. A writer of the action's track may change
    anything, and must write the track it moves to (403); an owner only the status and snooze of
    their own item. Done and dropped actions only reopen (409).
    """
    action = store.get_action(uow.session, action_id, lock=True)
    versions.check_if_match(if_match, action.version)
    _change(uow, principal, action, changes, utcnow())
    return action


def bulk_change(uow: UnitOfWork, principal: dict, command: BulkChange) -> list[store.Action]:
    """Change many actions alike, all or nothing: the first id that is unknown (404), not the
    principal's to change (403) or cannot change so (409, 422) fails the whole request, naming
    that id (``errors.ids``, ``id``), and nothing is changed. Returns the actions in the order given."""
    found = store.lock_actions(uow.session, command.ids)
    now = utcnow()
    for action_id in command.ids:
        action = found.get(action_id)
        try:
            if action is None:
                raise NotFound(f"no action {action_id!r}", errors={"id": ["unknown action"]})
            _change(uow, principal, action, command.changes, now, owners=command.owners)
        except Problem as problem:
            raise _naming(problem, action_id)
    return [found[action_id] for action_id in command.ids]


def _naming(problem: Problem, action_id: str) -> Problem:
    """``problem`` (its kind and status kept) said of one action of a bulk change."""
    problem.detail = f"action {action_id}: {problem.detail}; nothing was changed"
    problem.args = (problem.detail,)
    problem.errors = {"ids": {action_id: problem.errors or [problem.detail]}}
    problem.extra = {**problem.extra, "id": action_id}
    return problem


def _change(uow: UnitOfWork, principal: dict, action: store.Action, changes: dict[str, Any], now,
            owners: list[str] | None = None) -> None:
    changes = dict(changes)
    if owners is None:
        owners = changes.pop("owners", None)
    asked = [*changes, *(["owners"] if owners is not None else [])]
    writer = access.check_action_change(principal, action.event, action.track, owner_keys(action), asked)
    if writer:
        event, track = changes.get("event", action.event), changes.get("track", action.track)
        if (event, track) != (action.event, action.track):
            require_track_writer(principal, event, track)
            check_track(uow, event, track)
    lifecycle.change(uow, action, changes, principal["name"], now, owners=owners)


def owner_keys(action: store.Action) -> set[str]:
    """Every name an action's owners go by: as written, and each linked person's nick, aliases and address."""
    keys = set()
    for owner in action.owners:
        keys.add(owner.key)
        if owner.person is not None:
            keys.update(store.person_keys(owner.person))
    return keys


def get_action(uow: UnitOfWork, action_id: str) -> store.Action:
    return store.get_action(uow.session, action_id)


def list_actions(uow: UnitOfWork, query: dict[str, Any]):
    """A page of action items, oldest first, and the next page's cursor (filters: :func:`store.filtered`)."""
    return store.actions_page(uow.session, query)


def action_history(uow: UnitOfWork, action_id: str, query: dict[str, Any]):
    """A page of an action's history, oldest first (404 for an unknown action)."""
    store.get_action(uow.session, action_id)
    return store.history_page(uow.session, action_id, query["limit"], query["cursor"])
