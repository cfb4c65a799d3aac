"""Actions API: action items, their owners and their status until done, dropped or snoozed.

Handlers load with a schema, apply the domain's rules through the store, publish the change
through the unit of work's outbox and dump with a schema.
"""
from __future__ import annotations

from flask import Blueprint

from services.kit.auth import require_track_writer
from services.kit.cloudevents import event_type
from services.kit.db import utcnow
from services.kit.schemas import paginate
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from . import SERVICE, domain, store
from .schemas import ActionQuery, ActionSchema

blueprint = Blueprint("actions", __name__)

action_schema = ActionSchema()


def publish(uow, action, body, before: domain.Status | None, after: domain.Status) -> None:
    """``created`` or ``updated``, then ``completed`` / ``dropped`` when the action just got there."""
    verbs = ["created" if before is None else "updated", *domain.arrival_verbs(before, after)]
    for verb in verbs:
        uow.publish(event_type(SERVICE, "action", verb), body, subject=action.id)


@blueprint.post("/actions")
def create_action():
    """Record an action item.
    ---
    post:
      requestBody:
        required: true
        content: {application/json: {schema: Action}}
      responses:
        201: {description: created, content: {application/json: {schema: Action}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track (chairs record actions of their own tracks), content: {application/problem+json: {schema: Problem}}}
        422: {description: 'unknown track, track without event, snoozed without snoozed_until', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(action_schema)
    require_track_writer(principal(), data["event"], data["track"])
    domain.check_scope(data["event"], data["track"])
    with unit_of_work() as uow:
        if data["track"] is not None:
            store.require_track(uow.session, data["event"], data["track"])
        now = utcnow()
        state = domain.next_status(None, data, now)
        action = store.Action(**{**data, "snoozed_until": state.snoozed_until}, completed_at=state.completed_at,
                              created_at=now, updated_at=now)
        uow.session.add(action)
        uow.session.flush()
        body = action_schema.dump(action)
        publish(uow, action, body, None, state)
        uow.commit()
    return json_response(body, 201, {"Location": f"/actions/{action.id}"})


@blueprint.get("/actions")
def list_actions():
    """List action items, oldest first, filtered by owner, status, event or track.
    ---
    get:
      parameters:
      - in: query
        schema: ActionQuery
      responses:
        200: {description: a page of action items, content: {application/json: {schema: ActionPage}}}
        400: {description: invalid filter, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(ActionQuery())
    with unit_of_work() as uow:
        statement = store.actions(query.get("owner"), query.get("status"), query.get("event"), query.get("track"))
        items, cursor = paginate(
            uow.session, statement, [store.Action.created_at, store.Action.id],
            lambda a: [a.created_at.isoformat(), a.id], query["limit"], query["cursor"],
            parse=store.parse_created_cursor,
        )
        return page(items, action_schema, cursor)


@blueprint.get("/actions/<action_id>")
def get_action(action_id: str):
    """One action item.
    ---
    get:
      parameters:
      - {in: path, name: action_id, required: true, schema: {type: string}}
      responses:
        200: {description: the action item, content: {application/json: {schema: Action}}}
        404: {description: unknown action, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(action_schema.dump(store.get_action(uow.session, action_id)))


@blueprint.patch("/actions/<action_id>")
def update_action(action_id: str):
    """Change some fields of an action item (send only those).
    ---
    patch:
      parameters:
      - {in: path, name: action_id, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: ActionChanges}}
      responses:
        200: {description: the action item as it is now, content: {application/json: {schema: Action}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown action, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'a status it cannot go to from the current one (done and dropped only reopen)', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'unknown track, track without event, snoozed without snoozed_until', content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(action_schema, partial=True)
    who = principal()
    with unit_of_work() as uow:
        action = store.get_action(uow.session, action_id, lock=True)
        require_track_writer(who, action.event, action.track)
        event, track = changes.get("event", action.event), changes.get("track", action.track)
        if (event, track) != (action.event, action.track):
            require_track_writer(who, event, track)
        domain.check_scope(event, track)
        if track is not None and (event, track) != (action.event, action.track):
            store.require_track(uow.session, event, track)
        now = utcnow()
        before = action.state
        after = domain.next_status(before, changes, now)
        proposed = {**changes, "snoozed_until": after.snoozed_until, "completed_at": after.completed_at}
        changed = domain.changed_fields({name: getattr(action, name) for name in proposed}, proposed)
        if changed:
            for name, value in changed.items():
                setattr(action, name, value)
            action.updated_at = now
            uow.session.flush()
        body = action_schema.dump(action)
        if changed:
            publish(uow, action, body, before, after)
            uow.commit()
    return json_response(body)
