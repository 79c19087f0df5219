"""Prepaid balances and their ledger."""

import decimal

import sqlalchemy as sa

from rintik.db import bulk
from rintik.db.engine import main_context_manager
from rintik.db import models
from rintik import exception

BALANCES = models.Balance.__table__
TRANSACTIONS = models.BalanceTransaction.__table__

TOP_UP = 'top_up'
TOP_DOWN = 'top_down'


def _locked(session, project_id, now):
    """The project's balance row, created at 0 if missing, locked so that
    concurrent updates are serialised."""
    row = session.execute(sa.select(BALANCES).where(
        BALANCES.c.project_id == project_id).with_for_update()).first()
    if row is None:
        session.execute(BALANCES.insert().values(
            project_id=project_id, amount=decimal.Decimal(0),
            created_at=now, updated_at=now))
        row = session.execute(sa.select(BALANCES).where(
            BALANCES.c.project_id == project_id).with_for_update()).first()
    return row


@main_context_manager.writer
def record(context, project_id, action, amount, description, now,
           invoice_id=None, allow_negative=False, caused_by=None,
           request_id=None):
    """Add a top-up or a deduction (``amount`` > 0) to the ledger and the
    balance; a deduction below zero is refused (Invalid) unless allowed.
    ``caused_by`` (a user id, ``rollover``...) and ``request_id`` say who
    moved the money. Returns the transaction's id."""
    session = context.session
    row = _locked(session, project_id, now)
    delta = amount if action == TOP_UP else -amount
    if row.amount + delta < 0 and not allow_negative:
        raise exception.Invalid('The balance does not cover %s.' % amount,
                                field='amount')
    session.execute(BALANCES.update().where(BALANCES.c.id == row.id).values(
        amount=row.amount + delta, updated_at=now))
    return session.execute(TRANSACTIONS.insert().values(
        balance_id=row.id, amount=amount, action=action,
        description=description, invoice_id=invoice_id,
        caused_by=caused_by, request_id=request_id,
        created_at=now)).inserted_primary_key[0]


@main_context_manager.writer
def lock_amounts(context, project_ids):
    """{project id: balance} of the projects that have a balance row,
    each row locked until the transaction ends (in id order)."""
    amounts = {}
    for chunk in bulk.chunks(sorted(set(project_ids))):
        amounts.update(context.session.execute(sa.select(
            BALANCES.c.project_id, BALANCES.c.amount).where(
            BALANCES.c.project_id.in_(chunk)).order_by(
            BALANCES.c.id).with_for_update()).all())
    return amounts


@main_context_manager.writer
def record_many(context, moves, now, caused_by=None):
    """Apply ``moves`` [(project id, action, amount, description, invoice
    id)] in order, as record() would one by one (a missing balance row is
    opened at 0), with one ledger insert and one balance update per chunk
    of projects. A deduction below zero is refused (Invalid) and nothing
    is written."""
    if not moves:
        return
    session = context.session
    projects = sorted({move[0] for move in moves})
    rows = {}
    for chunk in bulk.chunks(projects):
        rows.update((row.project_id, row) for row in session.execute(
            sa.select(BALANCES).where(BALANCES.c.project_id.in_(
                chunk)).order_by(BALANCES.c.id).with_for_update()))
    missing = [project_id for project_id in projects
               if project_id not in rows]
    if missing:
        bulk.insert_rows(session, BALANCES, [{
            'project_id': project_id, 'amount': decimal.Decimal(0),
            'created_at': now, 'updated_at': now}
            for project_id in missing])
        for chunk in bulk.chunks(missing):
            rows.update((row.project_id, row) for row in session.execute(
                sa.select(BALANCES).where(BALANCES.c.project_id.in_(
                    chunk)).with_for_update()))
    amounts = {project_id: row.amount for project_id, row in rows.items()}
    ledger = []
    for project_id, action, amount, description, invoice_id in moves:
        delta = amount if action == TOP_UP else -amount
        if amounts[project_id] + delta < 0:
            raise exception.Invalid('The balance does not cover %s.'
                                    % amount, field='amount')
        amounts[project_id] += delta
        ledger.append({'balance_id': rows[project_id].id, 'amount': amount,
                       'action': action, 'description': description,
                       'invoice_id': invoice_id, 'caused_by': caused_by,
                       'request_id': None, 'created_at': now})
    for chunk in bulk.chunks(projects):
        by_id = {rows[project_id].id: {'amount': amounts[project_id]}
                 for project_id in chunk}
        session.execute(BALANCES.update().where(
            BALANCES.c.id.in_(list(by_id))).values(
            updated_at=now, **bulk.case_values(session, BALANCES, by_id,
                                               ('amount',))))
    bulk.insert_rows(session, TRANSACTIONS, ledger)


@main_context_manager.writer
def ensure(context, project_id, now):
    """The project's balance row, opened at 0 if it has none."""
    return _locked(context.session, project_id, now)


@main_context_manager.reader
def get_transaction(context, transaction_id):
    return context.session.execute(sa.select(TRANSACTIONS).where(
        TRANSACTIONS.c.id == transaction_id)).first()


@main_context_manager.reader
def amount(context, project_id):
    """The project's balance (0 when it has none)."""
    value = context.session.execute(sa.select(BALANCES.c.amount).where(
        BALANCES.c.project_id == project_id)).scalar()
    return decimal.Decimal(0) if value is None else value


@main_context_manager.reader
def get_balance(context, balance_id=None, project_id=None):
    query = sa.select(BALANCES)
    if balance_id is not None:
        query = query.where(BALANCES.c.id == balance_id)
    else:
        query = query.where(BALANCES.c.project_id == project_id)
    return context.session.execute(query).first()


@main_context_manager.reader
def list_balances(context):
    return context.session.execute(
        sa.select(BALANCES).order_by(BALANCES.c.id)).all()


@main_context_manager.reader
def transactions(context, project_id):
    """The project's ledger, newest first."""
    return context.session.execute(sa.select(TRANSACTIONS).join(
        BALANCES, BALANCES.c.id == TRANSACTIONS.c.balance_id).where(
        BALANCES.c.project_id == project_id).order_by(
        TRANSACTIONS.c.id.desc())).all()
