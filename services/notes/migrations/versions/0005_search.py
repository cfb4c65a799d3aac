"""search: full-text indexes of the notes and their items

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:30:00

PostgreSQL: a generated ``search`` tsvector column on ``notes`` (the session's title weighted A,
the body B, English) and on ``note_items`` (its text), each GIN-indexed; being generated, existing
rows are filled when the column is added. SQLite: FTS5 tables ``notes_fts`` and ``note_items_fts``
(tokenizer ``porter unicode61``) kept in step by triggers, filled from the existing rows here.
The same statements as ``services.notes.store.SEARCH_DDL`` (copied: a migration does not change
when the store does).
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

POSTGRESQL = (
    "ALTER TABLE notes ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', body), 'B')) STORED",
    "CREATE INDEX ix_notes_search ON notes USING gin (search)",
    "ALTER TABLE note_items ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "to_tsvector('english', text)) STORED",
    "CREATE INDEX ix_note_items_search ON note_items USING gin (search)",
)
SQLITE = (
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
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL if dialect == "postgresql" else SQLITE if dialect == "sqlite" else ():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX ix_note_items_search")
        op.execute("ALTER TABLE note_items DROP COLUMN search")
        op.execute("DROP INDEX ix_notes_search")
        op.execute("ALTER TABLE notes DROP COLUMN search")
    elif dialect == "sqlite":
        for table in ("notes", "note_items"):
            for verb in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_fts_{verb}")
            op.execute(f"DROP TABLE {table}_fts")
