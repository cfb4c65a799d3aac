"""actions tracks

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 02:55:17.631825
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
    op.create_table('actions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner_email', sa.String(length=320), nullable=False),
    sa.Column('owner_nick', sa.String(length=64), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('snoozed_until', sa.Date(), nullable=True),
    sa.Column('event', sa.String(length=64), nullable=True),
    sa.Column('track', sa.String(length=64), nullable=True),
    sa.Column('session_id', sa.String(length=64), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index('ix_actions_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_actions_event_track', ['event', 'track'], unique=False)
        batch_op.create_index('ix_actions_owner_created', ['owner_email', 'created_at'], unique=False)

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


def downgrade() -> None:
    op.drop_table('tracks')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_owner_created')
        batch_op.drop_index('ix_actions_event_track')
        batch_op.drop_index('ix_actions_created')

    op.drop_table('actions')
    drop_kit_tables()
