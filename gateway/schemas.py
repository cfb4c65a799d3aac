"""The data of the event the gateway publishes (marshmallow: the source of its AsyncAPI schema)."""
from marshmallow import Schema, fields, validate

from services.kit.auth import CHAIR, INTEGRATION, ORGANISER, READER

TOKEN_REVOKED = "ptghub.gateway.token.revoked"


class TokenRevokedSchema(Schema):
    """A token that no longer authenticates. ``id`` is the token id: the ``sub`` of every
    principal the gateway signed for it, so a service finds what that token owns (webhooks)."""

    id = fields.String(required=True, metadata={"description": "the token id (the principal's `sub`)"})
    name = fields.String(required=True, metadata={"description": "the token's display name"})
    role = fields.String(required=True, validate=validate.OneOf([ORGANISER, CHAIR, INTEGRATION, READER]))
    revoked_at = fields.AwareDateTime(required=True)


# Event type -> the schema of its ``data`` (documented in openapi/asyncapi.yaml).
EVENTS = {TOKEN_REVOKED: TokenRevokedSchema}
