"""Action item schemas: the item as the API and the events show it, what a create or a change loads."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_dump, validate, validates_schema

from services.kit.problems import Invalid
from services.kit.schemas import StrictSchema, page_schema

from ..domain import status

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$", error="lowercase letters, digits, - and _ only (at most 64)")
STATUSES = validate.OneOf(status.STATUSES)


class OwnerSchema(Schema):
    """An owner: the name as written and, when a person has that name, who they are."""

    name = fields.String(metadata={"description": "as written: a nick, an alias or an e-mail address"})
    nick = fields.String(allow_none=True, metadata={"description": "the person's nick; null while no person has the name"})
    email = fields.String(allow_none=True, metadata={"description": "the person's address (or the name, when an address)"})
    known = fields.Boolean(metadata={"description": "a person in the directory has this name"})

    @pre_dump
    def _present(self, owner, **_kwargs):
        if isinstance(owner, dict):
            return owner
        person = owner.person
        return {"name": owner.name, "nick": person.nick if person else None,
                "email": person.email if person else (owner.key if "@" in owner.key else None),
                "known": person is not None}


class SourceSchema(Schema):
    """The note item an action came from."""

    note_id = fields.String()
    item_id = fields.String()
    text = fields.String(allow_none=True, metadata={"description": "the line or sentence it came from"})
    line = fields.Integer(allow_none=True)
    removed = fields.Boolean(metadata={"description": "the item is gone from the note; the action was kept"})


class ActionSchema(StrictSchema):
    id = fields.String(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    owners = fields.List(fields.String(validate=validate.Length(min=1, max=320)), load_default=list,
                         validate=validate.Length(max=20), metadata={
                             "description": "nicks (`mgoddard` or `@mgoddard`), aliases or e-mail addresses; "
                                            "on output, each owner with the person it names"})
    needs_owner = fields.Boolean(dump_only=True, metadata={"description": "no owner yet"})
    event = fields.String(load_default=None, allow_none=True, validate=SLUG)
    track = fields.String(load_default=None, allow_none=True, validate=SLUG,
                          metadata={"description": "a track of `event`, as the schedule announced it"})
    session_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    due_date = fields.Date(load_default=None, allow_none=True, metadata={"description": "YYYY-MM-DD"})
    status = fields.String(load_default=status.OPEN, validate=STATUSES, metadata={
        "description": "open, in_progress, done or dropped; done and dropped only reopen (open)"})
    snoozed_until = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "no reminders before this day; only an open or in-progress action is snoozed"})
    source = fields.Nested(SourceSchema, dump_only=True, allow_none=True,
                           metadata={"description": "the note item it came from; null when made over the API"})
    version = fields.Integer(dump_only=True, metadata={"description": "grows with every change (the ETag)"})
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)
    completed_at = fields.AwareDateTime(dump_only=True, allow_none=True,
                                        metadata={"description": "when it became done; null unless done"})


class ActionDumpSchema(ActionSchema):
    """The action as responses and events carry it: owners with their people."""

    owners = fields.List(fields.Nested(OwnerSchema), dump_only=True)

    @pre_dump
    def _present(self, action, **_kwargs):
        if isinstance(action, dict):
            return action
        source = None
        if action.source_item_id is not None:
            source = {"note_id": action.source_note_id, "item_id": action.source_item_id, "text": action.source_text,
                      "line": action.source_line, "removed": action.source_removed}
        return {name: getattr(action, name) for name in (
            "id", "title", "description", "event", "track", "session_id", "due_date", "status", "snoozed_until",
            "version", "created_at", "updated_at", "completed_at", "needs_owner")} | {
            "owners": list(action.owners), "source": source}


ActionPage = page_schema(ActionDumpSchema, "ActionPage")
# What a PATCH loads: any of the fields, none required.
ActionChanges = ActionSchema(partial=True)


class BulkChangeSchema(StrictSchema):
    """Many actions changed alike, all or nothing."""

    ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)), required=True,
                      validate=validate.Length(min=1, max=500), metadata={"description": "the actions, each once",
                                                                          "uniqueItems": True})
    status = fields.String(validate=STATUSES, metadata={"description": "the status each comes to"})
    owners = fields.List(fields.String(validate=validate.Length(min=1, max=320)), validate=validate.Length(max=20),
                         metadata={"description": "the owners each gets (replacing theirs)"})

    @validates_schema
    def _something(self, data, **_kwargs):
        if "status" not in data and "owners" not in data:  # a rule across fields: 422
            raise Invalid("body", "give status, owners or both")
        if "ids" in data and len(set(data["ids"])) != len(data["ids"]):
            raise ValidationError("each id once", "ids")


class BulkResultSchema(Schema):
    items = fields.List(fields.Nested(ActionDumpSchema), required=True,
                        metadata={"description": "the actions as they are now, in the order of `ids`"})


class HistoryEntrySchema(Schema):
    """One change of an action: who, when, what kind, what it changed."""

    id = fields.String()
    at = fields.AwareDateTime(metadata={"description": "when"})
    who = fields.String(attribute="actor", metadata={
        "description": "the token's name; `notes` for a change from the notes, `link` for a mail's link"})
    kind = fields.String(metadata={
        "description": "created, changed, withdrawn, source_changed, source_removed or reminded"})
    changes = fields.Dict(metadata={"description": "{field: {from, to}} (on created: the values it started with)"})


HistoryPage = page_schema(HistoryEntrySchema, "HistoryPage")

SCHEMAS = {"ActionInput": ActionSchema, "ActionChanges": ActionChanges, "Action": ActionDumpSchema, "ActionPage": ActionPage,
           "BulkChange": BulkChangeSchema, "BulkResult": BulkResultSchema, "HistoryEntry": HistoryEntrySchema,
           "HistoryPage": HistoryPage}

EVENTS = {
    "ptghub.actions.action.created": ActionDumpSchema,
    "ptghub.actions.action.updated": ActionDumpSchema,
    "ptghub.actions.action.completed": ActionDumpSchema,
    "ptghub.actions.action.dropped": ActionDumpSchema,
    "ptghub.actions.action.withdrawn": ActionDumpSchema,
}
