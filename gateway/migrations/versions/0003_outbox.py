"""the kit's outbox and inbox (ptghub.gateway.token.revoked leaves through the outbox)

Chair tokens issued before chair scope was per event keep their plain track slugs: no migration
can know which event a slug meant, so nothing is converted. Such tokens grant nothing (their
slugs are left out of the principal) and must be re-issued with (event, track) pairs; the
bootstrap names them at every start.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:00:00
"""
from services.kit.migrations import create_kit_tables, drop_kit_tables


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_kit_tables()


def downgrade() -> None:
    drop_kit_tables()
