"""Search over an event's notes and their items: the query's words (:mod:`..domain.search`), the store's
full-text matches (PostgreSQL's tsvector, SQLite's FTS5), one page of results, best first.

Notes and items are found apart and merged by rank (higher is better; each database ranks its own
way: ``ts_rank`` on PostgreSQL, ``-bm25()`` on SQLite). The cursor is the offset of the next page.
An unknown event is a 404 naming ``event``; an unknown or retired ``track`` simply finds nothing.
On PostgreSQL a note is indexed after its save (:func:`index_saved_notes`, the worker's indexer) and
found before that too: the store computes the vector of a note not indexed yet.
"""
from __future__ import annotations

from dataclasses import dataclass

from services.kit.db import UnitOfWork
from services.kit.problems import NotFound, Problem
from services.kit.schemas import decode_cursor, encode_cursor

from .. import store
from ..domain import search

MAX_OFFSET = 10_000


@dataclass(frozen=True)
class SearchRequest:
    event: str
    q: str
    track: str | None = None
    limit: int = 20
    cursor: str | None = None


@dataclass(frozen=True)
class Result:
    """One result: a note (``item`` None) or an item of it; ``snippet`` safe HTML with ``<mark>``."""

    note: store.Note
    item: store.NoteItem | None
    rank: float
    snippet: str


def search_event(uow: UnitOfWork, request: SearchRequest) -> tuple[list[Result], str | None]:
    """A page of the notes and items of ``request.event`` matching every word of ``request.q``."""
    words = search.terms(request.q)
    offset = _offset(request.cursor)
    if not store.event_known(uow.session, request.event):
        raise NotFound(f"no event {request.event!r} (notes knows the events the schedule announced)",
                       errors={"event": ["unknown event"]})
    matches = store.find_matches(uow.session, request.event, request.track, words, offset + request.limit + 1)
    matches.sort(key=lambda match: (-match.rank, match.item_id is not None, match.item_id or match.note_id))
    shown = store.hits_of(uow.session, matches[offset:offset + request.limit], words)
    more = len(matches) > offset + request.limit
    results = [Result(hit.note, hit.item, hit.rank, search.safe_snippet(hit.highlighted)) for hit in shown]
    return results, encode_cursor([offset + request.limit]) if more else None


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    value = decode_cursor(cursor, 1)[0]
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_OFFSET:
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})
    return value


INDEX_BATCH = 20


def index_saved_notes(uow: UnitOfWork, limit: int = INDEX_BATCH) -> int:
    """Index up to ``limit`` notes saved since they were last indexed (PostgreSQL's ``search`` vector,
    computed after the save; SQLite indexes in the save and has nothing here). How many it indexed."""
    return store.index_notes(uow.session, limit)
