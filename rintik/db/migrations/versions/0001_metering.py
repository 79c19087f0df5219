"""Metering: projects, resources, observations, usage intervals and the
quarantine.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa

from rintik.db import types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer, 'sqlite')
QUANTITY = types.ExactDecimal(40, 30)


def upgrade():
    op.create_table(
        'projects',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('project_id', sa.String(64), nullable=False),
        sa.Column('known_since', types.UTCDateTime, nullable=False),
        sa.Column('retired_at', types.UTCDateTime, nullable=True),
        sa.Column('email_notification', sa.Text, nullable=True),
        sa.UniqueConstraint('project_id', name='uniq_projects0project_id'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
    op.create_table(
        'resources',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('resource_type', sa.String(16), nullable=False),
        sa.Column('resource_id', sa.String(64), nullable=False),
        sa.Column('project_id', sa.String(64), nullable=True),
        sa.Column('name', sa.String(255), nullable=True),
        sa.UniqueConstraint('resource_type', 'resource_id',
                            name='uniq_resources0type0id'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
    op.create_table(
        'observations',
        sa.Column('id', BIGINT_ID, primary_key=True),
        sa.Column('message_id', sa.String(255), nullable=False),
        sa.Column('resource_pk', sa.Integer, sa.ForeignKey('resources.id'),
                  nullable=False),
        sa.Column('event_type', sa.String(255), nullable=False),
        sa.Column('event_time', types.UTCDateTime, nullable=False),
        sa.Column('gone', sa.Boolean, nullable=False),
        sa.Column('project_id', sa.String(64), nullable=True),
        sa.Column('billable', sa.Boolean, nullable=False),
        sa.Column('price_key', sa.String(255), nullable=True),
        sa.Column('quantity', QUANTITY, nullable=True),
        sa.Column('name', sa.String(255), nullable=True),
        sa.Column('source', sa.String(16), nullable=False),
        sa.Column('received_at', types.UTCDateTime, nullable=False),
        sa.UniqueConstraint('message_id', 'resource_pk',
                            name='uniq_observations0message0resource'),
        sa.Index('observations_resource_time_idx', 'resource_pk',
                 'event_time'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
    op.create_table(
        'usage_intervals',
        sa.Column('id', BIGINT_ID, primary_key=True),
        sa.Column('resource_pk', sa.Integer, sa.ForeignKey('resources.id'),
                  nullable=False),
        sa.Column('project_id', sa.String(64), nullable=True),
        sa.Column('price_key', sa.String(255), nullable=True),
        sa.Column('quantity', QUANTITY, nullable=False),
        sa.Column('start', types.UTCDateTime, nullable=False),
        sa.Column('end', types.UTCDateTime, nullable=True),
        sa.Index('usage_intervals_resource_idx', 'resource_pk'),
        sa.Index('usage_intervals_project_start_idx', 'project_id',
                 'start'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
    op.create_table(
        'quarantine',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('message_id', sa.String(255), nullable=False),
        sa.Column('event_type', sa.String(255), nullable=True),
        sa.Column('publisher_id', sa.String(255), nullable=True),
        sa.Column('priority', sa.String(16), nullable=True),
        sa.Column('reason', sa.Text, nullable=False),
        sa.Column('envelope', sa.Text, nullable=False),
        sa.Column('created_at', types.UTCDateTime, nullable=False),
        sa.UniqueConstraint('message_id', name='uniq_quarantine0message_id'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
