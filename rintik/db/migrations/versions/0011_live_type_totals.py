"""Live totals summed per resource type over every open invoice, kept by
each refresh, so the admin overview reads six rows instead of summing a
row per invoice and type; the next refresh rebuilds them (out of band).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'live_type_totals',
        sa.Column('resource_type', sa.String(16), nullable=False),
        sa.Column('segments', sa.BigInteger(), nullable=False),
        sa.Column('running', sa.BigInteger(), nullable=False),
        sa.Column('cost', sa.BigInteger(), nullable=False),
        sa.Column('running_cost', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('resource_type'))
    # No generation: the monitor's next refresh rebuilds the live totals
    # and these sums with them.
    live_state = sa.table('live_state', sa.column('generation',
                                                  sa.Integer))
    op.execute(live_state.update().values(generation=None))
