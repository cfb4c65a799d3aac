"""the suppression list (addresses that get no personal mail)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 07:00:00

``mail_suppressions``: one row per address (lower case) that unsubscribed, hard-bounced or was put
there by an organiser; the mail loop sends it no personal mail.
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_suppressions',
    sa.Column('address', sa.String(length=320), nullable=False, comment='in lower case'),
    sa.Column('reason', sa.String(length=20), nullable=False, comment='unsubscribed, bounced or manual'),
    sa.Column('note', sa.String(length=1000), nullable=False, comment="the bounce reply, the person unsubscribed, or the organiser's note"),
    sa.Column('source', sa.String(length=200), nullable=True, comment="the bounced message's id, the person's id, or the organiser token's id"),
    sa.Column('created_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('address')
    )
    with op.batch_alter_table('mail_suppressions', schema=None) as batch_op:
        batch_op.create_index('ix_mail_suppressions_log', ['created_at', 'address'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('mail_suppressions', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_suppressions_log')

    op.drop_table('mail_suppressions')
