"""Base rules every Rintik policy is built from.

Keystone's default roles imply each other (admin implies member, member
implies reader), so ``role:reader`` also admits members and admins.
"""

from oslo_policy import policy

ADMIN = 'rule:context_is_admin'
ANY_READER = 'rule:any_reader'
PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin'
PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin'

rules = [
    policy.RuleDefault(
        'context_is_admin', 'role:admin',
        description='Cloud administrator: may act on every project.'),
    policy.RuleDefault(
        'any_reader', 'role:reader or rule:context_is_admin',
        description='Any reader of any project, or an administrator.'),
    policy.RuleDefault(
        'project_reader', 'role:reader and project_id:%(project_id)s',
        description='A reader of the project the request is about.'),
    policy.RuleDefault(
        'project_member', 'role:member and project_id:%(project_id)s',
        description='A member of the project the request is about.'),
    policy.RuleDefault(
        'project_reader_or_admin',
        'rule:project_reader or rule:context_is_admin',
        description='A reader of the project, or an administrator.'),
    policy.RuleDefault(
        'project_member_or_admin',
        'rule:project_member or rule:context_is_admin',
        description='A member of the project, or an administrator.'),
]


def rule(resource, action, check_str, description, operations):
    """A documented project-scoped rule named rintik:<resource>:<action>;
    ``operations`` is a list of (method, path) pairs."""
    return policy.DocumentedRuleDefault(
        name='rintik:%s:%s' % (resource, action),
        check_str=check_str,
        description=description,
        operations=[{'method': method, 'path': path}
                    for method, path in operations],
        scope_types=['project'])


def list_rules():
    return rules
