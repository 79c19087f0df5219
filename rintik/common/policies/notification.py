"""Policies of /api/notification/: the notification centre."""

from rintik.common.policies import base

ROOT = '/api/notification/'
ITEM = ROOT + '{id}/'

rules = [
    base.rule('notification', 'list', base.PROJECT_READER_OR_ADMIN,
              'List the notifications of a project.',
              [('GET', ROOT)]),
    base.rule('notification', 'list_all', base.ADMIN,
              'List the notifications of every project, or the general '
              '(admin) ones.',
              [('GET', ROOT)]),
    base.rule('notification', 'get', base.PROJECT_READER_OR_ADMIN,
              'Show a notification and mark it read.',
              [('GET', ITEM)]),
    base.rule('notification', 'set_read', base.PROJECT_READER_OR_ADMIN,
              'Mark a notification read.',
              [('GET', ITEM + 'set_read/')]),
    base.rule('notification', 'set_unread', base.PROJECT_READER_OR_ADMIN,
              'Mark a notification unread.',
              [('GET', ITEM + 'set_unread/')]),
    base.rule('notification', 'resend', base.PROJECT_MEMBER_OR_ADMIN,
              'Send a notification\'s e-mail again.',
              [('GET', ITEM + 'resend/')]),
]


def list_rules():
    return rules
