"""Request and response schemas of the suppression list and of a message's resend (components of
openapi/notify.yaml, beside :mod:`services.notify.schemas`)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from services.kit.schemas import LABEL, PageQuery, StrictSchema, page_schema

from . import domain
from .store import MANUAL, REASONS


# one plain address as the documents state it (a subset of what :func:`domain.mail_address` takes)
PLAIN_ADDRESS = rf"^[A-Za-z0-9._%+-]{{1,64}}@(?:{LABEL}\.){{1,4}}[A-Za-z][A-Za-z0-9-]{{0,61}}[A-Za-z0-9]$"


def _plain_address(value: str) -> None:
    if domain.mail_address(value) is None:
        raise ValidationError("not one plain mail address (user@host: no name, no angle brackets, no spaces)")


class SuppressionSchema(StrictSchema):
    address = fields.String(required=True, validate=[validate.Length(min=3, max=320), validate.Regexp(
        PLAIN_ADDRESS, error="not one plain mail address (user@host: no name, no angle brackets, no spaces)"),
        _plain_address], metadata={
        "description": "the address (kept in lower case); no personal mail goes to it"})
    reason = fields.String(load_default=MANUAL, validate=validate.OneOf(REASONS), metadata={
        "description": "why: `unsubscribed` (the person's one-click link), `bounced` (a 5xx reply to RCPT) "
                       "or `manual` (an organiser; the default)"})
    note = fields.String(load_default="", validate=validate.Length(max=1000), metadata={
        "description": "the bounce reply, or the organiser's note"})
    source = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "the bounced message's id, the person's id, or the organiser token's id"})
    created_at = fields.AwareDateTime(dump_only=True)


class SuppressionQuery(PageQuery):
    reason = fields.String(validate=validate.OneOf(REASONS))
    address = fields.String(validate=[validate.Length(max=320), validate.Regexp(
        PLAIN_ADDRESS, error="not one plain mail address (user@host: no name, no angle brackets, no spaces)"),
        _plain_address])


class ResendSchema(StrictSchema):
    force = fields.Boolean(load_default=False, metadata={
        "description": "needed to send again a message that was sent"})


UNSUBSCRIBED = "ptghub.actions.person.unsubscribed"


class UnsubscribedEventSchema(Schema):
    """The data of the actions service's ``ptghub.actions.person.unsubscribed``, as notify reads it
    (the actions service owns the event; unknown fields are tolerated)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    email = fields.String(load_default=None, allow_none=True)


SuppressionPage = page_schema(SuppressionSchema, "SuppressionPage")

SCHEMAS = {"Suppression": SuppressionSchema, "SuppressionPage": SuppressionPage, "Resend": ResendSchema}
