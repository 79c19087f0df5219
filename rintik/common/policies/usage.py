"""Policies of /api/usage/."""

from rintik.common.policies import base

rules = [
    base.rule('usage', 'unpriced', base.ADMIN,
              'List metered usage that has no price.',
              [('GET', '/api/usage/unpriced/')]),
]


def list_rules():
    return rules
