"""Action items over the API: record, read, list and change them.

A chair records and changes actions of its own (event, track) only (403); an organiser any.
"""
from __future__ import annotations

from typing import Any

from services.kit.auth import require_track_writer
from services.kit.db import UnitOfWork, utcnow

from .. import store
from . import lifecycle
from .tracks import check_track


def create_action(uow: UnitOfWork, principal: dict, fields: dict[str, Any]) -> store.Action:
    """Record an action item with its owners (``fields["owners"]``: nicks, aliases or addresses).

    A track needs its event and must be one the schedule announced (422) and has not deleted (409).
    """
    fields = dict(fields)
    owners = fields.pop("owners", [])
    require_track_writer(principal, fields["event"], fields["track"])
    check_track(uow, fields["event"], fields["track"])
    return lifecycle.create(uow, fields, owners, principal["name"], utcnow())


def update_action(uow: UnitOfWork, principal: dict, action_id: str, changes: dict[str, Any]) -> store.Action:
    """Apply ``changes``; nothing is written or published when they change nothing.

    The principal must write the action's track, and the track it moves to (403). Done and dropped
    actions only reopen (409); moving to another track checks it as on create.
    """
    changes = dict(changes)
    owners = changes.pop("owners", None)
    action = store.get_action(uow.session, action_id, lock=True)
    require_track_writer(principal, action.event, action.track)
    event, track = changes.get("event", action.event), changes.get("track", action.track)
    if (event, track) != (action.event, action.track):
        require_track_writer(principal, event, track)
        check_track(uow, event, track)
    lifecycle.change(uow, action, changes, principal["name"], utcnow(), owners=owners)
    return action


def get_action(uow: UnitOfWork, action_id: str) -> store.Action:
    return store.get_action(uow.session, action_id)


def list_actions(uow: UnitOfWork, query: dict[str, Any]):
    """A page of action items, oldest first, and the next page's cursor."""
    return store.actions_page(uow.session, query["limit"], query["cursor"], owner=query.get("owner"),
                              status=query.get("status"), event=query.get("event"), track=query.get("track"))
