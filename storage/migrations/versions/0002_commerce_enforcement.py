"""Promotion enforcement at checkout: usage counters, coupon batches, gift stock, order promotions.

New tables: promotion_customer_uses, coupon_customer_claims, coupon_batches, gift_stock,
order_promotions. New columns: promotions.starts_at/ends_at, coupons.batch_id/expires_at,
orders.location_code. New CHECK constraints: promotion budgets and coupon template stock.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 01:54:29.181576
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('gift_stock',
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('given', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.CheckConstraint('given >= 0 AND given <= quantity', name=op.f('ck_gift_stock_given_within_quantity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_stock')),
    sa.UniqueConstraint('sku', name=op.f('uq_gift_stock_sku'))
    )
    op.create_table('promotion_customer_uses',
    sa.Column('promotion_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.CheckConstraint('uses >= 0', name=op.f('ck_promotion_customer_uses_uses_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_promotion_customer_uses_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['promotion_id'], ['promotions.id'], name=op.f('fk_promotion_customer_uses_promotion_id_promotions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_customer_uses')),
    sa.UniqueConstraint('promotion_id', 'customer_id', name=op.f('uq_promotion_customer_uses_promotion_id_customer_id'))
    )
    with op.batch_alter_table('promotion_customer_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promotion_customer_uses_customer_id'), ['customer_id'], unique=False)

    op.create_table('coupon_batches',
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_coupon_batches_size_positive')),
    sa.ForeignKeyConstraint(['template_id'], ['coupon_templates.id'], name=op.f('fk_coupon_batches_template_id_coupon_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon_batches'))
    )
    with op.batch_alter_table('coupon_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupon_batches_template_id'), ['template_id'], unique=False)

    op.create_table('coupon_customer_claims',
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('claimed', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.CheckConstraint('claimed >= 0', name=op.f('ck_coupon_customer_claims_claimed_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_coupon_customer_claims_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['coupon_templates.id'], name=op.f('fk_coupon_customer_claims_template_id_coupon_templates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon_customer_claims')),
    sa.UniqueConstraint('template_id', 'customer_id', name=op.f('uq_coupon_customer_claims_template_id_customer_id'))
    )
    with op.batch_alter_table('coupon_customer_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupon_customer_claims_customer_id'), ['customer_id'], unique=False)

    op.create_table('order_promotions',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('promotion_id', sa.Integer(), nullable=False),
    sa.Column('promotion_version', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('discount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('shipping_off', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('gift_sku', sa.String(length=64), nullable=True),
    sa.Column('gift_qty', sa.Integer(), nullable=False),
    sa.Column('coupon_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['coupon_id'], ['coupons.id'], name=op.f('fk_order_promotions_coupon_id_coupons')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_order_promotions_customer_id_customers')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_promotions_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['promotion_id'], ['promotions.id'], name=op.f('fk_order_promotions_promotion_id_promotions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_promotions')),
    sa.UniqueConstraint('order_id', 'promotion_id', name=op.f('uq_order_promotions_order_id_promotion_id'))
    )
    with op.batch_alter_table('order_promotions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_promotions_coupon_id'), ['coupon_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_promotions_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_promotions_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_promotions_promotion_id'), ['promotion_id'], unique=False)

    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_coupons_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_coupons_batch_id_coupon_batches'), 'coupon_batches', ['batch_id'], ['id'])

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location_code', sa.String(length=32), nullable=True))

    with op.batch_alter_table('promotions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_promotions_budget_uses'), 'budget_uses IS NULL OR used_uses <= budget_uses')
        batch_op.create_check_constraint(
            op.f('ck_promotions_budget_amount'), 'budget_amount IS NULL OR used_amount <= budget_amount')
        batch_op.create_check_constraint(
            op.f('ck_promotions_used_not_negative'), 'used_uses >= 0 AND used_amount >= 0')

    with op.batch_alter_table('coupon_templates', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_coupon_templates_stock'), 'stock IS NULL OR claimed <= stock')
        batch_op.create_check_constraint(op.f('ck_coupon_templates_claimed_not_negative'), 'claimed >= 0')



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('coupon_templates', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_coupon_templates_claimed_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_coupon_templates_stock'), type_='check')

    with op.batch_alter_table('promotions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_promotions_used_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_promotions_budget_amount'), type_='check')
        batch_op.drop_constraint(op.f('ck_promotions_budget_uses'), type_='check')
        batch_op.drop_column('ends_at')
        batch_op.drop_column('starts_at')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('location_code')

    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_coupons_batch_id_coupon_batches'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_coupons_batch_id'))
        batch_op.drop_column('expires_at')
        batch_op.drop_column('batch_id')

    with op.batch_alter_table('order_promotions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_promotions_promotion_id'))
        batch_op.drop_index(batch_op.f('ix_order_promotions_order_id'))
        batch_op.drop_index(batch_op.f('ix_order_promotions_customer_id'))
        batch_op.drop_index(batch_op.f('ix_order_promotions_coupon_id'))

    op.drop_table('order_promotions')
    with op.batch_alter_table('coupon_customer_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coupon_customer_claims_customer_id'))

    op.drop_table('coupon_customer_claims')
    with op.batch_alter_table('coupon_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coupon_batches_template_id'))

    op.drop_table('coupon_batches')
    with op.batch_alter_table('promotion_customer_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promotion_customer_uses_customer_id'))

    op.drop_table('promotion_customer_uses')
    op.drop_table('gift_stock')
