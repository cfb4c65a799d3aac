"""who saved a note's revisions, read from an index: ``ix_note_revisions_authors`` on (note_id, author)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 18:20:00

Every save asks who has written the note before (the people "I" may be among). Without this index
the answer reads every revision's row, and on SQLite the author sits after the body, so each row's
overflow pages are read to reach it: a 200 KB note saved 100 times read 20 MB for a few names.
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_note_revisions_authors', 'note_revisions', ['note_id', 'author'])


def downgrade() -> None:
    op.drop_index('ix_note_revisions_authors', table_name='note_revisions')
