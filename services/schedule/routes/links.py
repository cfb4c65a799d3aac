"""Routes of an event's useful links: ``/events/{event}/links``."""
from __future__ import annotations

from flask import Blueprint, Response

from services.kit.schemas import PageQuery
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from ..operations import links
from ..schemas.gathering import LinkChanges, LinkSchema

blueprint = Blueprint("links", __name__)

link_schema = LinkSchema()


@blueprint.post("/events/<event>/links")
def create_link(event: str):
    """Add a useful link to the event (venue map, etherpad index ...), last or at `position`. Organisers only.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Link}}
      responses:
        201: {description: added; link.changed carries every link, content: {application/json: {schema: Link}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(link_schema)
    with unit_of_work() as uow:
        row = links.create_link(uow, principal(), event, data)
        uow.commit()
        return json_response(link_schema.dump(row), 201, {"Location": f"/events/{event}/links/{row.id}"})


@blueprint.get("/events/<event>/links")
def list_links(event: str):
    """List the event's useful links, in order.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: PageQuery
      responses:
        200: {description: a page of links, content: {application/json: {schema: LinkPage}}}
        400: {description: invalid query, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        items, cursor = links.list_links(uow, event, query)
        return page(items, link_schema, cursor)


@blueprint.get("/events/<event>/links/<link_id>")
def get_link(event: str, link_id: str):
    """One link.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: link_id, required: true, schema: {type: string}}
      responses:
        200: {description: the link, content: {application/json: {schema: Link}}}
        404: {description: unknown event or link, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(link_schema.dump(links.get_link(uow, event, link_id)))


@blueprint.patch("/events/<event>/links/<link_id>")
def update_link(event: str, link_id: str):
    """Change a link's label or url, or move it to `position` (the others shift). Organisers only.
    ---
    patch:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: link_id, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: LinkChanges}}
      responses:
        200: {description: the link as it is now, content: {application/json: {schema: Link}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or link, content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(LinkChanges)
    with unit_of_work() as uow:
        row = links.update_link(uow, principal(), event, link_id, changes)
        uow.commit()
        return json_response(link_schema.dump(row))


@blueprint.delete("/events/<event>/links/<link_id>")
def delete_link(event: str, link_id: str):
    """Remove a link (the ones after it move up). Organisers only.
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: link_id, required: true, schema: {type: string}}
      responses:
        204: {description: removed; link.changed carries the links left}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or link, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        links.delete_link(uow, principal(), event, link_id)
        uow.commit()
    return Response(status=204)
