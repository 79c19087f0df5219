"""Notifications are stored without their HTML content: the notification
centre renders it from the stored facts when read, as the outbox renders
the e-mail when it sends it. Records stored before keep theirs.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.alter_column('content', existing_type=sa.Text(),
                              nullable=True)
