"""Policies of a project's billing record."""

from rintik.common.policies import base

ITEM = '/api/project_overview/{tenant_id}/'

rules = [
    base.rule('project', 'get', base.PROJECT_READER_OR_ADMIN,
              'Show a project and its notification addresses.',
              [('GET', ITEM + 'get_tenant/')]),
    base.rule('project', 'update_email', base.PROJECT_MEMBER_OR_ADMIN,
              'Change the addresses a project\'s notifications go to.',
              [('POST', ITEM + 'update_email/')]),
]


def list_rules():
    return rules
