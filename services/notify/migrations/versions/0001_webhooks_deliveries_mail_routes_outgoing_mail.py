"""webhooks deliveries mail routes outgoing mail

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 02:55:23.231426
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
    op.create_table('mail_routes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('track', sa.String(length=64), nullable=False),
    sa.Column('track_id', sa.String(length=36), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('mailing_list', sa.String(length=320), nullable=True),
    sa.Column('subject_tag', sa.String(length=64), nullable=True),
    sa.Column('thread_message_id', sa.String(length=300), nullable=True),
    sa.Column('source_time', sa.String(length=40), nullable=False),
    sa.Column('updated_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event', 'track')
    )
    with op.batch_alter_table('mail_routes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_routes_track_id'), ['track_id'], unique=False)

    op.create_table('outgoing_mail',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('source_event_id', sa.String(length=36), nullable=False),
    sa.Column('source_event_type', sa.String(length=200), nullable=False),
    sa.Column('sender', sa.String(length=320), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=1000), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('next_attempt_at', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_attempt_at', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claim', sa.String(length=36), nullable=True),
    sa.Column('claimed_until', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_event_id', 'recipient')
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_mail_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_outgoing_mail_log', ['created_at', 'id'], unique=False)

    op.create_table('webhook_subscriptions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('event_types', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('disabled_reason', sa.String(length=500), nullable=True),
    sa.Column('disabled_at', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failing_since', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('webhook_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_subscriptions_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_webhook_subscriptions_owner', ['owner', 'created_at', 'id'], unique=False)

    op.create_table('webhook_deliveries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('subscription_id', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('event_type', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('next_attempt_at', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_attempt_at', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claim', sa.String(length=36), nullable=True),
    sa.Column('claimed_until', services.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['subscription_id'], ['webhook_subscriptions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subscription_id', 'event_id')
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_webhook_deliveries_log', ['subscription_id', 'created_at', 'id'], unique=False)

    op.create_table('webhook_attempts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('delivery_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('attempted_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['webhook_deliveries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_attempts_delivery_id'), ['delivery_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_attempts_delivery_id'))

    op.drop_table('webhook_attempts')
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_log')
        batch_op.drop_index('ix_webhook_deliveries_due')

    op.drop_table('webhook_deliveries')
    with op.batch_alter_table('webhook_subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_subscriptions_owner')
        batch_op.drop_index('ix_webhook_subscriptions_created')

    op.drop_table('webhook_subscriptions')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_mail_log')
        batch_op.drop_index('ix_outgoing_mail_due')

    op.drop_table('outgoing_mail')
    with op.batch_alter_table('mail_routes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_routes_track_id'))

    op.drop_table('mail_routes')
    drop_kit_tables()
