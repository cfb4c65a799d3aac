"""free notes: an event's notes named by a slug (``kind`` event), beside the session and track notes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00

``notes`` gains ``slug`` (null for the session and track notes already there) and a unique index on
(event, slug) for the rows of kind ``event``. Adding a nullable column rebuilds nothing on SQLite, so
the FTS5 triggers of migration 0005 stay as they are; a free note's title and body are indexed like a
session's.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('notes', sa.Column('slug', sa.String(length=64), nullable=True,
                                     comment="a free note's slug; null for the other kinds"))
    op.create_index('ux_notes_free_note', 'notes', ['event', 'slug'], unique=True,
                    sqlite_where=sa.text("kind = 'event'"), postgresql_where=sa.text("kind = 'event'"))


def downgrade() -> None:
    op.drop_index('ux_notes_free_note', table_name='notes')
    for table in ('note_items', 'note_revisions'):
        op.execute(f"DELETE FROM {table} WHERE note_id IN (SELECT id FROM notes WHERE kind = 'event')")
    op.execute("DELETE FROM notes WHERE kind = 'event'")
    if op.get_bind().dialect.name == 'sqlite':
        # DROP COLUMN (SQLite 3.35+) leaves the table and its FTS5 triggers in place.
        op.execute("ALTER TABLE notes DROP COLUMN slug")
    else:
        op.drop_column('notes', 'slug')
