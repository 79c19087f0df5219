"""The payment workflow of an invoice (paid, rolled back to unpaid) and
the balance moves an admin makes, each with its notice."""

import decimal

from rintik import conf as rintik_conf
from rintik.db import balances
from rintik.db.engine import main_context_manager
from rintik.db import invoices as db_invoices
from rintik import exception
from rintik.notify import centre
from rintik.notify import events

ZERO = decimal.Decimal(0)


def _locked(context, invoice_id, state, verb):
    """The invoice, locked until the transaction ends; Conflict unless it
    is (still) in ``state``."""
    invoice = db_invoices.lock_invoice(context, invoice_id)
    if invoice is None:
        raise exception.NotFound()
    if invoice.state != state:
        raise exception.Conflict('Only an invoice in state %d can be %s.'
                                 % (state, verb))
    return invoice


def _move(context, invoice, action, amount, what, now, caused_by,
          request_id):
    """Record a balance move of the invoice's project for the invoice
    ("Payment of invoice 7", "Refund of invoice 7")."""
    balances.record(context, invoice.project_id, action, amount,
                    '%s of invoice %d' % (what, invoice.id), now, invoice.id,
                    caused_by=caused_by, request_id=request_id)


def finish(context, invoice_id, skip_balance, now, caused_by,
           request_id=None):
    """Mark an unpaid invoice paid, deducting its total from the balance
    unless skipped; Conflict when the balance does not cover it or the
    invoice is not unpaid. The state change and the deduction are one
    transaction on the locked invoice: concurrent requests pay once."""
    with main_context_manager.writer.using(context):
        invoice = _locked(context, invoice_id, db_invoices.UNPAID,
                          'finished')
        deducted = ZERO
        if not skip_balance and invoice.total > 0:
            deducted = invoice.total
            try:
                _move(context, invoice, balances.TOP_DOWN, deducted,
                      'Payment', now, caused_by, request_id)
            except exception.Invalid:
                raise exception.Conflict(
                    'The balance does not cover the invoice total.')
        db_invoices.set_state(context, invoice.id, db_invoices.FINISHED,
                              now, deducted, now)
        centre.store(context, [events.invoice_paid(
            invoice, invoice.total, deducted, _currency())], now)


def rollback_to_unpaid(context, invoice_id, skip_balance, now, caused_by,
                       request_id=None):
    """Back from finished to unpaid, refunding exactly what was deducted
    for this invoice unless skipped; Conflict when it is not finished.
    One transaction on the locked invoice: concurrent requests refund
    once."""
    with main_context_manager.writer.using(context):
        invoice = _locked(context, invoice_id, db_invoices.FINISHED,
                          'rolled back')
        refunded = ZERO
        if not skip_balance and invoice.deducted > 0:
            refunded = invoice.deducted
            _move(context, invoice, balances.TOP_UP, refunded, 'Refund',
                  now, caused_by, request_id)
        db_invoices.set_state(context, invoice.id, db_invoices.UNPAID, None,
                              ZERO, now)
        centre.store(context, [events.invoice_rolled_back(
            invoice, refunded, _currency())], now)


def change_balance(context, project_id, action, amount, description, now,
                   caused_by, request_id=None):
    """Top a project's balance up or down and notify the project, in one
    transaction; Invalid when a top-down would go below zero. Returns
    the ledger transaction's id."""
    with main_context_manager.writer.using(context):
        transaction_id = balances.record(
            context, project_id, action, amount, description, now,
            caused_by=caused_by, request_id=request_id)
        centre.store(context, [events.balance_changed(
            project_id, action, amount, balances.amount(context, project_id),
            description, _currency())], now)
    return transaction_id


def _currency():
    return rintik_conf.CONF.billing.currency
