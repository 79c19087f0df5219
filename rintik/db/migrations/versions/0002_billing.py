"""Billing: the rate card, settings, billing windows, invoices and their
segments, balances, the notification centre and job leases.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:16:09.124016
"""

from alembic import op
import sqlalchemy as sa

from rintik.db import types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('balances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.String(length=64), nullable=False),
    sa.Column('amount', types.ExactDecimal(precision=20, scale=3), nullable=False),
    sa.Column('created_at', types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', name='uniq_balances0project_id')
    )
    op.create_table('billing_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('start', types.UTCDateTime(), nullable=False),
    sa.Column('end', types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.String(length=64), nullable=False),
    sa.Column('period_start', types.UTCDateTime(), nullable=False),
    sa.Column('period_end', types.UTCDateTime(), nullable=False),
    sa.Column('state', sa.Integer(), nullable=False),
    sa.Column('subtotal', types.ExactDecimal(precision=20, scale=3), nullable=True),
    sa.Column('tax', types.ExactDecimal(precision=20, scale=3), nullable=True),
    sa.Column('total', types.ExactDecimal(precision=20, scale=3), nullable=True),
    sa.Column('tax_percent', sa.Integer(), nullable=True),
    sa.Column('closed_at', types.UTCDateTime(), nullable=True),
    sa.Column('finish_date', types.UTCDateTime(), nullable=True),
    sa.Column('deducted', types.ExactDecimal(precision=20, scale=3), nullable=False),
    sa.Column('created_at', types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'period_start', name='uniq_invoices0project0period')
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('invoices_state_idx', ['state'], unique=False)

    op.create_table('locks',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=255), nullable=True),
    sa.Column('expires_at', types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('short_description', sa.String(length=255), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('recipient', sa.Text(), nullable=False),
    sa.Column('sent_status', sa.Boolean(), nullable=False),
    sa.Column('is_read', sa.Boolean(), nullable=False),
    sa.Column('created_at', types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('notifications_project_idx', ['project_id'], unique=False)

    op.create_table('price_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('created_at', types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'key', name='uniq_price_keys0kind0key')
    )
    op.create_table('settings',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('balance_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('balance_id', sa.Integer(), nullable=False),
    sa.Column('amount', types.ExactDecimal(precision=20, scale=3), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('created_at', types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['balance_id'], ['balances.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('balance_transactions', schema=None) as batch_op:
        batch_op.create_index('balance_transactions_balance_idx', ['balance_id'], unique=False)

    op.create_table('invoice_segments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('resource_type', sa.String(length=16), nullable=False),
    sa.Column('resource_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('price_key', sa.String(length=255), nullable=True),
    sa.Column('quantity', types.ExactDecimal(precision=40, scale=30), nullable=False),
    sa.Column('start', types.UTCDateTime(), nullable=False),
    sa.Column('end', types.UTCDateTime(), nullable=False),
    sa.Column('hourly', types.ExactDecimal(precision=20, scale=8), nullable=True),
    sa.Column('monthly', types.ExactDecimal(precision=20, scale=8), nullable=True),
    sa.Column('charge', types.ExactDecimal(precision=20, scale=3), nullable=False),
    sa.Column('unpriced', sa.Boolean(), nullable=False),
    sa.Column('adjustment', sa.Boolean(), nullable=False),
    sa.Column('adjusted_invoice_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['adjusted_invoice_id'], ['invoices.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('invoice_segments', schema=None) as batch_op:
        batch_op.create_index('invoice_segments_adjusted_idx', ['adjusted_invoice_id'], unique=False)
        batch_op.create_index('invoice_segments_invoice_idx', ['invoice_id'], unique=False)

    op.create_table('price_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('price_key_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', types.UTCDateTime(), nullable=False),
    sa.Column('hourly', types.ExactDecimal(precision=20, scale=8), nullable=True),
    sa.Column('monthly', types.ExactDecimal(precision=20, scale=8), nullable=True),
    sa.Column('ended', sa.Boolean(), nullable=False),
    sa.Column('created_at', types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['price_key_id'], ['price_keys.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('price_versions', schema=None) as batch_op:
        batch_op.create_index('price_versions_key_effective_idx', ['price_key_id', 'effective_from'], unique=False)

    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('derived_at', types.UTCDateTime(), nullable=True))
