"""A track's mail route (the list and tag the schedule gave it) and its switch of
session notices. Organisers, or a chair of the track (a chair only its own (event, track))."""
from __future__ import annotations

from services.kit.web import json_response, load, principal, unit_of_work

from ..operations import routing
from ..schemas.mail_routes import MailRouteSchema
from . import notify_blueprint as blueprint

route_schema = MailRouteSchema()
changes_schema = MailRouteSchema(partial=True)


@blueprint.get("/mail-routes/<event>/<track>")
def get_mail_route(event: str, track: str):
    """A track's mail route: its list, subject tag and whether session notices are on.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      responses:
        200: {description: the route, content: {application/json: {schema: MailRoute}}}
        403: {description: neither organiser nor a chair of the track, content: {application/problem+json: {schema: Problem}}}
        404: {description: no such track (the schedule has not announced it), content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(route_schema.dump(routing.get_mail_route(uow, principal(), event, track)))


@blueprint.patch("/mail-routes/<event>/<track>")
def change_mail_route(event: str, track: str):
    """Switch the track's session notices (moved or cancelled sessions) on or off.
    ---
    patch:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: MailRoute}}
      responses:
        200: {description: the route as it now is, content: {application/json: {schema: MailRoute}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: neither organiser nor a chair of the track, content: {application/problem+json: {schema: Problem}}}
        404: {description: no such track (the schedule has not announced it), content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(changes_schema)
    with unit_of_work() as uow:
        route = routing.change_mail_route(uow, principal(), event, track, changes)
        uow.commit()
        return json_response(route_schema.dump(route))
