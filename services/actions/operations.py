"""The actions service layer: one function per use case.

Each takes a unit of work (and the principal, where who may do it depends on the action's track),
applies the domain's rules, queues its events in the outbox and returns the result. The caller owns
the transaction: a route commits the unit of work after the operation returns, the kit's event
router commits it together with the event's inbox row.

Commands are the fields loaded by :class:`.schemas.ActionSchema` (all of them on create, the
changed ones on update) and by :class:`.schemas.ActionQuery` for lists.
"""
from __future__ import annotations

from typing import Any

from services.kit.auth import require_track_writer
from services.kit.cloudevents import event_type
from services.kit.copies import TrackChange, require_offered
from services.kit.db import UnitOfWork, utcnow

from . import SERVICE, domain, store
from .schemas import ActionSchema

action_data = ActionSchema()


def create_action(uow: UnitOfWork, principal: dict, fields: dict[str, Any]) -> store.Action:
    """Record an action item; ``created`` (and ``completed``/``dropped`` if it starts there) follow.

    A chair records actions of its own tracks only (403). A track needs its event and must be one
    the schedule announced (422) and has not deleted (409).
    """
    require_track_writer(principal, fields["event"], fields["track"])
    _check_track(uow, fields["event"], fields["track"])
    now = utcnow()
    state = domain.next_status(None, fields, now)
    action = store.add_action(uow.session, {**fields, "snoozed_until": state.snoozed_until,
                                            "completed_at": state.completed_at}, now)
    _publish(uow, action, None, state)
    return action


def update_action(uow: UnitOfWork, principal: dict, action_id: str, changes: dict[str, Any]) -> store.Action:
    """Apply ``changes``; nothing is written or published when they change nothing.

    The principal must write the action's track, and the track it moves to (403). Done and dropped
    actions only reopen (409); moving to another track checks it as on create.
    """
    action = store.get_action(uow.session, action_id, lock=True)
    require_track_writer(principal, action.event, action.track)
    event, track = changes.get("event", action.event), changes.get("track", action.track)
    moved = (event, track) != (action.event, action.track)
    if moved:
        require_track_writer(principal, event, track)
        _check_track(uow, event, track)
    else:
        domain.check_scope(event, track)
    now = utcnow()
    before = action.state
    after = domain.next_status(before, changes, now)
    proposed = {**changes, "snoozed_until": after.snoozed_until, "completed_at": after.completed_at}
    changed = domain.changed_fields({name: getattr(action, name) for name in proposed}, proposed)
    if changed:
        store.change_action(uow.session, action, changed, now)
        _publish(uow, action, before, after)
    return action


def get_action(uow: UnitOfWork, action_id: str) -> store.Action:
    return store.get_action(uow.session, action_id)


def list_actions(uow: UnitOfWork, query: dict[str, Any]):
    """A page of action items, oldest first, and the next page's cursor.

    ``owner`` is an owner's nick (case-insensitive) or e-mail address.
    """
    return store.actions_page(uow.session, query["limit"], query["cursor"], owner=query.get("owner"),
                              status=query.get("status"), event=query.get("event"), track=query.get("track"))


def follow_track(uow: UnitOfWork, change: TrackChange) -> store.Track | None:
    """Keep the copy of a track actions may name; a deleted track is retired."""
    return store.follow_track(uow.session, change)


def _check_track(uow: UnitOfWork, event: str | None, track: str | None) -> None:
    """A track named within its event, known to the schedule, not deleted."""
    domain.check_scope(event, track)
    if track is not None:
        require_offered(store.get_track_copy(uow.session, event, track), "it takes no more actions")


def _publish(uow: UnitOfWork, action: store.Action, before: domain.Status | None, after: domain.Status) -> None:
    """``created`` or ``updated``, then ``completed`` / ``dropped`` when the action just got there."""
    body = action_data.dump(action)
    for verb in ["created" if before is None else "updated", *domain.arrival_verbs(before, after)]:
        uow.publish(event_type(SERVICE, "action", verb), body, subject=action.id)
