"""Notify request and response schemas: the one source of the OpenAPI and AsyncAPI documents."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates, validates_schema

from services.kit.schemas import PageQuery, StrictSchema, page_schema

from . import domain
from .domain import mail_kinds


# ``whsec_`` + base64 (padded) of 24 to 64 bytes, as :func:`domain.secret_key` accepts it.
_B64 = "[A-Za-z0-9+/]"
SECRET_PATTERN = (f"^whsec_(?:(?:{_B64}{{4}}){{8,20}}(?:{_B64}{{2}}==|{_B64}{{3}}=)?"
                  f"|(?:{_B64}{{4}}){{21}}(?:{_B64}{{2}}==)?)$")


class WebhookSchema(StrictSchema):
    id = fields.String(dump_only=True)
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=2000),
                     metadata={"description": "http(s) endpoint; must resolve to public addresses"})
    secret = fields.String(load_only=True, metadata={
        "pattern": SECRET_PATTERN,
        "description": "`whsec_` + base64 of 24 to 64 random bytes; generated when omitted. "
                       "Returned only when the webhook is created."})
    event_types = fields.List(
        fields.String(validate=validate.Length(min=1, max=255), metadata={
            "pattern": r"^(?:[A-Za-z0-9_-]+|\*|#)(?:\.(?:[A-Za-z0-9_-]+|\*|#))*$"}), required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "AMQP topic patterns, e.g. `ptghub.schedule.session.*` or `#` for every event"})
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    event = fields.String(allow_none=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "only events about this event (its slug); events about no gathering "
                       "(`ptghub.notify.webhook.*`, `ptghub.gateway.token.*`) still arrive"})
    track = fields.String(allow_none=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "only events about this track (its slug; with `event`, that event's track)"})
    contact = fields.Email(allow_none=True, validate=validate.Length(max=320), metadata={
        "description": "where the notice goes when the webhook is disabled; without one, "
                       "PTGHUB_WEBHOOK_CONTACT (the operators' address), else no mail, only the event"})
    owner = fields.String(dump_only=True)
    enabled = fields.Boolean(dump_only=True)
    disabled_reason = fields.String(dump_only=True, allow_none=True)
    disabled_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    failing_since = fields.AwareDateTime(dump_only=True, allow_none=True)
    previous_secret_until = fields.AwareDateTime(dump_only=True, allow_none=True, metadata={
        "description": "after a secret rotation: deliveries carry a signature with the previous secret too until then"})
    created_at = fields.AwareDateTime(dump_only=True)

    @validates("contact")
    def _one_address(self, value: str | None, **_kwargs) -> None:
        if value is not None and domain.mail_address(value) is None:
            raise ValidationError("must be one plain address, user@host")

    @validates("secret")
    def _whsec(self, value: str, **_kwargs) -> None:
        try:
            domain.secret_key(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    @validates("event_types")
    def _patterns(self, value: list[str], **_kwargs) -> None:
        bad = [pattern for pattern in value if not domain.is_topic_pattern(pattern)]
        if bad:
            raise ValidationError(f"not AMQP topic patterns (words of letters, digits, - and _, or * or #): {bad}")


class WebhookCreatedSchema(WebhookSchema):
    """A new webhook: the one response that shows its signing secret."""

    secret = fields.String(dump_only=True, metadata={"description": "the signing secret; keep it, it is not shown again"})


class WebhookQuery(PageQuery):
    enabled = fields.Boolean()
    owner = fields.String(validate=validate.Length(max=64), metadata={
        "description": "organisers only: one owner's webhooks (the token id)"})


class AttemptSchema(Schema):
    number = fields.Integer()
    attempted_at = fields.AwareDateTime()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer(metadata={"description": "from sending the request to the answer's headers"})
    response_excerpt = fields.String(allow_none=True, metadata={
        "description": "the start of the answer's body (at most 1000 characters)"})


class DeliverySchema(Schema):
    id = fields.String(metadata={"description": "the `webhook-id` header, the same on every retry"})
    webhook = fields.String(attribute="subscription_id")
    event_id = fields.String()
    event_type = fields.String()
    status = fields.String(validate=validate.OneOf(domain.DELIVERY_STATUSES))
    attempts = fields.Integer()
    last_status_code = fields.Integer(allow_none=True, metadata={"description": "the last answer's HTTP status"})
    last_error = fields.String(allow_none=True)
    latency_ms = fields.Method("_latency", allow_none=True, metadata={
        "type": "integer", "description": "the last attempt's duration, milliseconds"})
    response_excerpt = fields.Method("_excerpt", allow_none=True, metadata={
        "type": "string", "description": "the start of the last answer's body (at most 1000 characters)"})
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    last_attempt_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    history = fields.List(fields.Nested(AttemptSchema), metadata={"description": "every attempt, oldest first"})


    def _latency(self, delivery) -> int | None:
        return delivery.history[-1].duration_ms if delivery.history else None

    def _excerpt(self, delivery) -> str | None:
        return delivery.history[-1].response_excerpt if delivery.history else None


class DeliveryQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(domain.DELIVERY_STATUSES))
    event_type = fields.String(validate=validate.Length(min=1, max=200))
    event_id = fields.String(validate=validate.Length(min=1, max=36))
    since = fields.AwareDateTime(metadata={"description": "created at or after"})
    until = fields.AwareDateTime(metadata={"description": "created before"})


class MessageEventSchema(Schema):
    """The data of ``ptghub.notify.message.sent`` and ``ptghub.notify.message.failed``."""

    id = fields.String()
    recipient = fields.String()
    subject = fields.String()
    message_id = fields.String(metadata={"description": "the mail's Message-ID header"})
    source_event_id = fields.String(metadata={"description": "the event the mail was made for"})
    status = fields.String(validate=validate.OneOf(domain.MAIL_STATUSES))
    attempts = fields.Integer()


class MessageSchema(MessageEventSchema):
    source_event_type = fields.String()
    kind = fields.Function(lambda mail: mail_kinds.kind_of(mail.source_event_type), metadata={
        "type": "string", "enum": list(mail_kinds.KINDS), "description": "what the mail is: " + ", ".join(f"`{kind}`" for kind in mail_kinds.KINDS)
                       + "; summaries and session notices are list posts, the others personal"})
    sender = fields.String()
    last_code = fields.Integer(allow_none=True, metadata={"description": "the last SMTP reply code, if any"})
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    last_attempt_at = fields.AwareDateTime(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()


class MessageQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(domain.MAIL_STATUSES))
    recipient = fields.String(validate=validate.Length(max=320), metadata={"description": "in any case"})
    kind = fields.String(validate=validate.OneOf(mail_kinds.KINDS))
    since = fields.AwareDateTime(metadata={"description": "queued at or after this instant"})


# -- events notify consumes (the publishers own them; unknown fields are tolerated) -------------
# The schedule's track events are read with the kit's ScheduleTrackSchema (services.kit.copies).

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


class MailRouteSchema(StrictSchema):
    """A track's mail route, as notify keeps it from the schedule's track events, with its one switch."""

    event = fields.String(dump_only=True)
    track = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    mailing_list = fields.String(dump_only=True, allow_none=True)
    subject_tag = fields.String(dump_only=True, allow_none=True)
    session_notices = fields.Boolean(required=True, metadata={
        "description": "mail the track's list a short notice when one of its sessions is moved or cancelled "
                       "(on unless switched off)"})
    retired = fields.Function(lambda route: route.retired_at is not None, dump_only=True)


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


WebhookPage = page_schema(WebhookSchema, "WebhookPage")
DeliveryPage = page_schema(DeliverySchema, "DeliveryPage")
MessagePage = page_schema(MessageSchema, "MessagePage")

SCHEMAS = {
    "Webhook": WebhookSchema, "WebhookCreated": WebhookCreatedSchema, "Attempt": AttemptSchema,
    "Delivery": DeliverySchema, "Message": MessageSchema, "MessageEvent": MessageEventSchema,
    "WebhookPage": WebhookPage, "DeliveryPage": DeliveryPage, "MessagePage": MessagePage,
    "MailRoute": MailRouteSchema,
}

# Event type -> the schema of its ``data`` (documented in openapi/asyncapi.yaml).
EVENTS = {
    domain.MESSAGE_SENT: MessageEventSchema,
    domain.MESSAGE_FAILED: MessageEventSchema,
    domain.WEBHOOK_DISABLED: WebhookSchema,
}
