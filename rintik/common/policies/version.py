"""Policy of the API version document behind authentication."""

from rintik.common.policies import base

rules = [
    base.rule('version', 'get', base.ANY_READER,
              'Read the description of API version 1.',
              [('GET', '/api/')]),
]


def list_rules():
    return rules
