"""partial indexes for the worker's session clock (sessions not yet announced as started or ended)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 04:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_sessions_unstarted', 'sessions', ['start'], unique=False,
                    postgresql_where=sa.text('started_published_at IS NULL'),
                    sqlite_where=sa.text('started_published_at IS NULL'))
    op.create_index('ix_sessions_unended', 'sessions', ['end'], unique=False,
                    postgresql_where=sa.text('ended_published_at IS NULL'),
                    sqlite_where=sa.text('ended_published_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_sessions_unended', table_name='sessions')
    op.drop_index('ix_sessions_unstarted', table_name='sessions')
