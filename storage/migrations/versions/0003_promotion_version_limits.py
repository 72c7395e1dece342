"""Promotion versions remember their budgets and per-customer limit, and which version they restored.

New columns: promotion_versions.limits (JSON, NULL for versions saved before: not recorded),
promotion_versions.restored_from.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('promotion_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'limits', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=True))
        batch_op.add_column(sa.Column('restored_from', sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('promotion_versions', schema=None) as batch_op:
        batch_op.drop_column('restored_from')
        batch_op.drop_column('limits')
