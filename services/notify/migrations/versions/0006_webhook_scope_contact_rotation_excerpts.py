"""webhook scope (event, track), contact, secret rotation, response excerpts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:00:00

``webhook_subscriptions`` gains an optional event/track filter, the contact address the
webhook-disabled notice goes to, and the previous secret with the end of its grace period
(deliveries are signed with both until then); ``webhook_attempts`` keeps the start of each answer.
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event', sa.String(length=64), nullable=True,
                                      comment='only events about this event (slug), if set'))
        batch_op.add_column(sa.Column('track', sa.String(length=64), nullable=True,
                                      comment='only events about this track (slug), if set'))
        batch_op.add_column(sa.Column('contact', sa.String(length=320), nullable=True,
                                      comment='where the webhook-disabled notice goes'))
        batch_op.add_column(sa.Column('previous_secret', sa.String(length=200), nullable=True,
                                      comment='the secret before a rotation'))
        batch_op.add_column(sa.Column('previous_secret_until', services.kit.db.UTCDateTime(timezone=True),
                                      nullable=True,
                                      comment='deliveries are signed with the previous secret too until then'))
    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_excerpt', sa.String(length=1000), nullable=True,
                                      comment="the start of the answer's body"))


def downgrade() -> None:
    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.drop_column('response_excerpt')
    with op.batch_alter_table('webhook_subscriptions', schema=None) as batch_op:
        batch_op.drop_column('previous_secret_until')
        batch_op.drop_column('previous_secret')
        batch_op.drop_column('contact')
        batch_op.drop_column('track')
        batch_op.drop_column('event')
