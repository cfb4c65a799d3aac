"""Reminder schemas: policies (an event's, an action's own), the preview, and the digest event.

``ReminderDigestSchema`` is the data of ``ptghub.actions.action.reminder.due`` (subject: the person's
id), the contract between the actions sweep and notify, which renders and sends it.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.kit.schemas import StrictSchema

from ..domain import reminders
from ..domain.policy import CLOCK

CLOCK_TIME = validate.Regexp(CLOCK, error="a time of day as HH:MM (00:00 to 23:59)")


class WindowSchema(StrictSchema):
    start = fields.String(validate=CLOCK_TIME, metadata={"description": "HH:MM, the owner's civil time"})
    end = fields.String(validate=CLOCK_TIME, metadata={"description": "HH:MM, at least 30 minutes after start"})


class ReminderPolicySchema(StrictSchema):
    """Policy fields; each left out comes from the event's policy, then the defaults."""

    on_assign = fields.Boolean(truthy={True}, falsy={False}, metadata={"description": "a notice when assigned (default true)"})
    before_due_days = fields.List(fields.Integer(strict=True), metadata={
        "description": "days before the due date a reminder comes (default [3, 1]; each 1..365, at most 10)"})
    on_due = fields.Boolean(truthy={True}, falsy={False}, metadata={"description": "a reminder on the due day (default true)"})
    overdue_every_days = fields.Integer(strict=True, metadata={
        "description": "days between reminders after the due day (default 7; 1..365)"})
    overdue_max = fields.Integer(strict=True, metadata={"description": "overdue reminders at most (default 4; 0..52)"})
    no_due_every_days = fields.Integer(strict=True, metadata={
        "description": "days between reminders of an action with no due date (default 14; 1..365)"})
    no_due_max = fields.Integer(strict=True, metadata={"description": "such reminders at most (default 3; 0..52)"})
    window = fields.Nested(WindowSchema, metadata={
        "description": "the civil hours, in the owner's timezone, reminders are sent in (default 09:00-18:00)"})


class EventReminderPolicySchema(Schema):
    event = fields.String()
    policy = fields.Nested(ReminderPolicySchema, metadata={"description": "the policy in effect, every field"})
    fields_set = fields.Dict(metadata={"description": "the fields the event sets over the defaults"})
    updated_at = fields.AwareDateTime(allow_none=True, metadata={"description": "null: the defaults, never set"})


class ActionReminderPolicySchema(Schema):
    action_id = fields.String()
    event = fields.String(allow_none=True)
    policy = fields.Dict(allow_none=True, metadata={"description": "the action's own fields over its event's policy"})
    effective = fields.Nested(ReminderPolicySchema, metadata={"description": "the policy the action is reminded by"})


class PreviewQuery(StrictSchema):
    at = fields.AwareDateTime(required=True, metadata={"description": "RFC 3339 with offset: the moment previewed"})


class PersonRefSchema(Schema):
    id = fields.String(required=True)
    nick = fields.String(required=True)
    name = fields.String(allow_none=True)
    email = fields.String(required=True)
    timezone = fields.String(required=True, metadata={"description": "IANA name"})


class ReminderItemSchema(Schema):
    action_id = fields.String(required=True)
    title = fields.String(required=True)
    due_date = fields.Date(allow_none=True)
    status = fields.String(required=True)
    event = fields.String(allow_none=True)
    track = fields.String(allow_none=True)
    reason = fields.String(required=True, validate=validate.OneOf(reminders.KINDS), metadata={
        "description": "why it is reminded now: assigned, before_due, on_due, overdue or no_due"})
    days = fields.Integer(allow_none=True, metadata={
        "description": "days before the due date (before_due, on_due: 0) or after it (overdue); null otherwise"})


class ReminderLinksSchema(Schema):
    done = fields.String(required=True, metadata={"description": "one-click link: mark this item done"})
    snooze = fields.String(required=True, metadata={"description": "one-click link: snooze this item 7 days"})
    drop = fields.String(required=True, metadata={"description": "one-click link: drop this item"})


class ReminderDigestItemSchema(ReminderItemSchema):
    links = fields.Nested(ReminderLinksSchema, required=True)


class ReminderDigestSchema(Schema):
    """One person's reminder digest: every item due a reminder in one sweep."""

    digest_id = fields.String(required=True)
    at = fields.AwareDateTime(required=True, metadata={"description": "when the sweep made it (RFC 3339)"})
    person = fields.Nested(PersonRefSchema, required=True)
    items = fields.List(fields.Nested(ReminderDigestItemSchema), required=True)
    unsubscribe_url = fields.String(required=True, metadata={
        "description": "RFC 8058 one-click: a POST there stops this person's reminders"})


class PreviewDigestSchema(Schema):
    person = fields.Nested(PersonRefSchema, required=True)
    items = fields.List(fields.Nested(ReminderItemSchema), required=True)


class ReminderPreviewSchema(Schema):
    event = fields.String(required=True)
    at = fields.AwareDateTime(required=True)
    digests = fields.List(fields.Nested(PreviewDigestSchema), required=True, metadata={
        "description": "who would get a digest at that moment, with its items of this event; nothing is sent"})


SCHEMAS = {"ReminderPolicy": ReminderPolicySchema, "EventReminderPolicy": EventReminderPolicySchema,
           "ActionReminderPolicy": ActionReminderPolicySchema,
           "ReminderPreview": ReminderPreviewSchema, "ReminderDigest": ReminderDigestSchema}

EVENTS = {"ptghub.actions.action.reminder.due": ReminderDigestSchema}
