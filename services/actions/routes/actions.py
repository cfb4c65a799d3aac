"""Actions API: action items, their owners and their status until done or dropped."""
from __future__ import annotations

from flask import Blueprint

from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from ..operations import actions
from ..schemas.actions import ActionDumpSchema, ActionSchema
from ..schemas.queries import ActionQuery

blueprint = Blueprint("actions", __name__)

action_input = ActionSchema()
action_output = ActionDumpSchema()


def _etag(action) -> dict[str, str]:
    return {"ETag": f'"{action.version}"'}


@blueprint.post("/actions")
def create_action():
    """Record an action item.
    ---
    post:
      requestBody:
        required: true
        content: {application/json: {schema: ActionInput}}
      responses:
        201: {description: created, content: {application/json: {schema: Action}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track (chairs record actions of their own tracks), content: {application/problem+json: {schema: Problem}}}
        409: {description: the schedule deleted the track, content: {application/problem+json: {schema: Problem}}}
        422: {description: 'unknown track, track without event, an owner that is neither a nick nor an address', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(action_input)
    with unit_of_work() as uow:
        action = actions.create_action(uow, principal(), data)
        uow.commit()
        return json_response(action_output.dump(action), 201, {"Location": f"/actions/{action.id}", **_etag(action)})


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
        items, cursor = actions.list_actions(uow, query)
        return page(items, action_output, cursor)


@blueprint.get("/actions/<action_id>")
def get_action(action_id: str):
    """One action item (its ETag is its version).
    ---
    get:
      parameters:
      - {in: path, name: action_id, required: true, schema: {type: string}}
      responses:
        200: {description: the action item, content: {application/json: {schema: Action}}}
        404: {description: unknown action, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        action = actions.get_action(uow, action_id)
        return json_response(action_output.dump(action), headers=_etag(action))


@blueprint.patch("/actions/<action_id>")
def update_action(action_id: str):
    """Change some fields of an action item (send only those).
    ---
    patch:
      parameters:
      - {in: path, name: action_id, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: ActionInput}}
      responses:
        200: {description: the action item as it is now, content: {application/json: {schema: Action}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown action, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'a status it cannot go to from the current one (done and dropped only reopen), or a move to a track the schedule deleted', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'unknown track, track without event, snoozing a settled action', content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(action_input, partial=True)
    with unit_of_work() as uow:
        action = actions.update_action(uow, principal(), action_id, changes)
        uow.commit()
        return json_response(action_output.dump(action), headers=_etag(action))
