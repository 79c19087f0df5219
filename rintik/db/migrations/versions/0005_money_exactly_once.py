"""Money moves exactly once: usage changes are recorded by the
transaction that makes them, rating state is one locked row, invoices
remember the rate card they were rated with, ledger rows who caused them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

from rintik.db import types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


INVOICES = sa.table('invoices', sa.column('project_id', sa.String),
                    sa.column('period_start', types.UTCDateTime()),
                    sa.column('period_end', types.UTCDateTime()),
                    sa.column('closed_at', types.UTCDateTime()),
                    sa.column('state', sa.Integer),
                    sa.column('ratecard_revision', sa.Integer))
RESOURCES = sa.table('resources', sa.column('id', sa.Integer),
                     sa.column('project_id', sa.String),
                     sa.column('derived_at', types.UTCDateTime()))


def _changes_from_derived_at(bind, changes):
    """Resources whose usage changed after an invoice of their project
    closed (the old clock comparison) get a recorded change from the
    project's first issued period, so the next rollover adjusts them."""
    issued = sa.select(
        INVOICES.c.project_id,
        sa.func.min(INVOICES.c.period_start).label('first_start'),
        sa.func.min(INVOICES.c.closed_at).label('first_closed')).where(
        INVOICES.c.state != 1).group_by(INVOICES.c.project_id).subquery()
    rows = bind.execute(sa.select(
        RESOURCES.c.project_id, RESOURCES.c.id, issued.c.first_start,
        RESOURCES.c.derived_at).join(
        issued, issued.c.project_id == RESOURCES.c.project_id).where(
        RESOURCES.c.derived_at > issued.c.first_closed)).all()
    if rows:
        op.bulk_insert(changes, [
            {'project_id': row[0], 'resource_pk': row[1],
             'changed_from': row[2], 'recorded_at': row[3]} for row in rows])


def upgrade():
    changes = op.create_table(
        'usage_changes',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer, 'sqlite'),
                  nullable=False),
        sa.Column('project_id', types.Identifier(64), nullable=False),
        sa.Column('resource_pk', sa.Integer(), nullable=False),
        sa.Column('changed_from', types.UTCDateTime(), nullable=False),
        sa.Column('recorded_at', types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['resource_pk'], ['resources.id']),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('usage_changes_project_idx', 'usage_changes',
                    ['project_id'])
    rating_state = op.create_table(
        'rating_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('generation', sa.Integer(), nullable=False),
        sa.Column('issued_until', types.UTCDateTime(), nullable=True),
        sa.Column('last_rollover_at', types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'))
    # The row exists before anything is priced, windowed or issued: the
    # lock that serialises them.
    bind = op.get_bind()
    issued_until = bind.execute(sa.select(sa.func.max(
        INVOICES.c.period_end)).where(INVOICES.c.state != 1)).scalar()
    op.bulk_insert(rating_state, [{'id': 1, 'generation': 0,
                                   'issued_until': issued_until}])
    _changes_from_derived_at(bind, changes)
    with op.batch_alter_table('invoices') as batch_op:
        batch_op.add_column(sa.Column('ratecard_revision', sa.Integer(),
                                      nullable=True))
    # Issued invoices keep the rate card they were rated with: the
    # versions created before they closed.
    versions = sa.table('price_versions', sa.column('id', sa.Integer),
                        sa.column('created_at', types.UTCDateTime()))
    op.execute(INVOICES.update().where(INVOICES.c.state != 1).values(
        ratecard_revision=sa.select(sa.func.coalesce(
            sa.func.max(versions.c.id), 0)).where(
            versions.c.created_at <= INVOICES.c.closed_at
        ).scalar_subquery()))
    with op.batch_alter_table('balance_transactions') as batch_op:
        batch_op.add_column(sa.Column('caused_by', sa.String(255),
                                      nullable=True))
        batch_op.add_column(sa.Column('request_id', sa.String(64),
                                      nullable=True))
    with op.batch_alter_table('resources') as batch_op:
        batch_op.drop_column('derived_at')
    op.drop_table('locks')
