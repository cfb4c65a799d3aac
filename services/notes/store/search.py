"""Full-text search: what each database needs besides the mapped tables, the indexer's batch, the matches.

On PostgreSQL a ``search`` tsvector column (GIN-indexed) on ``notes`` (the session's title weighted A,
the body B), filled after the save by the worker's indexer (:func:`index_notes`), and a generated one
on ``note_items``; on SQLite two FTS5 tables, ``notes_fts`` and ``note_items_fts``, kept in step by
triggers. :data:`SEARCH_DDL` creates them with the tables (``create_all``) and migrations 0005 and
0007 do the same for a migrated database. A later SQLite migration that rebuilds ``notes`` or
``note_items`` (``batch_alter_table``) drops their triggers and must create them again.

A query's words (:func:`..domain.search.terms`) are searched for together (all of them, stemmed as
English), on both databases: PostgreSQL gets them as ``plainto_tsquery('english', ...)``
(:func:`postgres_query`), SQLite's FTS5 (tokenizer ``porter unicode61``) as quoted phrases
(:func:`fts5_query`), so no FTS5 operator in a query can change its meaning or fail. Matches are
highlighted with the domain's sentinels (:data:`..domain.search.START`, ``STOP``).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.wake import postgres_channel

from ..domain import search
from .models import Base, Event, Note, NoteItem, Track


# What each dialect needs besides the mapped tables (migrations 0005 and 0007 hold the same statements).
# PostgreSQL: a note's ``search`` vector is computed after the save, not in it (to_tsvector of a 200 KB
# note and its GIN entries cost more than the rest of the save): the trigger empties it when the title or
# the body changes and rings the indexer (``NOTIFY``, delivered on commit), which fills it
# (:func:`index_notes`). Until then a search computes that note's vector itself, so a note is found the
# moment it is saved. The bodies (note, revision, outbox event) are compressed with lz4, not pglz.
SEARCH_WAKE = "notes.search"  # rung by the trigger below; the worker's search indexer waits on it
NOTE_VECTOR = ("setweight(to_tsvector('english', coalesce({n}title, '')), 'A') || "
               "setweight(to_tsvector('english', {n}body), 'B')")
SEARCH_DDL = {
    "postgresql": (
        "ALTER TABLE notes ADD COLUMN search tsvector",
        "CREATE INDEX ix_notes_search ON notes USING gin (search)",
        "CREATE INDEX ix_notes_unindexed ON notes (id) WHERE search IS NULL",
        "CREATE FUNCTION notes_search_stale() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "NEW.search := NULL; "
        f"PERFORM pg_notify('{postgres_channel(SEARCH_WAKE)}', ''); RETURN NEW; END $$",
        "CREATE TRIGGER notes_search_new BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION notes_search_stale()",
        "CREATE TRIGGER notes_search_stale BEFORE UPDATE OF title, body ON notes FOR EACH ROW "
        "WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body IS DISTINCT FROM NEW.body) "
        "EXECUTE FUNCTION notes_search_stale()",
        "ALTER TABLE notes ALTER COLUMN body SET COMPRESSION lz4",
        "ALTER TABLE note_revisions ALTER COLUMN body SET COMPRESSION lz4",
        "ALTER TABLE outbox ALTER COLUMN payload SET COMPRESSION lz4",
        "ALTER TABLE note_items ADD COLUMN search tsvector GENERATED ALWAYS AS ("
        "to_tsvector('english', text)) STORED",
        "CREATE INDEX ix_note_items_search ON note_items USING gin (search)",
    ),
    "sqlite": (
        "CREATE VIRTUAL TABLE notes_fts USING fts5(note_id UNINDEXED, title, body, tokenize='porter unicode61')",
        "CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN "
        "INSERT INTO notes_fts (note_id, title, body) VALUES (new.id, new.title, new.body); END",
        "CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, body ON notes BEGIN "
        "DELETE FROM notes_fts WHERE note_id = old.id; "
        "INSERT INTO notes_fts (note_id, title, body) VALUES (new.id, new.title, new.body); END",
        "CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN "
        "DELETE FROM notes_fts WHERE note_id = old.id; END",
        "CREATE VIRTUAL TABLE note_items_fts USING fts5(item_id UNINDEXED, text, tokenize='porter unicode61')",
        "CREATE TRIGGER note_items_fts_insert AFTER INSERT ON note_items BEGIN "
        "INSERT INTO note_items_fts (item_id, text) VALUES (new.id, new.text); END",
        "CREATE TRIGGER note_items_fts_update AFTER UPDATE OF text ON note_items BEGIN "
        "DELETE FROM note_items_fts WHERE item_id = old.id; "
        "INSERT INTO note_items_fts (item_id, text) VALUES (new.id, new.text); END",
        "CREATE TRIGGER note_items_fts_delete AFTER DELETE ON note_items BEGIN "
        "DELETE FROM note_items_fts WHERE item_id = old.id; END",
    ),
}
for _dialect, _statements in SEARCH_DDL.items():
    for _statement in _statements:
        sa.event.listen(Base.metadata, "after_create", sa.DDL(_statement).execute_if(dialect=_dialect))


def postgres_query(words: list[str]) -> str:
    """The text given to ``plainto_tsquery('english', ...)``: every word, each required."""
    return " ".join(words)


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH expression requiring every word, each a quoted string (no operator gets through)."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


_PG_HEADLINE = f"StartSel={search.START}, StopSel={search.STOP}, MaxWords=30, MinWords=12, MaxFragments=2"
_SQLITE_SNIPPET_TOKENS = 24


class Hit:
    """A search result as the store finds it: a note (``item`` None) or an item of it, its rank (higher
    is better, comparable within a kind) and its excerpt with :mod:`..domain.search`'s sentinels around matches."""

    __slots__ = ("note", "item", "rank", "highlighted")

    def __init__(self, note: Note, item: NoteItem | None, rank: float, highlighted: str):
        self.note, self.item, self.rank, self.highlighted = note, item, rank, highlighted


