"""The notes worker's timer: the search indexer (PostgreSQL).

A save empties the note's ``search`` vector and its trigger rings ``notes.search`` on commit; the
indexer, woken by that ring (or every ``PTGHUB_SEARCH_INDEX_INTERVAL`` seconds, 5, if a ring is
lost), lets the rings of a burst settle for :data:`SETTLE` seconds, then fills the vectors batch
by batch, each batch a unit of work of its own. Any number of workers may index at once: a vector
is only stored for the row version it was computed from.
On SQLite the FTS5 triggers index in the save and the indexer finds nothing to do.
"""
from __future__ import annotations

import threading
from typing import Callable

from services.kit import config
from services.kit.db import Database
from services.kit.polling import poll

from . import store
from .operations import search

DEFAULT_INTERVAL = 5.0
# After a ring, the indexer waits this long, so a burst of saves (a session copy per session of an
# import or a grid, a pad's keystrokes) is indexed in one statement rather than one transaction per
# save. A search does not wait for it: a note not indexed yet is matched on its vector computed then.
SETTLE = 0.2


def search_indexer(database: Database, every: float | None = None) -> Callable[[threading.Event], None]:
    every = config.number("SEARCH_INDEX_INTERVAL", DEFAULT_INTERVAL, positive=True) if every is None else every

    def index_batch() -> int:
        with database.unit_of_work() as uow:
            indexed = search.index_saved_notes(uow)
            uow.commit()
        return indexed

    def search_indexer(stop: threading.Event) -> None:
        poll(index_batch, stop, name="search indexer", interval=every, batch_size=search.INDEX_BATCH,
             wake=database.bells.wake(store.SEARCH_WAKE), settle=SETTLE)

    return search_indexer


def timers(database: Database) -> list[Callable[[threading.Event], None]]:
    """The worker's timers: the search indexer, on PostgreSQL (SQLite indexes in the save)."""
    return [search_indexer(database)] if database.engine.dialect.name == "postgresql" else []
