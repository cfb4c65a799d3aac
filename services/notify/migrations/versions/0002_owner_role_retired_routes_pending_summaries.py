"""owner role of a webhook, retired mail routes, summaries waiting for their route

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00

A webhook created before this revision has no recorded role: it counts as an integration's
(fan-out sends it no personal data and no other token's events) until its owner recreates it.
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_role', sa.String(length=20), server_default='integration',
                                      nullable=False, comment="the owning token's role: what fan-out may send it"))
        batch_op.alter_column('owner', existing_type=sa.String(length=200), existing_nullable=False,
                              comment="the owning token's id (the principal's sub)")

    with op.batch_alter_table('mail_routes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', services.kit.db.UTCDateTime(timezone=True), nullable=True))

    op.create_table('pending_summaries',
    sa.Column('source_event_id', sa.String(length=36), nullable=False),
    sa.Column('source_event_type', sa.String(length=200), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('track', sa.String(length=64), nullable=False, comment='as the summary names it: slug or track id'),
    sa.Column('summary', sa.JSON(), nullable=False, comment="the summary event's (loaded) data"),
    sa.Column('received_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.Column('next_check_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source_event_id')
    )
    with op.batch_alter_table('pending_summaries', schema=None) as batch_op:
        batch_op.create_index('ix_pending_summaries_due', ['next_check_at'], unique=False)
        batch_op.create_index('ix_pending_summaries_track', ['event', 'track'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pending_summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_pending_summaries_track')
        batch_op.drop_index('ix_pending_summaries_due')

    op.drop_table('pending_summaries')
    with op.batch_alter_table('mail_routes', schema=None) as batch_op:
        batch_op.drop_column('retired_at')

    with op.batch_alter_table('webhook_subscriptions', schema=None) as batch_op:
        batch_op.alter_column('owner', existing_type=sa.String(length=200), existing_nullable=False, comment=None)
        batch_op.drop_column('owner_role')
