"""People schemas: a person as the API shows them, what a create or a change loads."""
from __future__ import annotations

from marshmallow import fields, pre_dump, validate

from services.kit.schemas import StrictSchema, page_schema

from ..domain.owners import EMAIL, NICK

NICK_FORMAT = validate.Regexp(NICK, error="a nick: letters, digits, - _ . [ ] \\ ^ {{ }} | `, at most 64")


class PersonSchema(StrictSchema):
    id = fields.String(dump_only=True)
    nick = fields.String(required=True, validate=NICK_FORMAT, metadata={
        "description": "unique case-insensitively, and no one's alias; the person is found by it (or an alias)"})
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    email = fields.String(load_default=None, allow_none=True, validate=[
        validate.Length(max=320), validate.Regexp(EMAIL, error="an e-mail address")], metadata={
        "description": "unique; kept in lower case; reminders go here"})
    timezone = fields.String(load_default="UTC", validate=validate.Length(min=1, max=64), metadata={
        "description": "an IANA name (Europe/Berlin): reminders come inside the civil window there"})
    aliases = fields.List(fields.String(validate=NICK_FORMAT), load_default=list, validate=validate.Length(max=20),
                          metadata={"description": "other nicks of the person; unique across nicks and aliases"})
    reminders = fields.Boolean(load_default=True, metadata={"description": "false: no reminder mail at all"})
    version = fields.Integer(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)

    @pre_dump
    def _present(self, person, **_kwargs):
        if isinstance(person, dict):
            return person
        return {name: getattr(person, name) for name in (
            "id", "nick", "name", "email", "timezone", "reminders", "version", "created_at", "updated_at")} | {
            "aliases": [alias.alias for alias in person.aliases]}


PersonPage = page_schema(PersonSchema, "PersonPage")
# What a PATCH loads: any of the fields, none required (``aliases`` replaces the list).
PersonChanges = PersonSchema(partial=True)

SCHEMAS = {"Person": PersonSchema, "PersonChanges": PersonChanges, "PersonPage": PersonPage}
