"""search after the save: PostgreSQL fills a note's search vector after the save, not in it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 07:00:00

PostgreSQL only (SQLite's FTS5 triggers stay as they are: indexing a note there costs little).
``notes.search`` was a generated column: every save of a 200 KB note paid ``to_tsvector`` and its GIN
entries (about 25 ms and 15 ms) inside the save's transaction. It becomes a plain column that a
trigger empties when the title or the body changes (and notifies ``ptghub.notes.search``, delivered
on commit), filled by the notes worker's indexer; a search computes the vector of a note not indexed
yet itself. A partial index finds those notes. The existing notes are indexed here. The bodies
(note, revision, outbox payload) are compressed with lz4 from now on (pglz is several times slower
at 200 KB). The same statements as ``services.notes.store.SEARCH_DDL`` (copied: a migration does not
change when the store does).
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

VECTOR = ("setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
          "setweight(to_tsvector('english', body), 'B')")
UPGRADE = (
    "DROP INDEX ix_notes_search",
    "ALTER TABLE notes DROP COLUMN search",
    "ALTER TABLE notes ADD COLUMN search tsvector",
    f"UPDATE notes SET search = {VECTOR}",
    "CREATE INDEX ix_notes_search ON notes USING gin (search)",
    "CREATE INDEX ix_notes_unindexed ON notes (id) WHERE search IS NULL",
    "CREATE FUNCTION notes_search_stale() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.search := NULL; PERFORM pg_notify('ptghub.notes.search', ''); RETURN NEW; END $$",
    "CREATE TRIGGER notes_search_new BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION notes_search_stale()",
    "CREATE TRIGGER notes_search_stale BEFORE UPDATE OF title, body ON notes FOR EACH ROW "
    "WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body IS DISTINCT FROM NEW.body) "
    "EXECUTE FUNCTION notes_search_stale()",
    "ALTER TABLE notes ALTER COLUMN body SET COMPRESSION lz4",
    "ALTER TABLE note_revisions ALTER COLUMN body SET COMPRESSION lz4",
    "ALTER TABLE outbox ALTER COLUMN payload SET COMPRESSION lz4",
)
DOWNGRADE = (
    "DROP TRIGGER notes_search_stale ON notes",
    "DROP TRIGGER notes_search_new ON notes",
    "DROP FUNCTION notes_search_stale()",
    "DROP INDEX ix_notes_unindexed",
    "DROP INDEX ix_notes_search",
    "ALTER TABLE notes DROP COLUMN search",
    f"ALTER TABLE notes ADD COLUMN search tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX ix_notes_search ON notes USING gin (search)",
    "ALTER TABLE notes ALTER COLUMN body SET COMPRESSION pglz",
    "ALTER TABLE note_revisions ALTER COLUMN body SET COMPRESSION pglz",
    "ALTER TABLE outbox ALTER COLUMN payload SET COMPRESSION pglz",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
