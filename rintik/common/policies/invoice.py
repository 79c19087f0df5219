"""Policies of /api/invoice/: projects read their invoices, admins run
billing."""

from rintik.common.policies import base

ROOT = '/api/invoice/'
ITEM = ROOT + '{id}/'

rules = [
    base.rule('invoice', 'list', base.PROJECT_READER_OR_ADMIN,
              'List the invoices of a project.',
              [('GET', ROOT), ('GET', ROOT + 'simple_list/')]),
    base.rule('invoice', 'get', base.PROJECT_READER_OR_ADMIN,
              'Show one invoice of a project.',
              [('GET', ITEM)]),
    base.rule('invoice', 'enable_billing', base.ADMIN,
              'Enable billing from an inventory of the running resources.',
              [('POST', ROOT + 'enable_billing/')]),
    base.rule('invoice', 'disable_billing', base.ADMIN,
              'Disable billing.',
              [('POST', ROOT + 'disable_billing/')]),
    base.rule('invoice', 'reset_billing', base.ADMIN,
              'Wipe every billing record, prices included.',
              [('POST', ROOT + 'reset_billing/')]),
    base.rule('invoice', 'reset_transaction_data', base.ADMIN,
              'Wipe every billing record but the prices.',
              [('POST', ROOT + 'reset_transaction_data/')]),
    base.rule('invoice', 'finish', base.ADMIN,
              'Mark an invoice paid, deducting the balance unless skipped.',
              [('GET', ITEM + 'finish/'), ('POST', ITEM + 'finish/')]),
    base.rule('invoice', 'rollback_to_unpaid', base.ADMIN,
              'Mark a paid invoice unpaid again, refunding what was '
              'deducted.',
              [('GET', ITEM + 'rollback_to_unpaid/'),
               ('POST', ITEM + 'rollback_to_unpaid/')]),
]


def list_rules():
    return rules
