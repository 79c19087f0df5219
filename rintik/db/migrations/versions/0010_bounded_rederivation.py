"""Bounded re-derivation of usage: a resource's running and late
intervals are found by (resource_pk, end), and a purged resource's
gone_at is its tombstone's time (the first "gone" observation it keeps).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import datetime

from alembic import op
import sqlalchemy as sa

from rintik.db import types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# rintik.db.purge's tombstone (as of this revision).
TOMBSTONE_MESSAGE_ID = 'rintik-purge'
TOMBSTONE_TIME = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def upgrade():
    # The new index serves the foreign key before the old one goes.
    op.create_index('usage_intervals_resource_end_idx', 'usage_intervals',
                    ['resource_pk', 'end'])
    op.drop_index('usage_intervals_resource_idx', 'usage_intervals')
    resources = sa.table('resources', sa.column('id', sa.Integer),
                         sa.column('gone_at', types.UTCDateTime()))
    observations = sa.table('observations',
                            sa.column('resource_pk', sa.Integer),
                            sa.column('message_id', sa.String))
    op.execute(resources.update().where(resources.c.id.in_(
        sa.select(observations.c.resource_pk).where(
            observations.c.message_id == TOMBSTONE_MESSAGE_ID))).values(
        gone_at=TOMBSTONE_TIME))
