"""Query strings of the actions API."""
from __future__ import annotations

from marshmallow import fields, post_load, validate

from services.kit.schemas import PageQuery

from ..domain import owners
from .actions import STATUSES


class ActionQuery(PageQuery):
    owner = fields.String(validate=validate.Length(min=1, max=320), metadata={
        "description": "an owner's nick, alias or e-mail address (case-insensitive); an unknown one lists nothing"})
    status = fields.String(validate=STATUSES)
    event = fields.String()
    track = fields.String()

    @post_load
    def _normalise(self, data, **_kwargs):
        if "owner" in data:
            data["owner"] = owners.key(data["owner"])
        return data


SCHEMAS = {}
