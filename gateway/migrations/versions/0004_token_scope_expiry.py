"""tokens: organiser scope by event, expiry, last use

``events_json`` names the events an organiser token is scoped to (``[]``: every event, as every
token issued before was); ``expires_at`` (none: never, as before); ``last_used_at`` (written at
most once a minute per token and gateway worker).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 06:40:00
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('events_json', sa.Text(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('expires_at', services.kit.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', services.kit.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('events_json')
