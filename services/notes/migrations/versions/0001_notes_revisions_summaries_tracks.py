"""notes revisions summaries tracks

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 02:55:16.683833
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db
from services.kit.migrations import create_kit_tables, drop_kit_tables


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_kit_tables()
    op.create_table('notes',
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('track', sa.String(length=64), nullable=False),
    sa.Column('room', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('start', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('session_updated_at', services.kit.db.UTCDateTime(timezone=True), nullable=True, comment="the schedule's updated_at of the copied session version"),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.kit.db.UTCDateTime(timezone=True), nullable=False, comment='when the body last changed'),
    sa.PrimaryKeyConstraint('session_id')
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index('ix_notes_event_track_start', ['event', 'track', 'start'], unique=False)

    op.create_table('summaries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('track', sa.String(length=64), nullable=False),
    sa.Column('track_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sessions', sa.JSON(), nullable=False, comment='[{session_id, title, start, end}]'),
    sa.Column('created_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.create_index('ix_summaries_event_track_created', ['event', 'track', 'created_at'], unique=False)

    op.create_table('tracks',
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('track_id', sa.String(length=36), nullable=False, comment="the schedule's id of the track"),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('mailing_list', sa.String(length=320), nullable=True),
    sa.Column('subject_tag', sa.String(length=64), nullable=True),
    sa.Column('copied_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event', 'slug')
    )
    op.create_table('note_revisions',
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author', sa.Text(), nullable=False),
    sa.Column('created_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['notes.session_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'revision')
    )


def downgrade() -> None:
    op.drop_table('note_revisions')
    op.drop_table('tracks')
    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_summaries_event_track_created')

    op.drop_table('summaries')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index('ix_notes_event_track_start')

    op.drop_table('notes')
    drop_kit_tables()
