"""note item sources: each note item the notes announced, and the announcement applied to it last

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import services.kit.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('note_item_sources',
    sa.Column('item_id', sa.String(length=64), nullable=False, comment="the notes service's item id"),
    sa.Column('note_id', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False, comment='the note\'s revision the item was announced at'),
    sa.Column('published_at', services.kit.db.UTCDateTime(timezone=True), nullable=True,
              comment='when the notes service published that announcement (orders a confirm after a save)'),
    sa.Column('removed', sa.Boolean(), nullable=False, comment='the item is gone from its note'),
    sa.Column('applied_at', services.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('item_id')
    )


def downgrade() -> None:
    op.drop_table('note_item_sources')
