"""Schemas of the suppression list (addresses that get no personal mail)."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from services.kit.schemas import LABEL, PageQuery, StrictSchema, page_schema

from .. import domain
from ..store import MANUAL, REASONS


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


SuppressionPage = page_schema(SuppressionSchema, "SuppressionPage")

SCHEMAS = {"Suppression": SuppressionSchema, "SuppressionPage": SuppressionPage}
