"""Actions API: reminder policies (an event's, an action's own) and the reminder preview."""
from __future__ import annotations

from flask import Blueprint

from services.kit.web import json_response, load, load_query, principal, unit_of_work

from ..operations import reminders
from ..schemas.reminders import (ActionReminderPolicySchema, EventReminderPolicySchema, PreviewQuery,
                                 ReminderPolicySchema, ReminderPreviewSchema)

blueprint = Blueprint("reminders", __name__)

policy_input = ReminderPolicySchema()
event_policy_output = EventReminderPolicySchema()
action_policy_output = ActionReminderPolicySchema()
preview_output = ReminderPreviewSchema()


@blueprint.get("/events/<event>/reminder-policy")
def get_event_policy(event: str):
    """An event's reminder policy in effect (the defaults until it sets one).
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      responses:
        200: {description: the policy in effect and the fields the event sets, content: {application/json: {schema: EventReminderPolicy}}}
        403: {description: neither an organiser nor a chair at the event, content: {application/problem+json: {schema: Problem}}}
        422: {description: not an event slug, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(event_policy_output.dump(reminders.get_event_policy(uow, principal(), event)))


@blueprint.put("/events/<event>/reminder-policy")
def put_event_policy(event: str):
    """Set an event's reminder policy: the fields given over the defaults (organisers).
    ---
    put:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: ReminderPolicy}}
      responses:
        200: {description: the policy in effect now, content: {application/json: {schema: EventReminderPolicy}}}
        400: {description: 'unknown field, wrong type', content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        422: {description: 'a negative or absurd interval or count, a malformed or empty window (the field named)', content: {application/problem+json: {schema: Problem}}}
    """
    fields = load(policy_input)
    with unit_of_work() as uow:
        view = reminders.put_event_policy(uow, principal(), event, fields)
        uow.commit()
        return json_response(event_policy_output.dump(view))


@blueprint.get("/events/<event>/reminders/preview")
def preview_reminders(event: str):
    """Who would get a reminder digest at a moment, and with which of the event's items; sends nothing.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: PreviewQuery
      responses:
        200: {description: the digests the sweep would queue at that moment (this event's items), content: {application/json: {schema: ReminderPreview}}}
        400: {description: '`at` missing or not RFC 3339 with an offset', content: {application/problem+json: {schema: Problem}}}
        403: {description: neither an organiser nor a chair at the event, content: {application/problem+json: {schema: Problem}}}
        422: {description: not an event slug, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PreviewQuery())
    with unit_of_work() as uow:
        return json_response(preview_output.dump(reminders.preview(uow, principal(), event, query["at"])))


@blueprint.get("/actions/<action_id>/reminder-policy")
def get_action_policy(action_id: str):
    """An action's own reminder policy fields and the policy it is reminded by.
    ---
    get:
      parameters:
      - {in: path, name: action_id, required: true, schema: {type: string}}
      responses:
        200: {description: its own fields (null for none) and the policy in effect, content: {application/json: {schema: ActionReminderPolicy}}}
        404: {description: unknown action, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(action_policy_output.dump(reminders.get_action_policy(uow, action_id)))


@blueprint.put("/actions/<action_id>/reminder-policy")
def put_action_policy(action_id: str):
    """Set an action's own reminder policy fields over its event's (`{}` clears them).
    ---
    put:
      parameters:
      - {in: path, name: action_id, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: ReminderPolicy}}
      responses:
        200: {description: its own fields and the policy in effect now, content: {application/json: {schema: ActionReminderPolicy}}}
        400: {description: 'unknown field, wrong type', content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown action, content: {application/problem+json: {schema: Problem}}}
        422: {description: 'a negative or absurd interval or count, a window that makes no sense over the event''s', content: {application/problem+json: {schema: Problem}}}
    """
    fields = load(policy_input)
    with unit_of_work() as uow:
        view = reminders.put_action_policy(uow, principal(), action_id, fields)
        uow.commit()
        return json_response(action_policy_output.dump(view))
