"""Policies of /api/price/: anyone may read prices, admins set them."""

from rintik.common.policies import base

ITEM = '/api/price/{kind}/{id}/'

rules = [
    base.rule('price', 'list', base.ANY_READER,
              'List the prices in force of one kind.',
              [('GET', '/api/price/{kind}/')]),
    base.rule('price', 'get', base.ANY_READER,
              'Show the price in force of one price key.',
              [('GET', ITEM)]),
    base.rule('price', 'history', base.ANY_READER,
              'List every version of one price key.',
              [('GET', ITEM + 'history/')]),
    base.rule('price', 'create', base.ADMIN,
              'Create a price key (its first version).',
              [('POST', '/api/price/{kind}/')]),
    base.rule('price', 'update', base.ADMIN,
              'Add a version to a price key.',
              [('PUT', ITEM), ('PATCH', ITEM)]),
    base.rule('price', 'delete', base.ADMIN,
              'End a price key from now on.',
              [('DELETE', ITEM)]),
]


def list_rules():
    return rules
