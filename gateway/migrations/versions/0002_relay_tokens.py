"""relay tokens

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:15:01.556437
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relay', sa.Boolean(), server_default=sa.false(), nullable=False))




def downgrade() -> None:

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('relay')


