"""Running totals of reconciliation repairs, per kind, and when it last
completed (so the monitor's workers run it once per interval).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

from rintik.db import types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

COUNTERS = ('reconcile_start', 'reconcile_end', 'reconcile_change')


def upgrade():
    counters = sa.table('ingest_counters', sa.column('name', sa.String),
                        sa.column('value', sa.BigInteger))
    op.bulk_insert(counters, [{'name': name, 'value': 0}
                              for name in COUNTERS])
    with op.batch_alter_table('rating_state') as batch_op:
        batch_op.add_column(sa.Column('last_reconcile_at',
                                      types.UTCDateTime(), nullable=True))
