"""A note's items, for every kind of note (:mod:`.shapes`): listed, confirmed or dismissed by a chair.
Registered on the ``notes`` blueprint by :mod:`.notes`."""
from __future__ import annotations

from services.kit.web import json_response, principal, unit_of_work

from ..domain import CONFIRMED, DISMISSED, NoteKey
from ..operations import notes
from ..schemas.items import ItemListSchema, ItemSchema

item_schema, items_schema = ItemSchema(), ItemListSchema()


def list_items(key: NoteKey):
    """The actions, decisions, links ... drawn out of the note's current text.
    ---
    get:
      parameters:
      %(parameters)s
      responses:
        200: {description: the items in line order, content: {application/json: {schema: ItemList}}}
        404: {description: '%(unknown)s', content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(items_schema.dump({"items": notes.list_items(uow, key)}))


def _decide(key: NoteKey, item: str, state: str):
    with unit_of_work() as uow:
        decided = notes.decide_item(uow, principal(), notes.ItemDecision(key, item, state))
        uow.commit()
    return json_response(item_schema.dump(decided))


def confirm_item(key: NoteKey, item: str):
    """A chair confirms an item (a suggestion drawn out of prose, say).
    ---
    post:
      parameters:
      %(parameters)s
      - {in: path, name: item, required: true, schema: {type: string}}
      responses:
        200: {description: the item, confirmed, content: {application/json: {schema: Item}}}
        403: {description: '%(forbidden)s', content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s, or no such item (`errors.item`)', content: {application/problem+json: {schema: Problem}}}
        409: {description: '%(gone)s', content: {application/problem+json: {schema: Problem}}}
    """
    return _decide(key, item, CONFIRMED)


def dismiss_item(key: NoteKey, item: str):
    """A chair dismisses an item (it stays dismissed while its line is there).
    ---
    post:
      parameters:
      %(parameters)s
      - {in: path, name: item, required: true, schema: {type: string}}
      responses:
        200: {description: the item, dismissed, content: {application/json: {schema: Item}}}
        403: {description: '%(forbidden)s', content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s, or no such item (`errors.item`)', content: {application/problem+json: {schema: Problem}}}
        409: {description: '%(gone)s', content: {application/problem+json: {schema: Problem}}}
    """
    return _decide(key, item, DISMISSED)


# (view, the path after the shape's prefix, method)
ROUTES = (
    (list_items, "/items", "GET"), (confirm_item, "/items/<item>/confirm", "POST"),
    (dismiss_item, "/items/<item>/dismiss", "POST"),
)
