"""action states and reminder digests (the mail of ptghub.actions.action.reminder.due)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:00:00

``action_states``: the latest state notify has seen of each action item; ``reminder_digests``: the
digest a queued reminder mail carries, rendered again with the items still due when it is sent.
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('action_states',
    sa.Column('action_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False, comment='open, in_progress, done, dropped or withdrawn'),
    sa.Column('snoozed_until', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False, comment="the action's version: older events are ignored"),
    sa.Column('updated_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('action_id')
    )
    op.create_table('reminder_digests',
    sa.Column('mail_id', sa.String(length=36), nullable=False),
    sa.Column('digest_id', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('digest', sa.JSON(), nullable=False, comment="the event's (loaded) data"),
    sa.Column('received_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mail_id'], ['outgoing_mail.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mail_id')
    )
    with op.batch_alter_table('reminder_digests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_digests_digest_id'), ['digest_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminder_digests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_digests_digest_id'))

    op.drop_table('reminder_digests')
    op.drop_table('action_states')
