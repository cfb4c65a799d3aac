"""track notes and items: one note model with a kind (session or track), the items drawn out of a
note's text, the chairs of the track copies

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:45:00

``notes.session_id`` becomes ``notes.id`` (a session note's id stays its session's) and
``note_revisions.session_id`` becomes ``note_id``; a track note has no session copy, so those
columns take NULL. The tables are rebuilt by copying (the same steps on PostgreSQL and SQLite,
where a table rebuilt in place would cascade the revisions away).
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TRACK_NOTE = sa.text("kind = 'track'")


def _notes_table(name: str, key: str, nullable_copy: bool, with_kind: bool) -> None:
    columns = [sa.Column(key, sa.String(length=36), nullable=False,
                         comment="a session note's: the session's id" if key == "id" else None)]
    if with_kind:
        columns.append(sa.Column('kind', sa.String(length=10), nullable=False, server_default='session'))
    columns += [
        sa.Column('event', sa.String(length=64), nullable=False),
        sa.Column('track', sa.String(length=64), nullable=False),
        sa.Column('room', sa.String(length=64), nullable=nullable_copy),
        sa.Column('title', sa.String(length=300), nullable=nullable_copy),
        sa.Column('start', services.kit.db.UTCDateTime(timezone=True), nullable=nullable_copy),
        sa.Column('end', services.kit.db.UTCDateTime(timezone=True), nullable=nullable_copy),
        sa.Column('status', sa.String(length=20), nullable=nullable_copy),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('session_updated_at', services.kit.db.UTCDateTime(timezone=True), nullable=True,
                  comment="the schedule's updated_at of the copied session version"),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('created_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', services.kit.db.UTCDateTime(timezone=True), nullable=False,
                  comment='when the body last changed'),
        sa.PrimaryKeyConstraint(key, name=f'pk_{name}'),
    ]
    op.create_table(name, *columns)


def _revisions_table(name: str, notes: str, key: str, note_key: str) -> None:
    op.create_table(name,
        sa.Column(key, sa.String(length=36), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('author', sa.Text(), nullable=False),
        sa.Column('created_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint([key], [f'{notes}.{note_key}'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint(key, 'revision', name=f'pk_{name}'),
    )


COPIED = "event, track, room, title, start, \"end\", status, timezone, session_updated_at, body, revision, " \
         "created_at, updated_at"


def upgrade() -> None:
    _notes_table('notes_v3', 'id', nullable_copy=True, with_kind=True)
    op.execute(f"INSERT INTO notes_v3 (id, kind, {COPIED}) SELECT session_id, 'session', {COPIED} FROM notes")
    _revisions_table('note_revisions_v3', 'notes_v3', 'note_id', 'id')
    op.execute("INSERT INTO note_revisions_v3 (note_id, revision, body, author, created_at) "
               "SELECT session_id, revision, body, author, created_at FROM note_revisions")
    op.drop_table('note_revisions')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index('ix_notes_event_track_start')
    op.drop_table('notes')
    op.rename_table('notes_v3', 'notes')
    op.rename_table('note_revisions_v3', 'note_revisions')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index('ix_notes_event_track_start', ['event', 'track', 'start'], unique=False)
        batch_op.create_index('ux_notes_track_note', ['event', 'track'], unique=True,
                              sqlite_where=TRACK_NOTE, postgresql_where=TRACK_NOTE)

    op.create_table('note_items',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('note_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('source', sa.Text(), nullable=False, comment='the line or sentence it came from, as written'),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('owners', sa.JSON(), nullable=False),
        sa.Column('due', sa.Date(), nullable=True),
        sa.Column('suggested', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('url', sa.Text(), nullable=True),
        sa.Column('urls', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['note_id'], ['notes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('note_items', schema=None) as batch_op:
        batch_op.create_index('ix_note_items_note_line', ['note_id', 'line'], unique=False)
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chairs', sa.JSON(), nullable=True,
                                      comment="the track's chairs as the schedule gave them: [{nick, name, email}]"))


def downgrade() -> None:
    """Back to session notes only: track notes and all items are dropped."""
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.drop_column('chairs')
    op.drop_table('note_items')
    _notes_table('notes_v2', 'session_id', nullable_copy=False, with_kind=False)
    op.execute(f"INSERT INTO notes_v2 (session_id, {COPIED}) SELECT id, {COPIED} FROM notes WHERE kind = 'session'")
    _revisions_table('note_revisions_v2', 'notes_v2', 'session_id', 'session_id')
    op.execute("INSERT INTO note_revisions_v2 (session_id, revision, body, author, created_at) "
               "SELECT r.note_id, r.revision, r.body, r.author, r.created_at FROM note_revisions r "
               "JOIN notes n ON n.id = r.note_id WHERE n.kind = 'session'")
    op.drop_table('note_revisions')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index('ux_notes_track_note')
        batch_op.drop_index('ix_notes_event_track_start')
    op.drop_table('notes')
    op.rename_table('notes_v2', 'notes')
    op.rename_table('note_revisions_v2', 'note_revisions')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index('ix_notes_event_track_start', ['event', 'track', 'start'], unique=False)
