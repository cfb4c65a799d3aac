"""slots motd links and the full room track session model

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:11:56.526393
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('links',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_links_event_id'), ['event_id'], unique=False)

    op.create_table('motd',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('motd', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_motd_event_id'), ['event_id'], unique=False)

    op.create_table('slots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('start', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'code')
    )
    with op.batch_alter_table('slots', schema=None) as batch_op:
        batch_op.create_index('ix_slots_event_start', ['event_id', 'start'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('virtual', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('open_commands', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('organisers', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('video_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('cap_icon', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('cap_desc', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('bookable', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('offered_slots', sa.JSON(), nullable=True))

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='work_session', nullable=False))
        batch_op.add_column(sa.Column('moderators', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('video_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('slot_codes', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('allow_conflict', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('booked', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('started_published_at', services.kit.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ended_published_at', services.kit.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('chairs', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('colour', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('meeting_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('notes_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('now', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('next', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('location', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('status_updated_at', services.kit.db.UTCDateTime(timezone=True), nullable=True))

    


def downgrade() -> None:
    
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.drop_column('status_updated_at')
        batch_op.drop_column('location')
        batch_op.drop_column('next')
        batch_op.drop_column('now')
        batch_op.drop_column('notes_url')
        batch_op.drop_column('meeting_url')
        batch_op.drop_column('colour')
        batch_op.drop_column('chairs')
        batch_op.drop_column('description')

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('ended_published_at')
        batch_op.drop_column('started_published_at')
        batch_op.drop_column('sequence')
        batch_op.drop_column('booked')
        batch_op.drop_column('allow_conflict')
        batch_op.drop_column('slot_codes')
        batch_op.drop_column('video_url')
        batch_op.drop_column('moderators')
        batch_op.drop_column('kind')

    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_column('offered_slots')
        batch_op.drop_column('bookable')
        batch_op.drop_column('cap_desc')
        batch_op.drop_column('cap_icon')
        batch_op.drop_column('video_url')
        batch_op.drop_column('description')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('organisers')
        batch_op.drop_column('open_commands')
        batch_op.drop_column('virtual')
        batch_op.drop_column('location')

    with op.batch_alter_table('slots', schema=None) as batch_op:
        batch_op.drop_index('ix_slots_event_start')

    op.drop_table('slots')
    with op.batch_alter_table('motd', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_motd_event_id'))

    op.drop_table('motd')
    with op.batch_alter_table('links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_links_event_id'))

    op.drop_table('links')
    
