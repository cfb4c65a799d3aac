"""Actions request and response schemas: the one source of the OpenAPI and AsyncAPI documents."""
from __future__ import annotations

from marshmallow import fields, post_load, validate

from services.kit.schemas import PageQuery, StrictSchema, page_schema

from . import domain

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$", error="lowercase letters, digits, - and _ only (at most 64)")
STATUSES = validate.OneOf(domain.STATUSES)


class ActionSchema(StrictSchema):
    id = fields.String(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    owner_email = fields.Email(required=True, validate=validate.Length(max=320),
                               metadata={"description": "who promised it; reminders go here (stored in lower case)"})
    owner_nick = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64),
                               metadata={"description": "the owner's chat nick, e.g. mgoddard"})
    due_date = fields.Date(load_default=None, allow_none=True)
    status = fields.String(load_default=domain.OPEN, validate=STATUSES, metadata={
        "description": "open, done, dropped or snoozed; done and dropped can only be reopened (open)"})
    snoozed_until = fields.Date(load_default=None, allow_none=True,
                                metadata={"description": "required when, and only when, the status is snoozed"})
    event = fields.String(load_default=None, allow_none=True, validate=SLUG)
    track = fields.String(load_default=None, allow_none=True, validate=SLUG,
                          metadata={"description": "a track of `event`, as the schedule announced it"})
    session_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    notes = fields.String(load_default="", validate=validate.Length(max=20000))
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)
    completed_at = fields.AwareDateTime(dump_only=True, allow_none=True,
                                        metadata={"description": "when it became done; null unless done"})

    @post_load
    def _normalise(self, data, **_kwargs):
        if data.get("owner_email"):
            data["owner_email"] = domain.normalise_email(data["owner_email"])
        return data


class ActionQuery(PageQuery):
    owner = fields.String(validate=validate.Length(min=1, max=320), metadata={
        "description": "the owner's chat nick (case-insensitive, e.g. mgoddard) or e-mail address"})
    status = fields.String(validate=STATUSES)
    event = fields.String()
    track = fields.String()

    @post_load
    def _normalise(self, data, **_kwargs):
        if "owner" in data:
            data["owner"] = domain.normalise_owner(data["owner"])
        return data


ActionPage = page_schema(ActionSchema, "ActionPage")

# A PATCH sends only the fields it changes: the same schema, nothing required.
ActionChanges = ActionSchema(partial=True)

SCHEMAS = {"Action": ActionSchema, "ActionChanges": ActionChanges, "ActionPage": ActionPage}

# Event type -> the schema of its ``data`` (documented in openapi/asyncapi.yaml).
EVENTS = {
    "ptghub.actions.action.created": ActionSchema,
    "ptghub.actions.action.updated": ActionSchema,
    "ptghub.actions.action.completed": ActionSchema,
    "ptghub.actions.action.dropped": ActionSchema,
}
