"""The one-click links' JSON answer (for a client that asks for JSON rather than the HTML page)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..domain import links


class LinkItemSchema(Schema):
    id = fields.String()
    title = fields.String()
    status = fields.String()
    due_date = fields.Date(allow_none=True)
    snoozed_until = fields.Date(allow_none=True)
    event = fields.String(allow_none=True)
    track = fields.String(allow_none=True)


class LinkResultSchema(Schema):
    op = fields.String(validate=validate.OneOf(links.OPS), metadata={"description": "what the link does"})
    outcome = fields.String(validate=validate.OneOf(("ready", "already", "done", "snoozed", "dropped", "unsubscribed")),
                            metadata={"description": "`ready`: a POST would do it (GET); `already`: nothing to do "
                                                     "(the item is settled, or reminders are off already); else what it did"})
    changed = fields.Boolean(metadata={"description": "whether this request changed anything"})
    message = fields.String()
    person = fields.String(metadata={"description": "the nick of the person the link was made for"})
    action = fields.Nested(LinkItemSchema, allow_none=True, metadata={"description": "the item (null for unsubscribe)"})
    expires_at = fields.AwareDateTime()


class UnsubscribedSchema(Schema):
    """The data of ``ptghub.actions.person.unsubscribed`` (subject: the person's id): the person
    turned reminders off with the one-click link; notify puts the address on its suppression list."""

    id = fields.String()
    nick = fields.String()
    email = fields.String(allow_none=True)
    unsubscribed_at = fields.AwareDateTime(attribute="updated_at")


UNSUBSCRIBED_EVENT = "ptghub.actions.person.unsubscribed"

SCHEMAS = {"LinkItem": LinkItemSchema, "LinkResult": LinkResultSchema}
EVENTS: dict = {UNSUBSCRIBED_EVENT: UnsubscribedSchema}
