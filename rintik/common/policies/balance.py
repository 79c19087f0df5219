"""Policies of /api/balance/: projects read their balance, admins move
money."""

from rintik.common.policies import base

ROOT = '/api/balance/'
PROJECT = ROOT + '{tenant_id}/'

rules = [
    base.rule('balance', 'list', base.ADMIN,
              'List the balances of every project.',
              [('GET', ROOT)]),
    base.rule('balance', 'get', base.PROJECT_READER_OR_ADMIN,
              'Show a balance by its id.',
              [('GET', ROOT + '{id}/')]),
    base.rule('balance', 'retrieve_by_project', base.PROJECT_READER_OR_ADMIN,
              'Show the balance of a project.',
              [('GET', PROJECT + 'retrieve_by_project/')]),
    base.rule('balance', 'transaction_by_project',
              base.PROJECT_READER_OR_ADMIN,
              'List the balance transactions of a project.',
              [('GET', PROJECT + 'transaction_by_project/')]),
    base.rule('balance', 'top_up', base.ADMIN,
              'Add money to a project\'s balance.',
              [('POST', PROJECT + 'top_up_by_project/')]),
    base.rule('balance', 'top_down', base.ADMIN,
              'Take money from a project\'s balance.',
              [('POST', PROJECT + 'top_down_by_project/')]),
]


def list_rules():
    return rules
