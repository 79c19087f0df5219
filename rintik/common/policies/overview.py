"""Policies of the overview charts."""

from rintik.common.policies import base

rules = [
    base.rule('overview', 'admin', base.ADMIN,
              'Show the charts over every project.',
              [('GET', '/api/admin_overview/{chart}/')]),
    base.rule('overview', 'project', base.PROJECT_READER_OR_ADMIN,
              'Show the charts of one project.',
              [('GET', '/api/project_overview/{chart}/')]),
]


def list_rules():
    return rules
