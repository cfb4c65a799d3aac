"""The live board over HTTP (public), revalidated with a weak ETag: :mod:`..operations.board`."""
from __future__ import annotations

from flask import Blueprint, Response, request

from services.kit.db import utcnow
from services.kit.web import json_response, load_query, unit_of_work

from ..operations import board
from ..schemas.live import BoardQuery, BoardSchema

blueprint = Blueprint("board", __name__)

board_schema = BoardSchema()


@blueprint.get("/events/<event>/board")
def get_board(event: str):
    """The live board (public): every track's now, next, location, current and next session; every room's.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: BoardQuery
      responses:
        200: {description: 'the board; weak ETag, revalidate with If-None-Match', content: {application/json: {schema: Board}}}
        304: {description: the copy named by If-None-Match is current}
        400: {description: invalid `at`, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(BoardQuery())
    at = query.get("at") or utcnow()
    with unit_of_work() as uow:
        view = board.read(uow, event, at, is_current=request.if_none_match.contains_weak)
        response = Response(status=304) if view.board is None else json_response(board_schema.dump(view.board))
    response.set_etag(view.tag, weak=True)
    response.headers["Cache-Control"] = "no-cache"  # time moves the board: always revalidate
    return response
