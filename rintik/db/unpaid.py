"""Records of the unpaid-invoice steps taken and of what each did to
every OpenStack resource."""

import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik.db import models

STEPS = models.UnpaidStep.__table__
ACTIONS = models.UnpaidAction.__table__
INVOICES = models.Invoice.__table__

DONE = 'done'
FAILED = 'failed'
RESTORED = 'restored'
RESTORE_FAILED = 'restore_failed'


@main_context_manager.reader
def unpaid_invoices(context, ended_by):
    """Unpaid invoices whose period ended at or before ``ended_by``."""
    return context.session.execute(sa.select(INVOICES).where(
        INVOICES.c.state == db_invoices.UNPAID,
        INVOICES.c.period_end <= ended_by).order_by(INVOICES.c.id)).all()


@main_context_manager.reader
def taken_steps(context, invoice_ids):
    """{invoice id: set of step keys taken}."""
    taken = {}
    for row in context.session.execute(sa.select(
            STEPS.c.invoice_id, STEPS.c.step).where(
            STEPS.c.invoice_id.in_(invoice_ids))):
        taken.setdefault(row.invoice_id, set()).add(row.step)
    return taken


@main_context_manager.writer
def record_step(context, invoice_id, step, outcomes, now):
    """A step taken, with (resource type, id, status, error) of each
    resource it acted on; in the caller's transaction."""
    context.session.execute(STEPS.insert().values(
        invoice_id=invoice_id, step=step, taken_at=now))
    if outcomes:
        context.session.execute(ACTIONS.insert(), [{
            'invoice_id': invoice_id, 'step': step,
            'resource_type': resource_type, 'resource_id': resource_id,
            'status': status, 'error': error, 'attempts': 1,
            'updated_at': now}
            for resource_type, resource_id, status, error in outcomes])


@main_context_manager.reader
def actions(context, statuses):
    """Resource actions in ``statuses`` with their invoice's project and
    state, oldest first."""
    return context.session.execute(sa.select(
        ACTIONS, INVOICES.c.project_id, INVOICES.c.state).join(
        INVOICES, INVOICES.c.id == ACTIONS.c.invoice_id).where(
        ACTIONS.c.status.in_(statuses)).order_by(ACTIONS.c.id)).all()


@main_context_manager.writer
def update_action(context, action_id, status, error, now):
    """The outcome of one more attempt at a resource action."""
    context.session.execute(ACTIONS.update().where(
        ACTIONS.c.id == action_id).values(
        status=status, error=error, attempts=ACTIONS.c.attempts + 1,
        updated_at=now))
