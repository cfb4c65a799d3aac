"""Full-text search over an event's notes and their items (load, one operation, dump). On the
``notes`` blueprint."""
from __future__ import annotations

from services.kit.web import load_query, page, unit_of_work

from ..operations import search
from ..schemas.search import SearchQuery, SearchResultSchema
from .notes import blueprint

result_schema = SearchResultSchema()


@blueprint.get("/events/<event>/search")
def search_event(event: str):
    """Full-text search over an event's notes and their items, best first, with a highlighted snippet.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: SearchQuery
      responses:
        200: {description: 'a page of results (notes of deleted sessions, retired tracks and deleted free notes, and dismissed items, left out)', content: {application/json: {schema: SearchPage}}}
        400: {description: '`q` missing, empty, only punctuation or over 500 characters; or an invalid limit or cursor', content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown event (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(SearchQuery())
    with unit_of_work() as uow:
        results, cursor = search.search_event(uow, search.SearchRequest(
            event, query["q"], query["track"], query["limit"], query["cursor"]))
        return page(results, result_schema, cursor)
