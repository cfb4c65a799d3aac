"""Full-text search: what each database needs besides the mapped tables, the indexer's batch, the matches.

On PostgreSQL a ``search`` tsvector column (GIN-indexed) on ``notes`` (the session's title weighted A,
the body B), filled after the save by the worker's indexer (:func:`index_notes`), and a generated one
on ``note_items``; on SQLite two external-content FTS5 tables, ``notes_fts`` and ``note_items_fts``,
keyed by ``notes_fts_keys`` and ``note_items_fts_keys`` and kept in step by triggers.
:data:`SEARCH_DDL` creates them with the tables (``create_all``) and migrations 0005, 0007 and 0009
do the same for a migrated database. A later SQLite migration that rebuilds ``notes`` or
``note_items`` (``batch_alter_table``) drops their triggers and must create them again.

A search ranks ids only (:func:`find_matches`: no text is read per match), and the page shown is
loaded and highlighted after (:func:`hits_of`).

A query's words (:func:`..domain.search.terms`) are searched for together (all of them, stemmed as
English), on both databases: PostgreSQL gets them as ``plainto_tsquery('english', ...)``
(:func:`postgres_query`), SQLite's FTS5 (tokenizer ``porter unicode61``) as quoted phrases
(:func:`fts5_query`), so no FTS5 operator in a query can change its meaning or fail. Matches are
highlighted with the domain's sentinels (:data:`..domain.search.START`, ``STOP``): on SQLite by FTS5's
``snippet()``, on PostgreSQL by ``ts_headline``.
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
# moment it is saved. The vector is kept in the note's row (storage MAIN; out of line only past a page):
# a search that matches most notes reads every matching vector, and fetching each from the TOAST table
# cost more than ranking them (12 ms of 20 for 2,000 notes of 3 KB). The bodies (note, revision, outbox
# event) are compressed with lz4, not pglz.
SEARCH_WAKE = "notes.search"  # rung by the trigger below; the worker's search indexer waits on it
NOTE_VECTOR = ("setweight(to_tsvector('english', coalesce({n}title, '')), 'A') || "
               "setweight(to_tsvector('english', {n}body), 'B')")
# SQLite: FTS5 over the notes' and items' own rows (external content: the text is not copied), each
# row keyed by a stable integer of its own (``notes_fts_keys``, ``note_items_fts_keys``: a text id or
# an implicit rowid, which VACUUM may renumber, cannot be an FTS5 rowid). A search reads no content
# per match: the key gives the note (and an item's note and whether it was dismissed), so a word in
# most notes costs a lookup each, not a read of each note's text; the text is read for the page's
# snippets only. The triggers keep both in step (an update re-indexes only a changed text).
SQLITE_SEARCH = (
    "CREATE TABLE notes_fts_keys (key INTEGER PRIMARY KEY, note_id VARCHAR(36) NOT NULL UNIQUE)",
    "CREATE VIEW notes_fts_source AS SELECT k.key AS key, n.title AS title, n.body AS body"
    " FROM notes_fts_keys k JOIN notes n ON n.id = k.note_id",
    "CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, content='notes_fts_source', content_rowid='key',"
    " tokenize='porter unicode61')",
    "CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN "
    "INSERT INTO notes_fts_keys (note_id) VALUES (new.id); "
    "INSERT INTO notes_fts (rowid, title, body) SELECT key, new.title, new.body FROM notes_fts_keys"
    " WHERE note_id = new.id; END",
    "CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, body ON notes"
    " WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN "
    "INSERT INTO notes_fts (notes_fts, rowid, title, body) SELECT 'delete', key, old.title, old.body"
    " FROM notes_fts_keys WHERE note_id = old.id; "
    "INSERT INTO notes_fts (rowid, title, body) SELECT key, new.title, new.body FROM notes_fts_keys"
    " WHERE note_id = new.id; END",
    "CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN "
    "INSERT INTO notes_fts (notes_fts, rowid, title, body) SELECT 'delete', key, old.title, old.body"
    " FROM notes_fts_keys WHERE note_id = old.id; "
    "DELETE FROM notes_fts_keys WHERE note_id = old.id; END",
    "CREATE TABLE note_items_fts_keys (key INTEGER PRIMARY KEY, item_id VARCHAR(36) NOT NULL UNIQUE,"
    " note_id VARCHAR(36) NOT NULL, dismissed BOOLEAN NOT NULL)",
    "CREATE VIEW note_items_fts_source AS SELECT k.key AS key, i.text AS text"
    " FROM note_items_fts_keys k JOIN note_items i ON i.id = k.item_id",
    "CREATE VIRTUAL TABLE note_items_fts USING fts5(text, content='note_items_fts_source', content_rowid='key',"
    " tokenize='porter unicode61')",
    "CREATE TRIGGER note_items_fts_insert AFTER INSERT ON note_items BEGIN "
    "INSERT INTO note_items_fts_keys (item_id, note_id, dismissed)"
    " VALUES (new.id, new.note_id, new.state = 'dismissed'); "
    "INSERT INTO note_items_fts (rowid, text) SELECT key, new.text FROM note_items_fts_keys"
    " WHERE item_id = new.id; END",
    "CREATE TRIGGER note_items_fts_update AFTER UPDATE OF text ON note_items WHEN old.text IS NOT new.text BEGIN "
    "INSERT INTO note_items_fts (note_items_fts, rowid, text) SELECT 'delete', key, old.text FROM note_items_fts_keys"
    " WHERE item_id = old.id; "
    "INSERT INTO note_items_fts (rowid, text) SELECT key, new.text FROM note_items_fts_keys"
    " WHERE item_id = new.id; END",
    "CREATE TRIGGER note_items_fts_state AFTER UPDATE OF state ON note_items BEGIN "
    "UPDATE note_items_fts_keys SET dismissed = (new.state = 'dismissed') WHERE item_id = new.id; END",
    "CREATE TRIGGER note_items_fts_delete AFTER DELETE ON note_items BEGIN "
    "INSERT INTO note_items_fts (note_items_fts, rowid, text) SELECT 'delete', key, old.text FROM note_items_fts_keys"
    " WHERE item_id = old.id; "
    "DELETE FROM note_items_fts_keys WHERE item_id = old.id; END",
)
SEARCH_DDL = {
    "postgresql": (
        "ALTER TABLE notes ADD COLUMN search tsvector",
        "ALTER TABLE notes ALTER COLUMN search SET STORAGE MAIN",
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
    "sqlite": SQLITE_SEARCH,
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


class Match:
    """A full-text match as the store ranks it: a note (``item_id`` None) or an item of it, and its rank
    (higher is better, comparable within a kind)."""

    __slots__ = ("note_id", "item_id", "rank")

    def __init__(self, note_id: str, item_id: str | None, rank: float):
        self.note_id, self.item_id, self.rank = note_id, item_id, rank


class Hit:
    """A match shown: its note, its item (None for the note itself), rank and highlighted excerpt."""

    __slots__ = ("note", "item", "rank", "highlighted")

    def __init__(self, note: Note, item: NoteItem | None, rank: float, highlighted: str):
        self.note, self.item, self.rank, self.highlighted = note, item, rank, highlighted


def event_known(session: Session, event: str) -> bool:
    """Whether notes has heard of ``event``: a copy of it, of one of its tracks or of its sessions."""
    if session.get(Event, event) is not None:
        return True
    return session.scalar(sa.select(sa.literal(1)).where(sa.or_(
        sa.exists().where(Track.event == event), sa.exists().where(Note.event == event)))) is not None


def find_matches(session: Session, event: str, track: str | None, words: list[str], limit: int) -> list[Match]:
    """The ``limit`` best notes and the ``limit`` best items of ``event`` (of one ``track``) holding
    every one of ``words``, best first within each kind. Left out: the notes of deleted sessions, of
    retired tracks, and dismissed items. Only ids and ranks: :func:`hits_of` loads the ones shown."""
    postgres = session.get_bind().dialect.name == "postgresql"
    notes_found, items_found = (_search_postgres if postgres else _search_sqlite)(session, event, track, words, limit)
    return [Match(row.note_id, None, float(row.rank)) for row in notes_found] + \
        [Match(row.note_id, row.item_id, float(row.rank)) for row in items_found]


def hits_of(session: Session, matches: list[Match], words: list[str]) -> list[Hit]:
    """``matches`` (found for ``words``) with their notes, items and excerpts, made for these only (the
    databases read the texts to make them): SQLite's FTS5 ``snippet()``, PostgreSQL's ``ts_headline``
    (which parses all it is given: a note's is made of :func:`..domain.search.excerpt_source`)."""
    if not matches:
        return []
    notes = {note.id: note for note in session.scalars(sa.select(Note).where(
        Note.id.in_({match.note_id for match in matches})))}
    item_ids = [match.item_id for match in matches if match.item_id is not None]
    items = {item.id: item for item in session.scalars(sa.select(NoteItem).where(
        NoteItem.id.in_(item_ids)))} if item_ids else {}
    hits = [Hit(notes[match.note_id], items.get(match.item_id), match.rank, "") for match in matches
            if match.note_id in notes and (match.item_id is None or match.item_id in items)]  # gone meanwhile: left out
    make = _excerpts_postgres if session.get_bind().dialect.name == "postgresql" else _excerpts_sqlite
    for hit, excerpt in zip(hits, make(session, hits, words)):
        hit.highlighted = excerpt
    return hits


def _excerpts_postgres(session: Session, hits: list[Hit], words: list[str]) -> list[str]:
    query = postgres_query(words)
    stems = session.scalar(sa.text("SELECT tsvector_to_array(to_tsvector('english', :q))"), {"q": query}) or []
    texts = [hit.item.text if hit.item is not None else search.excerpt_source(hit.note.body, stems) for hit in hits]
    return session.execute(sa.text(
        "SELECT ts_headline('english', t.text, plainto_tsquery('english', :q), :options)"
        " FROM unnest(CAST(:texts AS text[])) WITH ORDINALITY AS t(text, n) ORDER BY t.n"),
        {"q": query, "texts": texts, "options": _PG_HEADLINE}).scalars().all()


# SQLite's snippets, notes then items: (FTS5 table, its keys, the key's id column, the text's column)
_SNIPPETS = (("notes_fts", "notes_fts_keys", "note_id", 1), ("note_items_fts", "note_items_fts_keys", "item_id", 0))


def _excerpts_sqlite(session: Session, hits: list[Hit], words: list[str]) -> list[str]:
    params = {"match": fts5_query(words), "start": search.START, "stop": search.STOP,
              "tokens": _SQLITE_SNIPPET_TOKENS}
    wanted = ([hit.note.id for hit in hits if hit.item is None], [hit.item.id for hit in hits if hit.item is not None])
    excerpts: tuple[dict[str, str], dict[str, str]] = ({}, {})
    for found, ids, (table, keys, column, text) in zip(excerpts, wanted, _SNIPPETS):
        if ids:
            found.update(session.execute(sa.text(
                f"SELECT k.{column}, snippet({table}, {text}, :start, :stop, '…', :tokens)"
                f" FROM {table} JOIN {keys} k ON k.key = {table}.rowid"
                f" WHERE {table} MATCH :match AND k.{column} IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True)), {**params, "ids": ids}).all())
    notes, items = excerpts
    return [items.get(hit.item.id, "") if hit.item is not None else notes.get(hit.note.id, "") for hit in hits]


# The retired tracks are one set for the whole query (a hashed subplan, not a probe per match).
_SEARCHABLE = ("n.event = :event AND (n.status IS NULL OR n.status <> 'deleted') AND n.revision > 0 "
               "AND n.track NOT IN (SELECT t.slug FROM tracks t WHERE t.event = :event AND t.deleted_at IS NOT NULL)")


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
    # Notes: the query inline, so the planner weighs the GIN index against a scan of the event's notes
    # by the words' frequencies; a note not indexed yet (``search`` null: just saved) is found from the
    # partial index, its vector computed here. Items: matched from the GIN index first (MATERIALIZED:
    # the planner, without statistics on a young table, would otherwise probe the index once per note).
    # No excerpts here: :func:`hits_of` makes those of the page shown.
    where = _SEARCHABLE + (" AND n.track = :track" if track is not None else "")
    params = {"event": event, "track": track, "q": postgres_query(words), "limit": limit}
    fresh = NOTE_VECTOR.format(n="n.")
    notes_found = session.execute(sa.text(
        "SELECT n.id AS note_id, ts_rank(n.search, query) AS rank FROM notes n, plainto_tsquery('english', :q) query"
        f" WHERE n.search @@ query AND {where}"
        f" UNION ALL SELECT n.id, ts_rank({fresh}, query) FROM notes n, plainto_tsquery('english', :q) query"
        f" WHERE n.search IS NULL AND {fresh} @@ query AND {where}"
        " ORDER BY rank DESC, note_id LIMIT :limit"), params).all()
    items_found = session.execute(sa.text(
        "WITH q AS MATERIALIZED (SELECT plainto_tsquery('english', :q) AS query),"
        " matched AS MATERIALIZED (SELECT m.id, m.note_id, ts_rank(m.search, q.query) AS rank"
        " FROM note_items m, q WHERE m.search @@ q.query AND m.state <> 'dismissed')"
        " SELECT matched.id AS item_id, matched.note_id, matched.rank"
        " FROM matched JOIN notes n ON n.id = matched.note_id"
        f" WHERE {where} ORDER BY matched.rank DESC, matched.id LIMIT :limit"), params).all()
    return notes_found, items_found


def _search_sqlite(session: Session, event: str, track: str | None, words: list[str], limit: int):
    # A match's note comes from its key, and the event's searchable notes from the covering index
    # ``ix_notes_searchable``: no note's row (nor its text) is read per match.
    searchable = ("SELECT n.id FROM notes n WHERE " + _SEARCHABLE
                  + (" AND n.track = :track" if track is not None else ""))
    params = {"event": event, "track": track, "match": fts5_query(words), "limit": limit}
    notes_found = session.execute(sa.text(
        "SELECT k.note_id AS note_id, -bm25(notes_fts, 10.0, 1.0) AS rank"
        " FROM notes_fts JOIN notes_fts_keys k ON k.key = notes_fts.rowid"
        f" WHERE notes_fts MATCH :match AND k.note_id IN ({searchable}) ORDER BY rank DESC, k.note_id LIMIT :limit"),
        params).all()
    items_found = session.execute(sa.text(
        "SELECT k.item_id AS item_id, k.note_id AS note_id, -bm25(note_items_fts) AS rank"
        " FROM note_items_fts JOIN note_items_fts_keys k ON k.key = note_items_fts.rowid"
        f" WHERE note_items_fts MATCH :match AND NOT k.dismissed AND k.note_id IN ({searchable})"
        " ORDER BY rank DESC, k.item_id LIMIT :limit"), params).all()
    return notes_found, items_found
