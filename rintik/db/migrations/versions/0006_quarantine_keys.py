"""The quarantine keeps over-long and non-ASCII message ids in full (keyed
by their hash); the monitor's ingest counters for /metrics.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

COUNTERS = ('requeued', 'split', 'redelivered')


def upgrade():
    with op.batch_alter_table('quarantine') as batch_op:
        batch_op.add_column(sa.Column('full_message_id', sa.Text,
                                      nullable=True))
    counters = op.create_table(
        'ingest_counters',
        sa.Column('name', sa.String(32), primary_key=True),
        sa.Column('value', sa.BigInteger, nullable=False),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
    op.bulk_insert(counters, [{'name': name, 'value': 0}
                              for name in COUNTERS])
