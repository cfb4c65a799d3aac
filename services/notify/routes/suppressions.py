"""The suppression list (organisers only): addresses that get no personal mail."""
from __future__ import annotations

from flask import Response

from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from ..operations import suppressions
from ..schemas.suppressions import SuppressionQuery, SuppressionSchema
from . import mail_blueprint as blueprint

suppression_schema = SuppressionSchema()


@blueprint.get("/suppressions")
def list_suppressions():
    """The suppression list, oldest first: addresses that get no personal mail.
    ---
    get:
      parameters:
      - in: query
        schema: SuppressionQuery
      responses:
        200: {description: a page of suppressed addresses, content: {application/json: {schema: SuppressionPage}}}
        400: {description: invalid filter, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(SuppressionQuery())
    with unit_of_work() as uow:
        items, cursor = suppressions.list_suppressions(uow, principal(), query)
        return page(items, suppression_schema, cursor)


@blueprint.post("/suppressions")
def add_suppression():
    """Suppress an address: no personal mail goes to it (list posts still do).
    ---
    post:
      requestBody:
        required: true
        content: {application/json: {schema: Suppression}}
      responses:
        201: {description: suppressed, content: {application/json: {schema: Suppression}}}
        400: {description: 'invalid fields (an address that is not one plain user@host, an unknown reason)', content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        409: {description: the address is suppressed already (its entry is kept), content: {application/problem+json: {schema: Problem}}}
    """
    data = load(suppression_schema)
    with unit_of_work() as uow:
        row = suppressions.add_suppression(uow, principal(), data)
        uow.commit()
    return json_response(suppression_schema.dump(row), 201, {"Location": f"/suppressions/{row.address}"})


@blueprint.delete("/suppressions/<path:address>")
def delete_suppression(address: str):
    """Lift a suppression: personal mail goes to the address again (what was suppressed before is
    not sent by itself: resend it).
    ---
    delete:
      parameters:
      - {in: path, name: address, required: true, schema: {type: string}, description: the address (any case)}
      responses:
        204: {description: lifted}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: the address is not on the list, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        suppressions.remove_suppression(uow, principal(), address)
        uow.commit()
    return Response(status=204)
