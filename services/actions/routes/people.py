"""Actions API: the people who own action items (nick, aliases, address, timezone, reminders on or off)."""
from __future__ import annotations

from flask import Blueprint

from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from ..operations import people
from ..schemas.people import PersonChanges, PersonSchema
from ..schemas.queries import PersonQuery

blueprint = Blueprint("people", __name__)

person_schema = PersonSchema()


def _etag(person) -> dict[str, str]:
    return {"ETag": f'"{person.version}"'}


@blueprint.post("/people")
def create_person():
    """Record a person: the owners already written with one of their names become theirs.
    ---
    post:
      requestBody:
        required: true
        content: {application/json: {schema: Person}}
      responses:
        201: {description: recorded, content: {application/json: {schema: Person}}}
        400: {description: 'invalid fields (a nick, an alias or an address that is none)', content: {application/problem+json: {schema: Problem}}}
        403: {description: only organisers and chairs record people, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the nick, an alias (as a nick or an alias) or the address is another person''s', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'not an IANA timezone, an alias that is the nick or given twice', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(person_schema)
    with unit_of_work() as uow:
        person = people.create_person(uow, principal(), data)
        uow.commit()
        return json_response(person_schema.dump(person), 201, {"Location": f"/people/{person.nick}", **_etag(person)})


@blueprint.get("/people")
def list_people():
    """List people by nick, optionally those matching `q`.
    ---
    get:
      parameters:
      - in: query
        schema: PersonQuery
      responses:
        200: {description: a page of people, content: {application/json: {schema: PersonPage}}}
        400: {description: invalid query, content: {application/problem+json: {schema: Problem}}}
        403: {description: the directory needs a token, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PersonQuery())
    with unit_of_work() as uow:
        items, cursor = people.list_people(uow, principal(), query)
        return page(items, person_schema, cursor)


@blueprint.get("/people/<nick>")
def get_person(nick: str):
    """One person, by nick, alias or address (case-insensitive).
    ---
    get:
      parameters:
      - {in: path, name: nick, required: true, schema: {type: string}}
      responses:
        200: {description: the person, content: {application/json: {schema: Person}}}
        403: {description: the directory needs a token, content: {application/problem+json: {schema: Problem}}}
        404: {description: no person has that name, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        person = people.get_person(uow, principal(), nick)
        return json_response(person_schema.dump(person), headers=_etag(person))


@blueprint.patch("/people/<nick>")
def update_person(nick: str):
    """Change some fields of a person (send only those; `aliases` replaces the list).
    ---
    patch:
      parameters:
      - {in: path, name: nick, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: PersonChanges}}
      responses:
        200: {description: the person as they are now, content: {application/json: {schema: Person}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: 'organisers and chairs change people; a person only their own name, timezone and reminders', content: {application/problem+json: {schema: Problem}}}
        404: {description: no person has that name, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the nick, an alias or the address is another person''s', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'not an IANA timezone, an alias that is the nick or given twice', content: {application/problem+json: {schema: Problem}}}
    """
    changes = load(PersonChanges)
    with unit_of_work() as uow:
        person = people.update_person(uow, principal(), nick, changes)
        uow.commit()
        return json_response(person_schema.dump(person), headers=_etag(person))
