"""Schemas of the outgoing mail log and of sending a message again; the data of
``ptghub.notify.message.*``."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.kit.schemas import PageQuery, StrictSchema, page_schema

from .. import domain
from ..domain import mail_kinds


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


class ResendSchema(StrictSchema):
    force = fields.Boolean(load_default=False, metadata={
        "description": "needed to send again a message that was sent"})


MessagePage = page_schema(MessageSchema, "MessagePage")

SCHEMAS = {"Message": MessageSchema, "MessageEvent": MessageEventSchema, "MessagePage": MessagePage,
           "Resend": ResendSchema}
EVENTS = {domain.MESSAGE_SENT: MessageEventSchema, domain.MESSAGE_FAILED: MessageEventSchema}
