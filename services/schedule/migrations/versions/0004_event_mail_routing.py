"""an event's mail routing: the list its summaries go to, their subject tag and sender

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 07:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mailing_list', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('subject_tag', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('mail_from', sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('mail_from')
        batch_op.drop_column('subject_tag')
        batch_op.drop_column('mailing_list')
