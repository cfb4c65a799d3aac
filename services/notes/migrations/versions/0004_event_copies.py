"""event copies: notes keeps a copy of the schedule's events (the name and timezone a summary shows)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:09:01.808033

Kept from ``ptghub.schedule.event.*``; an event the schedule announced before this revision has no
copy until it changes (a summary names it by its slug until then).
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'events',
        sa.Column('slug', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=True),
        sa.Column('end_date', sa.Date(), nullable=True),
        sa.Column('deleted', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('event_updated_at', services.kit.db.UTCDateTime(timezone=True), nullable=True,
                  comment="the schedule's updated_at of the copied event version"),
        sa.PrimaryKeyConstraint('slug'),
    )


def downgrade() -> None:
    op.drop_table('events')
