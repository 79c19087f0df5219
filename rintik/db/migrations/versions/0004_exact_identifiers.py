"""Identifiers compare byte for byte: on MariaDB and MySQL their columns
take a binary no-pad collation (types.Identifier), so ids that differ
only by case, accents or trailing spaces stay distinct. PostgreSQL and
SQLite compare exactly already: nothing changes there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

from rintik.db import types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# (table, column, length, nullable) of every identifier column.
IDENTIFIERS = (
    ('projects', 'project_id', 64, False),
    ('resources', 'resource_type', 16, False),
    ('resources', 'resource_id', 64, False),
    ('resources', 'project_id', 64, True),
    ('resources', 'tail_message_id', 255, True),
    ('observations', 'message_id', 255, False),
    ('observations', 'project_id', 64, True),
    ('observations', 'price_key', 255, True),
    ('usage_intervals', 'project_id', 64, True),
    ('usage_intervals', 'price_key', 255, True),
    ('quarantine', 'message_id', 255, False),
    ('price_keys', 'key', 255, False),
    ('invoices', 'project_id', 64, False),
    ('invoice_segments', 'resource_type', 16, False),
    ('invoice_segments', 'resource_id', 64, False),
    ('invoice_segments', 'price_key', 255, True),
    ('balances', 'project_id', 64, False),
    ('notifications', 'project_id', 64, True),
)


def upgrade():
    if op.get_bind().dialect.name != 'mysql':
        return
    # MODIFY keeps the column's indexes (unique ones too); a binary
    # collation only makes more values distinct, so none can collide.
    for table, column, length, nullable in IDENTIFIERS:
        op.alter_column(table, column, type_=types.Identifier(length),
                        existing_type=sa.String(length),
                        existing_nullable=nullable, nullable=nullable)
