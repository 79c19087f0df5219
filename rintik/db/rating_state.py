"""The rating state row: the lock that serialises price versions,
billing windows and issuing, and what they share."""

import sqlalchemy as sa

from rintik.db import clock
from rintik.db.engine import main_context_manager
from rintik.db import models

STATE = models.RatingState.__table__
ROW_ID = 1


def lock(session):
    """The rating state, locked until the transaction ends (the row is
    created if a database lost it)."""
    query = sa.select(STATE).where(STATE.c.id == ROW_ID).with_for_update()
    row = session.execute(query).first()
    if row is None:
        session.execute(STATE.insert().values(id=ROW_ID, generation=0))
        row = session.execute(query).first()
    return row


def changed(session):
    """Note a change of prices or windows (under the lock)."""
    session.execute(STATE.update().where(STATE.c.id == ROW_ID).values(
        generation=STATE.c.generation + 1))


def issued(session, period_end):
    """Periods up to ``period_end`` are issued (under the lock)."""
    session.execute(STATE.update().where(
        STATE.c.id == ROW_ID,
        sa.or_(STATE.c.issued_until.is_(None),
               STATE.c.issued_until < period_end)).values(
        issued_until=period_end))


@main_context_manager.writer
def rollover_completed(context):
    """Stamp the end of a successful rollover with the database clock."""
    context.session.execute(STATE.update().where(
        STATE.c.id == ROW_ID).values(last_rollover_at=clock.utcnow()))


@main_context_manager.writer
def reconcile_completed(context):
    """Stamp the end of a reconciliation with the database clock."""
    context.session.execute(STATE.update().where(
        STATE.c.id == ROW_ID).values(last_reconcile_at=clock.utcnow()))


@main_context_manager.reader
def seconds_since_reconcile(context):
    """Seconds since a reconciliation last completed, by the database
    clock alone; None before the first."""
    last, now = context.session.execute(sa.select(
        STATE.c.last_reconcile_at, clock.utcnow()).where(
        STATE.c.id == ROW_ID)).one()
    return None if last is None else (now - last).total_seconds()


@main_context_manager.writer
def forget_issued(context):
    """Nothing is issued any more (reset_billing)."""
    lock(context.session)
    context.session.execute(STATE.update().where(
        STATE.c.id == ROW_ID).values(issued_until=None,
                                     generation=STATE.c.generation + 1))


@main_context_manager.reader
def get(context):
    return context.session.execute(sa.select(STATE).where(
        STATE.c.id == ROW_ID)).first()