def event_known(session: Session, event: str) -> bool:
    """Whether notes has heard of ``event``: a copy of it, of one of its tracks or of its sessions."""
    if session.get(Event, event) is not None:
        return True
    return session.scalar(sa.select(sa.literal(1)).where(sa.or_(
        sa.exists().where(Track.event == event), sa.exists().where(Note.event == event)))) is not None


def find_matches(session: Session, event: str, track: str | None, words: list[str], limit: int) -> list[Hit]:
    """The ``limit`` best notes and the ``limit`` best items of ``event`` (of one ``track``) holding
    every one of ``words``, best first within each kind. Left out: the notes of deleted sessions, of
    retired tracks, and dismissed items."""
    dialect = session.get_bind().dialect.name
    find = _search_postgres if dialect == "postgresql" else _search_sqlite
    notes_found, items_found = find(session, event, track, words, limit)
    notes = {note.id: note for note in session.scalars(sa.select(Note).where(
        Note.id.in_({row.note_id for row in notes_found} | {row.note_id for row in items_found})))}
    items = {item.id: item for item in session.scalars(sa.select(NoteItem).where(
        NoteItem.id.in_([row.item_id for row in items_found])))} if items_found else {}
    return [Hit(notes[row.note_id], None, float(row.rank), row.highlighted) for row in notes_found] + \
        [Hit(notes[row.note_id], items[row.item_id], float(row.rank), row.highlighted) for row in items_found]


_SEARCHABLE = ("n.event = :event AND (n.status IS NULL OR n.status <> 'deleted') AND n.revision > 0 "
               "AND NOT EXISTS (SELECT 1 FROM tracks t WHERE t.event = n.event AND t.slug = n.track "
               "AND t.deleted_at IS NOT NULL)")


