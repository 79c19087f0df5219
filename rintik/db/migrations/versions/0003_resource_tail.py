"""Resources remember the newest observation derived from, so in-order
notifications extend usage without re-reading a resource's history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa

from rintik.db import types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resources') as batch_op:
        batch_op.add_column(sa.Column('tail_event_time', types.UTCDateTime,
                                      nullable=True))
        batch_op.add_column(sa.Column('tail_gone', sa.Boolean,
                                      nullable=True))
        batch_op.add_column(sa.Column('tail_message_id', sa.String(255),
                                      nullable=True))
        batch_op.add_column(sa.Column('gone_at', types.UTCDateTime,
                                      nullable=True))
