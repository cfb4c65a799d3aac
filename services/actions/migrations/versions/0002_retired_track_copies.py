"""retired track copies: a track the schedule deleted keeps its row, with deleted_at

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 19:57:24.509596
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', services.kit.db.UTCDateTime(timezone=True), nullable=True,
                                      comment='when the schedule deleted the track: retired, offered no more'))


def downgrade() -> None:
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
