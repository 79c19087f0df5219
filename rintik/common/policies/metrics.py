"""Policy of the Prometheus exposition."""

from rintik.common.policies import base

rules = [
    base.rule('metrics', 'get', base.ADMIN,
              'Scrape the Prometheus metrics.',
              [('GET', '/metrics')]),
]


def list_rules():
    return rules
