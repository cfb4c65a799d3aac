"""ptgbot over HTTP: a chat relay forwards a line (:mod:`..operations.commands`); an organiser
imports ptgbot's JSON (:mod:`..operations.importing`)."""
from __future__ import annotations

from flask import Blueprint

from services.kit.auth import require_organiser
from services.kit.db import utcnow
from services.kit.problems import Forbidden
from services.kit.web import json_response, load, principal, unit_of_work

from ..operations import commands, importing
from ..ptgbot.nicks import may_relay
from ..schemas.live import PtgbotCommandSchema, PtgbotDocumentSchema, PtgbotImportResultSchema, PtgbotReplySchema

blueprint = Blueprint("ptgbot", __name__)

reply_schema = PtgbotReplySchema()
import_result_schema = PtgbotImportResultSchema()


@blueprint.post("/events/<event>/ptgbot/commands")
def post_ptgbot_command(event: str):
    """Apply one chat line as ptgbot would, for the nick that sent it.
    ---
    post:
      description: |
        For chat relays: the caller is an integration token allowed to relay (or an organiser); the
        sender's nick decides what the line may do — the event's organiser nicks everything, a track's
        chair nicks that track's commands, anyone the track commands when the event lets everyone speak
        (ptgbot's voice setting). Commands: `#TRACK now|next|clean|location|url|color|etherpad|book|unbook ...`,
        `~motd add|del|reorder|clean`, `~newday`, `~add|~del|~clean TRACK...`, `~list`,
        `~requirevoice`, `~alloweveryone`, `#help`. With `track` (the track whose channel it was said in),
        MeetBot's lines `#action`, `#agreed`, `#link`, `#info` ... from anyone go to the note of the track's
        session under way (the track's note between sessions; `ptghub.schedule.note.line`). Refusals are
        answers, not errors: 200 with `applied: false` and the text to say in the channel.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: PtgbotCommand}}
      responses:
        200: {description: the bot's answer, content: {application/json: {schema: PtgbotReply}}}
        400: {description: malformed body, content: {application/problem+json: {schema: Problem}}}
        403: {description: the caller may not relay commands, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(PtgbotCommandSchema())
    if not may_relay(principal(), event):
        raise Forbidden("only a relay (an integration token allowed to relay) or an organiser may forward "
                        "chat commands", errors={"principal": ["not a relay"]})
    with unit_of_work() as uow:
        outcome = commands.run_command(uow, event, data["nick"], data["text"], utcnow(), data["track"])
        if outcome.applied:
            uow.commit()
    return json_response(reply_schema.dump(outcome))


@blueprint.post("/events/<event>/ptgbot/import")
def post_ptgbot_import(event: str):
    """Import ptgbot's JSON (base.json / ptg.json): grid, rooms, tracks, bookings, links, motd, statuses.
    ---
    post:
      description: |
        Organisers. Day names map onto the event's dates (the first ptgbot day onto the event's first
        date with that weekday; otherwise in order); slot times (`desc`, HH:MM-HH:MM) are local to the
        event's timezone. Rooms by slug of their name, tracks by name, slots by code, sessions by room
        and slot: running it twice changes nothing. A session in the way makes it 409 and writes nothing.
        No string (nor key) anywhere in the document may hold NUL: a 422 naming each. A link whose URL
        is not an http(s) URL, as a link's URL must be, is left out with a warning.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: PtgbotDocument}}
      responses:
        200: {description: what changed, content: {application/json: {schema: PtgbotImportResult}}}
        400: {description: not ptgbot's JSON, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: a session is in the way, content: {application/problem+json: {schema: Problem}}}
        422: {description: 'the grid does not fit the event, or a string holds NUL', content: {application/problem+json: {schema: Problem}}}
    """
    require_organiser(principal(), "the event's schedule", event)
    doc = load(PtgbotDocumentSchema())
    with unit_of_work() as uow:
        result = importing.import_ptgbot(uow, event, doc, utcnow())
        uow.commit()
    return json_response(import_result_schema.dump(result))
