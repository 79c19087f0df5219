"""The e-mail outbox in the notification centre; unpaid-invoice steps
and what they did to each resource.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

from rintik.db import types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.add_column(sa.Column('event', sa.String(32),
                                      nullable=True))
        batch_op.add_column(sa.Column('data', sa.Text, nullable=True))
        batch_op.add_column(sa.Column('message_id', sa.String(255),
                                      nullable=True))
        batch_op.add_column(sa.Column('send_after', types.UTCDateTime,
                                      nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer,
                                      nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_error', sa.Text, nullable=True))
        batch_op.add_column(sa.Column('sent_at', types.UTCDateTime,
                                      nullable=True))
        batch_op.create_index('notifications_send_after_idx',
                              ['send_after'])
    op.create_table(
        'unpaid_steps',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('invoice_id', sa.Integer, sa.ForeignKey('invoices.id'),
                  nullable=False),
        sa.Column('step', sa.String(64), nullable=False),
        sa.Column('taken_at', types.UTCDateTime, nullable=False),
        sa.UniqueConstraint('invoice_id', 'step',
                            name='uniq_unpaid_steps0invoice0step'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
    op.create_table(
        'unpaid_actions',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('invoice_id', sa.Integer, sa.ForeignKey('invoices.id'),
                  nullable=False),
        sa.Column('step', sa.String(64), nullable=False),
        sa.Column('resource_type', sa.String(32), nullable=False),
        sa.Column('resource_id', types.Identifier(255), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('error', sa.Text, nullable=True),
        sa.Column('attempts', sa.Integer, nullable=False),
        sa.Column('updated_at', types.UTCDateTime, nullable=False),
        sa.UniqueConstraint('invoice_id', 'step', 'resource_type',
                            'resource_id',
                            name='uniq_unpaid_actions0resource'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