def index_notes(session: Session, limit: int) -> int:
    """Fill the ``search`` vector of up to ``limit`` notes saved since they were last indexed (PostgreSQL;
    on SQLite the FTS5 triggers index in the save). How many it filled. The vectors are computed without
    a lock; a note saved again meanwhile (its row version, ``xmin``, moved on) is left for the next pass,
    and a save never waits on a vector being computed."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    return session.execute(sa.text(
        "UPDATE notes n SET search = fresh.vector FROM ("
        f" SELECT id, xmin AS version, {NOTE_VECTOR.format(n='')} AS vector FROM notes"
        " WHERE search IS NULL ORDER BY id LIMIT :limit) fresh"
        " WHERE n.id = fresh.id AND n.xmin = fresh.version"), {"limit": limit}).rowcount


def unindexed_notes(session: Session) -> int:
    """How many notes wait for their ``search`` vector (PostgreSQL; 0 on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    return session.scalar(sa.text("SELECT count(*) FROM notes WHERE search IS NULL"))


def _search_postgres(session: Session, event: str, track: str | None, words: list[str], limit: int):
    # An item's matches come from the GIN index first (MATERIALIZED: the planner, without statistics on
    # a young table, would otherwise probe the index once per note); ts_headline runs on the page only.
    # A note not indexed yet (``search`` null: just saved) has its vector computed here.
    where = _SEARCHABLE + (" AND n.track = :track" if track is not None else "")
    params = {"event": event, "track": track, "q": postgres_query(words), "limit": limit,
              "options": _PG_HEADLINE}
    vector = f"coalesce(n.search, {NOTE_VECTOR.format(n='n.')})"
    notes_found = session.execute(sa.text(
        "WITH q AS MATERIALIZED (SELECT plainto_tsquery('english', :q) AS query),"
        f" hits AS (SELECT n.id, ts_rank({vector}, q.query) AS rank, n.body FROM notes n, q"
        f" WHERE (n.search @@ q.query OR (n.search IS NULL AND {NOTE_VECTOR.format(n='n.')} @@ q.query))"
        f" AND {where} ORDER BY rank DESC, n.id LIMIT :limit)"
        " SELECT hits.id AS note_id, hits.rank, ts_headline('english', hits.body, q.query, :options) AS highlighted"
        " FROM hits, q ORDER BY hits.rank DESC, hits.id"), params).all()
    items_found = session.execute(sa.text(
        "WITH q AS MATERIALIZED (SELECT plainto_tsquery('english', :q) AS query),"
        " matched AS MATERIALIZED (SELECT m.id, m.note_id, m.text, ts_rank(m.search, q.query) AS rank"
        " FROM note_items m, q WHERE m.search @@ q.query AND m.state <> 'dismissed'),"
        " hits AS (SELECT matched.* FROM matched JOIN notes n ON n.id = matched.note_id"
        f" WHERE {where} ORDER BY matched.rank DESC, matched.id LIMIT :limit)"
        " SELECT hits.id AS item_id, hits.note_id, hits.rank,"
        " ts_headline('english', hits.text, q.query, :options) AS highlighted"
        " FROM hits, q ORDER BY hits.rank DESC, hits.id"), params).all()
    return notes_found, items_found


def _search_sqlite(session: Session, event: str, track: str | None, words: list[str], limit: int):
    where = _SEARCHABLE + (" AND n.track = :track" if track is not None else "")
    params = {"event": event, "track": track, "match": fts5_query(words), "limit": limit,
              "start": search.START, "stop": search.STOP, "tokens": _SQLITE_SNIPPET_TOKENS}
    notes_found = session.execute(sa.text(
        "SELECT notes_fts.note_id AS note_id, -bm25(notes_fts, 0.0, 10.0, 1.0) AS rank,"
        " snippet(notes_fts, 2, :start, :stop, '…', :tokens) AS highlighted"
        " FROM notes_fts JOIN notes n ON n.id = notes_fts.note_id"
        f" WHERE notes_fts MATCH :match AND {where} ORDER BY rank DESC, n.id LIMIT :limit"), params).all()
    items_found = session.execute(sa.text(
        "SELECT note_items_fts.item_id AS item_id, i.note_id, -bm25(note_items_fts) AS rank,"
        " snippet(note_items_fts, 1, :start, :stop, '…', :tokens) AS highlighted"
        " FROM note_items_fts JOIN note_items i ON i.id = note_items_fts.item_id JOIN notes n ON n.id = i.note_id"
        f" WHERE note_items_fts MATCH :match AND i.state <> 'dismissed' AND {where}"
        " ORDER BY rank DESC, i.id LIMIT :limit"), params).all()
    return notes_found, items_found
