"""event routes (an event's list, subject tag and sender), session copies (to tell a move) and the
per-track switch of session notices

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 07:00:00

``event_routes``: kept from ``ptghub.schedule.event.*``; ``session_copies``: where and when each
session is, from ``ptghub.schedule.session.*``; ``mail_routes.session_notices``: whether the track's
list is told when one of its sessions is moved or cancelled (on unless switched off).
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_routes',
    sa.Column('event', sa.String(length=64), nullable=False, comment="the event's slug"),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('mailing_list', sa.String(length=320), nullable=True),
    sa.Column('subject_tag', sa.String(length=64), nullable=True),
    sa.Column('mail_from', sa.String(length=320), nullable=True),
    sa.Column('source_time', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event')
    )
    op.create_table('session_copies',
    sa.Column('id', sa.String(length=36), nullable=False, comment="the schedule's session id"),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('track', sa.String(length=64), nullable=False),
    sa.Column('room', sa.String(length=64), nullable=False),
    sa.Column('start', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source_time', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mail_routes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_notices', sa.Boolean(), server_default=sa.true(), nullable=False,
                                      comment='mail the list a short notice when a session of the track is moved or cancelled'))


def downgrade() -> None:
    with op.batch_alter_table('mail_routes', schema=None) as batch_op:
        batch_op.drop_column('session_notices')
    op.drop_table('session_copies')
    op.drop_table('event_routes')
