"""Schemas of the events notify consumes, as notify reads them (the publishers own them; unknown
fields are tolerated). The schedule's track events are read with the kit's ScheduleTrackSchema
(:mod:`services.kit.copies`)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from .. import domain


class SummaryEventSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    scope = fields.String(load_default="track", validate=validate.OneOf([domain.TRACK_SCOPE, domain.EVENT_SCOPE]))
    event = fields.String(required=True)
    track = fields.String(load_default=None, allow_none=True, metadata={"description": "null for an event's summary"})
    track_name = fields.String(load_default=None, allow_none=True)
    title = fields.String(required=True)
    subject = fields.String(load_default=None, allow_none=True)
    text = fields.String(load_default="")
    html = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the HTML rendering; publishers before it sent the text only"})
    tracks = fields.List(fields.String(), load_default=list)
    thread = fields.String(load_default=None, allow_none=True)
    update = fields.Boolean(load_default=False)
    sessions = fields.List(fields.Raw(), load_default=list)
    published_at = fields.String(load_default=None, allow_none=True)

    @validates_schema
    def _a_track_summary_names_its_track(self, data, **_kwargs):
        if data["scope"] == domain.TRACK_SCOPE and not data.get("track"):
            raise ValidationError("a track's summary names its track", "track")


class ScheduleEventSchema(Schema):
    """What notify reads of the schedule's ``ptghub.schedule.event.*``: the event's mail routing."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    slug = fields.String(required=True)
    name = fields.String(load_default="")
    mailing_list = fields.String(load_default=None, allow_none=True)
    subject_tag = fields.String(load_default=None, allow_none=True)
    mail_from = fields.String(load_default=None, allow_none=True)


class ScheduleSessionSchema(Schema):
    """What notify reads of the schedule's ``ptghub.schedule.session.*``: where and when it is."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    event = fields.String(load_default=None, allow_none=True)
    track = fields.String(load_default=None, allow_none=True)
    room = fields.String(load_default="")
    title = fields.String(load_default="")
    start = fields.String(load_default=None, allow_none=True)
    end = fields.String(load_default=None, allow_none=True)
    status = fields.String(load_default="scheduled")
    timezone = fields.String(load_default="UTC", allow_none=True)


class TokenRevokedSchema(Schema):
    """The data of the gateway's ``ptghub.gateway.token.revoked``."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, metadata={"description": "the token id (a principal's sub)"})
    name = fields.String(load_default="")
    role = fields.String(load_default=None, allow_none=True)
    revoked_at = fields.String(load_default=None, allow_none=True)


class DigestPersonSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    nick = fields.String(load_default="")
    name = fields.String(load_default=None, allow_none=True)
    email = fields.String(load_default=None, allow_none=True)
    timezone = fields.String(load_default="UTC", allow_none=True)


class DigestLinksSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    done = fields.String(required=True)
    snooze = fields.String(required=True)
    drop = fields.String(required=True)


class DigestItemSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    action_id = fields.String(required=True)
    title = fields.String(required=True)
    due_date = fields.String(load_default=None, allow_none=True)
    status = fields.String(load_default="open")
    event = fields.String(load_default=None, allow_none=True)
    track = fields.String(load_default=None, allow_none=True)
    reason = fields.String(load_default="no_due")
    days = fields.Integer(load_default=None, allow_none=True)
    links = fields.Nested(DigestLinksSchema, required=True)


class DisabledWebhookEventSchema(Schema):
    """The data of notify's own ``ptghub.notify.webhook.disabled`` (a Webhook), as the notice to
    its owner reads it; ``contact``, where a webhook has one, is whom to tell."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    url = fields.String(load_default="")
    description = fields.String(load_default="", allow_none=True)
    owner = fields.String(load_default=None, allow_none=True)
    disabled_reason = fields.String(load_default=None, allow_none=True)
    disabled_at = fields.String(load_default=None, allow_none=True)
    contact = fields.String(load_default=None, allow_none=True)
    event_types = fields.List(fields.String(), load_default=list)


class ReminderDigestEventSchema(Schema):
    """The data of the actions service's ``ptghub.actions.action.reminder.due``, as notify reads it
    (the actions service owns the event; unknown fields are tolerated)."""

    class Meta:
        unknown = EXCLUDE

    digest_id = fields.String(required=True)
    at = fields.String(load_default=None, allow_none=True)
    person = fields.Nested(DigestPersonSchema, required=True)
    items = fields.List(fields.Nested(DigestItemSchema), required=True)
    unsubscribe_url = fields.String(required=True)


class ActionStateEventSchema(Schema):
    """What notify keeps of the actions service's ``ptghub.actions.action.*`` events: an action's
    status and snooze, by version (to know, at send time, which reminded items are still open)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    status = fields.String(required=True)
    snoozed_until = fields.Date(load_default=None, allow_none=True)
    version = fields.Integer(load_default=0)


UNSUBSCRIBED = "ptghub.actions.person.unsubscribed"


class UnsubscribedEventSchema(Schema):
    """The data of the actions service's ``ptghub.actions.person.unsubscribed``, as notify reads it
    (the actions service owns the event; unknown fields are tolerated)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    email = fields.String(load_default=None, allow_none=True)
