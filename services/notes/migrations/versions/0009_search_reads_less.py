"""search reads less: no note's text per match on SQLite, vectors in the row on PostgreSQL

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 07:30:00

A search for a word in most of an event's notes read each matching note's text, and that, not the
ranking, was most of its time (2,000 notes of 3 KB: 20 ms of 25 on SQLite, 12 of 20 on PostgreSQL).

- Both: ``ix_notes_searchable`` (event, track, status, revision, id): which notes a search may show,
  answered from the index (on SQLite ``revision`` sits after the body, in its overflow pages).
- SQLite: the FTS5 tables become external-content tables over the notes' and items' own rows, keyed
  by integers of their own (``notes_fts_keys``, ``note_items_fts_keys``, which also hold an item's
  note and whether it was dismissed); a match's note comes from its key, not from the FTS5 copy of its
  text (which each read loaded whole). The text is no longer stored twice. Filled here.
- PostgreSQL: ``notes.search`` is stored MAIN (in the row) instead of EXTENDED: each vector of a few
  KB was fetched through the TOAST index. The vectors there are rewritten into their rows.

The same statements as ``services.notes.store.SEARCH_DDL`` (copied: a migration does not change when
the store does); the downgrade restores migration 0005's FTS5 tables.
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

OLD_SQLITE = (
    "notes_fts_insert", "notes_fts_update", "notes_fts_delete",
    "note_items_fts_insert", "note_items_fts_update", "note_items_fts_delete",
)
SQLITE = (
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
    "INSERT INTO notes_fts_keys (note_id) SELECT id FROM notes",
    "INSERT INTO notes_fts (notes_fts) VALUES ('rebuild')",
    "INSERT INTO note_items_fts_keys (item_id, note_id, dismissed) SELECT id, note_id, state = 'dismissed'"
    " FROM note_items",
    "INSERT INTO note_items_fts (note_items_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
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
    "INSERT INTO notes_fts (note_id, title, body) SELECT id, title, body FROM notes",
    "INSERT INTO note_items_fts (item_id, text) SELECT id, text FROM note_items",
)


def upgrade() -> None:
    op.create_index('ix_notes_searchable', 'notes', ['event', 'track', 'status', 'revision', 'id'])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _drop_sqlite_search(OLD_SQLITE + ("note_items_fts_state",))
        for statement in SQLITE:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("ALTER TABLE notes ALTER COLUMN search SET STORAGE MAIN")
        op.execute("UPDATE notes SET search = search || ''::tsvector WHERE search IS NOT NULL")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _drop_sqlite_search(OLD_SQLITE + ("note_items_fts_state",))
        op.execute("DROP TABLE IF EXISTS notes_fts_keys")
        op.execute("DROP TABLE IF EXISTS note_items_fts_keys")
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("ALTER TABLE notes ALTER COLUMN search SET STORAGE EXTENDED")
        op.execute("UPDATE notes SET search = search || ''::tsvector WHERE search IS NOT NULL")
    op.drop_index('ix_notes_searchable', table_name='notes')


def _drop_sqlite_search(triggers: tuple[str, ...]) -> None:
    for trigger in triggers:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS notes_fts")
    op.execute("DROP TABLE IF EXISTS note_items_fts")
    op.execute("DROP VIEW IF EXISTS notes_fts_source")
    op.execute("DROP VIEW IF EXISTS note_items_fts_source")
