"""Policies of /api/settings/."""

from rintik.common.policies import base

ITEM = '/api/settings/{key}/'

rules = [
    base.rule('setting', 'list', base.ANY_READER,
              'Show every billing setting.',
              [('GET', '/api/settings/')]),
    base.rule('setting', 'get', base.ANY_READER,
              'Show one billing setting.',
              [('GET', ITEM)]),
    base.rule('setting', 'update', base.ADMIN,
              'Change one billing setting.',
              [('PUT', ITEM), ('PATCH', ITEM)]),
]


def list_rules():
    return rules
