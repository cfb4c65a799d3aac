"""Query strings of the actions API."""
from __future__ import annotations

from marshmallow import ValidationError, fields, post_load, validate

from services.kit.schemas import PageQuery

from ..domain import owners, status


class StatusList(fields.String):
    """One status or several, comma-separated (``status=open,in_progress``; a repeated ``status`` is
    joined so by the route): a list of statuses."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        found = [part.strip() for part in text.split(",") if part.strip()]
        if not found:
            raise ValidationError("one or more of: " + ", ".join(status.STATUSES))
        wrong = [part for part in found if part not in status.STATUSES]
        if wrong:
            raise ValidationError(f"not a status: {', '.join(wrong)}; one or more of: {', '.join(status.STATUSES)}")
        return list(dict.fromkeys(found))


class ActionQuery(PageQuery):
    owner = fields.String(validate=validate.Length(min=1, max=320), metadata={
        "description": "an owner's nick, alias or e-mail address (case-insensitive); an unknown one lists nothing"})
    status = StatusList(metadata={
        "description": "open, in_progress, done or dropped; several comma-separated (or the parameter repeated)",
        "pattern": "^(?:{0})(?:,(?:{0}))*$".format("|".join(status.STATUSES))})
    event = fields.String(validate=validate.Length(min=1, max=64))
    track = fields.String(validate=validate.Length(min=1, max=64))
    overdue = fields.Boolean(metadata={
        "description": "true: open or in-progress actions whose due date is before today (UTC); false: the others"})
    due_before = fields.Date(metadata={"description": "YYYY-MM-DD: actions due before that day"})
    needs_owner = fields.Boolean(metadata={"description": "true: actions with no owner yet; false: those with one"})

    @post_load
    def _normalise(self, data, **_kwargs):
        if "owner" in data:
            data["owner"] = owners.key(data["owner"])
        return data


class PersonQuery(PageQuery):
    q = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "part of a nick, an alias, a name or an address (case-insensitive)"})


class HistoryQuery(PageQuery):
    pass


SCHEMAS = {}
