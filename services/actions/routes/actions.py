"""Actions API: action items, their owners and their status until done or dropped; many at once; their history."""
from __future__ import annotations

from flask import Blueprint, request

from services.kit.web import json_response, load, page, principal, unit_of_work

from ..domain.versions import etag
from ..operations import actions
from ..schemas.actions import ActionChanges, ActionDumpSchema, ActionSchema, BulkChangeSchema, HistoryEntrySchema
from ..schemas.queries import ActionQuery, HistoryQuery

blueprint = Blueprint("actions", __name__)

action_input = ActionSchema()
action_output = ActionDumpSchema()
bulk_input = BulkChangeSchema()
history_output = HistoryEntrySchema()


def _etag(action) -> dict[str, str]:
    return {"ETag": etag(action.version)}


def _query_args() -> dict[str, str]:
    """The query string as one value a name, a repeated ``status`` joined with commas."""
    args = request.args.to_dict()
    if len(request.args.getlist("status")) > 1:
        args["status"] = ",".join(request.args.getlist("status"))
    return args


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
        403: {description: 'not your track (chairs record actions of their own tracks; one with no track is an organiser''s)', content: {application/problem+json: {schema: Problem}}}
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
    """List action items, oldest first, filtered by owner, status, event, track, overdue, due date or the lack of an owner.
    ---
    get:
      parameters:
      - in: query
        schema: ActionQuery
      responses:
        200: {description: 'a page of action items (an owner no one has lists nothing)', content: {application/json: {schema: ActionPage}}}
        400: {description: 'invalid filter (a status, a date, a cursor)', content: {application/problem+json: {schema: Problem}}}
    """
    query = load(ActionQuery(), _query_args())
    with unit_of_work() as uow:
        items, cursor = actions.list_actions(uow, query)
        return page(items, action_output, cursor)


@blueprint.post("/actions/bulk")
def bulk_change():
    """Change the status or the owners of many action items, all or nothing.
    ---
    post:
      requestBody:
        required: true
        content: {application/json: {schema: BulkChange}}
      responses:
        200: {description: every action changed, content: {application/json: {schema: BulkResult}}}
        400: {description: 'invalid fields (an id twice)', content: {application/problem+json: {schema: Problem}}}
        403: {description: 'one action is not yours to change (the problem names its id); nothing changed', content: {application/problem+json: {schema: Problem}}}
        404: {description: 'one id names no action (the problem names it); nothing changed', content: {application/problem+json: {schema: Problem}}}
        409: {description: 'one action cannot go to that status (the problem names its id); nothing changed', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'neither status nor owners given, or an owner that is neither a nick nor an address; nothing changed', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(bulk_input)
    command = actions.BulkChange(ids=data["ids"], changes={"status": data["status"]} if "status" in data else {},
                                 owners=data.get("owners"))
    with unit_of_work() as uow:
        changed = actions.bulk_change(uow, principal(), command)
        uow.commit()
        return json_response({"items": action_output.dump(changed, many=True)})


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
    """Change some fields of an action item (send only those); an owner may change the status and snooze of their own.
    ---
    patch:
      parameters:
      - {in: path, name: action_id, required: true, schema: {type: string}}
      - {in: header, name: If-Match, required: false, schema: {type: string},
         description: 'the ETag the change was made on; refused with 412 when the action has moved on'}
      requestBody:
        required: true
        content: {application/json: {schema: ActionChanges}}
      responses:
        200: {description: the action item as it is now, content: {application/json: {schema: Action}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: 'not your track, nor your item (an owner changes only status and snoozed_until)', content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown action, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'a status it cannot go to from the current one (done and dropped only reopen), or a move to a track the schedule deleted', content: {application/problem+json: {schema: Problem}}}
        412: {description: If-Match does not match the current ETag; nothing changed, content: {application/problem+json: {schema: Problem}}}
        422: {description: 'unknown track, track without event, snoozing a settled action', content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(ActionChanges)
    with unit_of_work() as uow:
        action = actions.update_action(uow, principal(), action_id, changes, request.headers.get("If-Match"))
        uow.commit()
        return json_response(action_output.dump(action), headers=_etag(action))


@blueprint.get("/actions/<action_id>/history")
def action_history(action_id: str):
    """An action item's history, oldest first: who changed what, when.
    ---
    get:
      parameters:
      - {in: path, name: action_id, required: true, schema: {type: string}}
      - in: query
        schema: HistoryQuery
      responses:
        200: {description: a page of history entries, content: {application/json: {schema: HistoryPage}}}
        400: {description: invalid cursor or limit, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown action, content: {application/problem+json: {schema: Problem}}}
    """
    query = load(HistoryQuery(), request.args.to_dict())
    with unit_of_work() as uow:
        entries, cursor = actions.action_history(uow, action_id, query)
        return page(entries, history_output, cursor)
