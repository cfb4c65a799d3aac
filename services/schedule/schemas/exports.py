"""Schemas documenting the exports (the renderers in ``exports`` build the documents themselves)."""
from __future__ import annotations

from marshmallow import Schema, fields


class PtgbotSlot(Schema):
    name = fields.String(required=True, metadata={"description": "slot code, e.g. MonA1"})
    desc = fields.String(required=True, metadata={"description": "local times, e.g. 09:00-10:45"})
    realtime = fields.String(metadata={"description": "start in UTC, e.g. 2018-09-10T15:00:00Z"})


class PtgbotMotd(Schema):
    level = fields.String(required=True, metadata={"description": "info, success, warning or danger"})
    message = fields.String(required=True)


class PtgbotJson(Schema):
    """ptgbot's database document (ptg.json), with the keys and shapes ptgbot writes."""

    eventid = fields.String(required=True, metadata={"description": "the event's slug"})
    voice = fields.Integer(required=True, metadata={
        "description": "ptgbot's voice setting: 1 when only chairs and organisers may command the bot, "
                       "0 when everyone may"})
    links = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                        metadata={"description": "label -> URL"})
    motd = fields.List(fields.Nested(PtgbotMotd), required=True)
    now = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                      metadata={"description": "track -> what it discusses now"})
    next = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True,
                       metadata={"description": "track -> what comes next, in order"})
    etherpads = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                            metadata={"description": "track -> notes URL"})
    urls = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                       metadata={"description": "track -> meeting (video) URL"})
    colors = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                         metadata={"description": "track -> colour"})
    location = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                           metadata={"description": "track -> where it meets now"})
    last_check_in = fields.Dict(required=True)
    subscriptions = fields.Dict(required=True)
    slots = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(PtgbotSlot)), required=True,
                        metadata={"description": "day name (Monday ...) -> that day's slots in order"})
    tracks = fields.List(fields.String(), required=True)
    schedule = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.String()),
                           required=True, metadata={
                               "description": "room name -> {desc, url, cap_icon, cap_desc (each when set), "
                                              "and per slot code the track booked there or \"\"}"})
    timestamp = fields.String(metadata={"description": "when the schedule last changed, event-local time"})


SCHEMAS = {"PtgbotSlot": PtgbotSlot, "PtgbotMotd": PtgbotMotd, "PtgbotJson": PtgbotJson}
