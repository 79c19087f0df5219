"""Invoices and their frozen segments."""

import sqlalchemy as sa

from rintik.db import bulk
from rintik.db import clock
from rintik.db.engine import main_context_manager
from rintik.db import models

INVOICES = models.Invoice.__table__
SEGMENTS = models.InvoiceSegment.__table__

IN_PROGRESS = 1
UNPAID = 2
FINISHED = 100

# What closing an invoice sets (a missing value is NULL), in one
# statement per chunk of invoices.
ISSUED_COLUMNS = ('state', 'subtotal', 'tax', 'total', 'tax_percent',
                  'deducted', 'finish_date', 'ratecard_revision')


@main_context_manager.reader
def invoices_of(context, project_ids):
    """Invoices of the projects, by project then period."""
    return context.session.execute(sa.select(INVOICES).where(
        INVOICES.c.project_id.in_(project_ids)).order_by(
        INVOICES.c.project_id, INVOICES.c.period_start)).all()


@main_context_manager.reader
def list_invoices(context, project_id=None, limit=None, marker=None,
                  state=None):
    """Invoices newest first (of one project, or all; in one state, or
    any)."""
    query = sa.select(INVOICES)
    if project_id is not None:
        query = query.where(INVOICES.c.project_id == project_id)
    if state is not None:
        query = query.where(INVOICES.c.state == state)
    if marker is not None:
        query = query.where(INVOICES.c.id < marker)
    query = query.order_by(INVOICES.c.period_start.desc(),
                           INVOICES.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return context.session.execute(query).all()


@main_context_manager.reader
def get_invoice(context, invoice_id):
    return context.session.execute(sa.select(INVOICES).where(
        INVOICES.c.id == invoice_id)).first()


@main_context_manager.reader
def segments_of(context, invoice_id):
    """Frozen segments of one issued invoice, in time order."""
    return context.session.execute(sa.select(SEGMENTS).where(
        SEGMENTS.c.invoice_id == invoice_id).order_by(
        SEGMENTS.c.start, SEGMENTS.c.id)).all()


@main_context_manager.reader
def billed_segments(context, closed_invoice_ids, resource_keys):
    """What closed invoices and the adjustments issued for them already
    billed for the given resources, in the order they were written; a
    row is about ``adjusted_invoice_id`` when it is an adjustment, else
    about ``invoice_id``. One query per chunk of resources."""
    issued = sa.select(INVOICES.c.id).where(INVOICES.c.state != IN_PROGRESS)
    closed_invoice_ids = sorted(closed_invoice_ids)
    rows = []
    for keys in bulk.chunks(sorted(resource_keys)):
        rows.extend(context.session.execute(sa.select(SEGMENTS).where(
            sa.or_(sa.and_(SEGMENTS.c.invoice_id.in_(closed_invoice_ids),
                           SEGMENTS.c.adjustment.is_(False)),
                   sa.and_(SEGMENTS.c.adjusted_invoice_id.in_(
                       closed_invoice_ids),
                       SEGMENTS.c.invoice_id.in_(issued))),
            sa.tuple_(SEGMENTS.c.resource_type, SEGMENTS.c.resource_id).in_(
                keys))))
    return sorted(rows, key=lambda row: row.id)


@main_context_manager.writer
def create_open_invoices(context, rows, now):
    """Insert in-progress invoices (project_id, period_start, period_end)
    that do not exist yet."""
    if not rows:
        return
    existing = set(context.session.execute(sa.select(
        INVOICES.c.project_id, INVOICES.c.period_start).where(
        INVOICES.c.project_id.in_(set(r[0] for r in rows)))).all())
    new = [{'project_id': project, 'period_start': start,
            'period_end': end, 'state': IN_PROGRESS, 'deducted': 0,
            'created_at': now, 'updated_at': now}
           for project, start, end in rows if (project, start) not in existing]
    bulk.insert_rows(context.session, INVOICES, new)


@main_context_manager.writer
def lock_in_progress(context, invoice_ids):
    """The ids among ``invoice_ids`` still in progress, locked until the
    transaction ends: a concurrent rollover gets none of them."""
    locked = []
    for chunk in bulk.chunks(sorted(invoice_ids)):
        locked.extend(context.session.execute(sa.select(INVOICES.c.id).where(
            INVOICES.c.id.in_(chunk),
            INVOICES.c.state == IN_PROGRESS).order_by(
            INVOICES.c.id).with_for_update()).scalars())
    return set(locked)


@main_context_manager.writer
def issue_invoices(context, issued, segment_rows, now):
    """Close in-progress invoices locked by lock_in_progress: ``issued``
    maps invoice id to its state, totals and rate card revision;
    ``segment_rows`` are the frozen segments."""
    session = context.session
    for chunk in bulk.chunks(sorted(issued)):
        columns = bulk.case_values(
            session, INVOICES,
            {invoice_id: issued[invoice_id] for invoice_id in chunk},
            ISSUED_COLUMNS)
        session.execute(INVOICES.update().where(
            INVOICES.c.id.in_(chunk),
            INVOICES.c.state == IN_PROGRESS).values(
            closed_at=clock.utcnow(), updated_at=now, **columns))
    bulk.insert_rows(session, SEGMENTS, segment_rows)


@main_context_manager.writer
def lock_invoice(context, invoice_id):
    """The invoice as committed now, locked until the transaction ends
    (None if there is none)."""
    return context.session.execute(sa.select(INVOICES).where(
        INVOICES.c.id == invoice_id).with_for_update()).first()


@main_context_manager.writer
def set_state(context, invoice_id, state, finish_date, deducted, now):
    """Set a locked invoice's state (lock_invoice)."""
    context.session.execute(INVOICES.update().where(
        INVOICES.c.id == invoice_id).values(
        state=state, finish_date=finish_date, deducted=deducted,
        updated_at=now))


@main_context_manager.reader
def oldest_open_period(context):
    """Start of the oldest in-progress invoice's period, or None."""
    return context.session.execute(sa.select(
        sa.func.min(INVOICES.c.period_start)).where(
        INVOICES.c.state == IN_PROGRESS)).scalar()


@main_context_manager.writer
def delete_billing_state(context):
    """Delete invoices, segments, balances, their ledger, notifications
    and billing projects (reset_billing)."""
    session = context.session
    for model in (models.BalanceTransaction, models.Balance,
                  models.InvoiceSegment, models.UnpaidAction,
                  models.UnpaidStep, models.LiveGroup, models.LiveTotal,
                  models.LiveInvoice, models.Invoice, models.Notification,
                  models.UsageChange, models.Project):
        session.execute(model.__table__.delete())
    session.execute(models.LiveState.__table__.update().values(
        generation=None))
