"""Live totals: the running cost and resources of every in-progress
invoice kept as data, so the overviews and /metrics read them instead of
re-rating; usage changes say whether the live totals took them in; the
index the per-project reads of resources were missing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09
"""

from alembic import op
import sqlalchemy as sa

from rintik.db import types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('usage_changes') as batch_op:
        batch_op.add_column(sa.Column('live_applied', sa.Boolean(),
                                      nullable=False,
                                      server_default=sa.false()))
    op.create_index('usage_changes_live_idx', 'usage_changes',
                    ['live_applied'])
    op.create_index('resources_project_idx', 'resources', ['project_id'])
    live_state = op.create_table(
        'live_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('generation', sa.Integer(), nullable=True),
        sa.Column('policy', sa.String(255), nullable=True),
        sa.Column('open_count', sa.Integer(), nullable=True),
        sa.Column('open_max_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'))
    # The row refreshes lock; no generation yet: the first read builds
    # the live totals.
    op.bulk_insert(live_state, [{'id': 1}])
    op.create_table(
        'live_invoices',
        sa.Column('invoice_id', sa.Integer(), autoincrement=False,
                  nullable=False),
        sa.Column('project_id', sa.String(64), nullable=False),
        sa.Column('valid_until', types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('invoice_id'))
    op.create_index('live_invoices_valid_idx', 'live_invoices',
                    ['valid_until'])
    op.create_index('live_invoices_project_idx', 'live_invoices',
                    ['project_id'])
    op.create_table(
        'live_totals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.String(64), nullable=False),
        sa.Column('resource_type', sa.String(16), nullable=False),
        sa.Column('segments', sa.Integer(), nullable=False),
        sa.Column('running', sa.Integer(), nullable=False),
        sa.Column('cost', sa.BigInteger(), nullable=False),
        sa.Column('running_cost', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('live_totals_invoice_idx', 'live_totals', ['invoice_id'])
    op.create_index('live_totals_project_idx', 'live_totals', ['project_id'])
    op.create_table(
        'live_groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('resource_type', sa.String(16), nullable=False),
        sa.Column('running', sa.Boolean(), nullable=False),
        sa.Column('start', types.UTCDateTime(), nullable=False),
        sa.Column('stops_at', types.UTCDateTime(), nullable=False),
        sa.Column('base', sa.String(128), nullable=False),
        sa.Column('rate', sa.String(128), nullable=False),
        sa.Column('cap', sa.String(128), nullable=True),
        sa.Column('billed_before', sa.BigInteger(), nullable=False),
        sa.Column('total', sa.BigInteger(), nullable=False),
        sa.Column('next_change_at', types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('live_groups_invoice_idx', 'live_groups', ['invoice_id'])
    op.create_index('live_groups_next_idx', 'live_groups',
                    ['next_change_at'])
