"""Actions API: exports. The list as CSV (its filters, every matching action, streamed), and
iCalendar to-do feeds of a person's and of a track's actions, answering conditional GETs.

The CSV's rows are read and written while the response is sent, in a read-only unit of work of
their own (the request's is gone by then); its filters are checked before the first byte. A feed
is found (404) and fingerprinted first: an ``If-None-Match`` naming the current ETag gets a 304
without a rendering.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from services.kit.web import load_query, unit_of_work

from ..operations import exports
from ..schemas.exports import ActionExportQuery

blueprint = Blueprint("exports", __name__)

CSV = "text/csv; charset=utf-8"
ICS = "text/calendar; charset=utf-8"
# Feeds are read with a token, so no shared cache keeps them; clients revalidate with the ETag.
CACHE_CONTROL = "private, no-cache"

export_query = ActionExportQuery()


@blueprint.get("/actions.csv")
def export_csv():
    """Every action item the filters of the list name, as CSV (RFC 4180, UTF-8, header row first).
    ---
    get:
      parameters:
      - in: query
        schema: ActionExportQuery
      responses:
        200:
          description: >-
            One row per action, oldest first: id, title, description, status, owners (`;`-joined),
            owner_emails (`;`-joined, in the owners' order, empty where unknown), event, track,
            session_id, due_date, snoozed_until, created_at, updated_at, completed_at, source_line,
            source_text, needs_owner, url. Text cells that start with = + - @ (or a tab or carriage
            return) are written with a leading `'`, so no spreadsheet runs them as formulas.
          headers:
            Content-Disposition: {schema: {type: string}, description: 'attachment; filename="actions-….csv"'}
          content: {text/csv: {schema: {type: string}}}
        400: {description: invalid filter, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(export_query)
    database = current_app.extensions["database"]

    def body():
        with database.unit_of_work(readonly=True) as uow:
            yield from exports.csv_export(uow, query)

    return Response(body(), status=200, content_type=CSV, headers={
        "Content-Disposition": f'attachment; filename="{exports.csv_filename(query)}"',
        "Cache-Control": CACHE_CONTROL})


def _calendar(rendering: exports.Rendering) -> Response:
    if rendering.body is None:
        response = Response(status=304)
    else:
        response = Response(rendering.body, status=200, content_type=ICS)
        response.headers["Content-Disposition"] = f'attachment; filename="{rendering.filename}"'
    response.set_etag(rendering.tag, weak=True)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _held(tag: str) -> bool:
    """The client's copy is this one (RFC 9110 If-None-Match, weak comparison)."""
    return bool(request.if_none_match) and request.if_none_match.contains_weak(tag)


@blueprint.get("/people/<nick>/actions.ics")
def person_ics(nick: str):
    """A person's action items (named by nick, alias or address) as iCalendar to-dos.
    ---
    get:
      parameters:
      - {in: path, name: nick, required: true, schema: {type: string}}
      - {in: header, name: If-None-Match, required: false, schema: {type: string}}
      responses:
        200:
          description: >-
            RFC 5545 calendar of VTODOs: UID `<action id>@ptghub`, SEQUENCE the action's version,
            DUE (a date) when due, STATUS NEEDS-ACTION, IN-PROCESS, COMPLETED (with COMPLETED) or
            CANCELLED, CATEGORIES its event and track, URL the action
          headers:
            ETag: {schema: {type: string}}
          content: {text/calendar: {schema: {type: string}}}
        304: {description: the copy named by If-None-Match is current}
        404: {description: no person has that nick or alias, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return _calendar(exports.person_calendar(uow, nick, _held))


@blueprint.get("/events/<event>/tracks/<track>/actions.ics")
def track_ics(event: str, track: str):
    """A track's action items as iCalendar to-dos (a track the schedule deleted keeps its feed).
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      - {in: header, name: If-None-Match, required: false, schema: {type: string}}
      responses:
        200:
          description: RFC 5545 calendar of the track's VTODOs, as the person feed has them
          headers:
            ETag: {schema: {type: string}}
          content: {text/calendar: {schema: {type: string}}}
        304: {description: the copy named by If-None-Match is current}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return _calendar(exports.track_calendar(uow, event, track, _held))
