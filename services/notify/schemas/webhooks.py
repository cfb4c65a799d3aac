"""Schemas of webhook subscriptions and their delivery log: subscribing, listing, changing (JSON
merge patch), rotating the secret, pinging, redelivering; the data of ``ptghub.notify.webhook.*``."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from services.kit.schemas import PageQuery, StrictSchema, page_schema

from .. import domain


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

    @validates("url")
    def _target(self, value: str, **_kwargs) -> None:
        refusal = domain.webhook_target(value)
        if isinstance(refusal, str):
            raise ValidationError(refusal)

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


class WebhookChangesSchema(WebhookSchema):
    """``PATCH /webhooks/{id}`` (``application/merge-patch+json``): the fields sent change, the
    others stay; ``null`` clears ``event``, ``track`` or ``contact``."""

    description = fields.String(validate=validate.Length(max=2000))  # no default: absent leaves it as it is
    enabled = fields.Boolean(metadata={
        "description": "the active flag: false stops deliveries (they are cancelled); true re-enables a "
                       "disabled webhook and clears its failure state"})


WebhookChanges = WebhookChangesSchema(partial=True, exclude=("secret",))


class RotatedSecretSchema(Schema):
    """A rotated secret: the one response that shows the new one."""

    id = fields.String()
    secret = fields.String(metadata={"description": "the new signing secret; keep it, it is not shown again"})
    previous_secret_until = fields.AwareDateTime(metadata={
        "description": "until then every delivery carries two `v1,` signatures, one per secret"})


class RedeliverFailedSchema(StrictSchema):
    since = fields.AwareDateTime(load_default=None, metadata={
        "description": "only deliveries created at or after this instant (default: all)"})


class RedeliveredSchema(Schema):
    redelivered = fields.Integer(metadata={"description": "how many failed or cancelled deliveries were queued again"})


class WebhookPingSchema(Schema):
    """The data of ``ptghub.notify.webhook.ping``: sent only to the webhook that asked for it, never
    on the exchange."""

    webhook = fields.String(metadata={"description": "the webhook's id"})
    url = fields.String()
    requested_by = fields.String(metadata={"description": "the token id that asked for the ping"})


WebhookPage = page_schema(WebhookSchema, "WebhookPage")
DeliveryPage = page_schema(DeliverySchema, "DeliveryPage")

SCHEMAS = {
    "Webhook": WebhookSchema, "WebhookCreated": WebhookCreatedSchema, "Attempt": AttemptSchema,
    "Delivery": DeliverySchema, "WebhookPage": WebhookPage, "DeliveryPage": DeliveryPage,
    "WebhookChanges": WebhookChanges, "RotatedSecret": RotatedSecretSchema, "RedeliverFailed": RedeliverFailedSchema,
    "Redelivered": RedeliveredSchema, "WebhookPing": WebhookPingSchema,
}
EVENTS = {domain.WEBHOOK_DISABLED: WebhookSchema}
