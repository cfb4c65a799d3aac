"""webhook attempts keep the start of the endpoint's answer

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 06:40:00

``webhook_attempts.response_excerpt``: the first characters of the answer's body (at most 64 KiB of
it is read, 1000 characters kept), for the delivery log.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_attempts') as batch:
        batch.add_column(sa.Column('response_excerpt', sa.String(length=1000), nullable=True,
                                   comment="the start of the answer's body, capped"))


def downgrade() -> None:
    with op.batch_alter_table('webhook_attempts') as batch:
        batch.drop_column('response_excerpt')
