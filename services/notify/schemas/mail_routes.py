"""Schemas of a track's mail route and its switch of session notices."""
from __future__ import annotations

from marshmallow import fields

from services.kit.schemas import StrictSchema


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


SCHEMAS = {"MailRoute": MailRouteSchema}
