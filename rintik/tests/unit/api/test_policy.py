"""The default policy: each rule for an admin, a member and a reader of
project A and a reader of project B, acting on project A."""

import os

import fixtures
from oslo_policy import opts as policy_opts
from oslo_policy import policy as oslo_policy

from rintik.common import policies
from rintik.common import policy
from rintik import context
from rintik.tests import base

ADMIN = context.RequestContext(project_id='admin-project',
                               roles=['admin'])
MEMBER_A = context.RequestContext(project_id='project-a',
                                  roles=['member', 'reader'])
READER_A = context.RequestContext(project_id='project-a', roles=['reader'])
READER_B = context.RequestContext(project_id='project-b', roles=['reader'])
PERSONAS = (ADMIN, MEMBER_A, READER_A, READER_B)

EVERYONE = (True, True, True, True)
ADMIN_ONLY = (True, False, False, False)
PROJECT_READERS = (True, True, True, False)
PROJECT_MEMBERS = (True, True, False, False)

# rule: allowed for (admin, member of A, reader of A, reader of B) on A
EXPECTED = {
    'rintik:price:list': EVERYONE,
    'rintik:price:get': EVERYONE,
    'rintik:price:history': EVERYONE,
    'rintik:price:create': ADMIN_ONLY,
    'rintik:price:update': ADMIN_ONLY,
    'rintik:price:delete': ADMIN_ONLY,
    'rintik:setting:list': EVERYONE,
    'rintik:setting:get': EVERYONE,
    'rintik:setting:update': ADMIN_ONLY,
    'rintik:invoice:list': PROJECT_READERS,
    'rintik:invoice:get': PROJECT_READERS,
    'rintik:invoice:enable_billing': ADMIN_ONLY,
    'rintik:invoice:disable_billing': ADMIN_ONLY,
    'rintik:invoice:reset_billing': ADMIN_ONLY,
    'rintik:invoice:reset_transaction_data': ADMIN_ONLY,
    'rintik:invoice:finish': ADMIN_ONLY,
    'rintik:invoice:rollback_to_unpaid': ADMIN_ONLY,
    'rintik:overview:admin': ADMIN_ONLY,
    'rintik:overview:project': PROJECT_READERS,
    'rintik:project:get': PROJECT_READERS,
    'rintik:project:update_email': PROJECT_MEMBERS,
    'rintik:notification:list': PROJECT_READERS,
    'rintik:notification:list_all': ADMIN_ONLY,
    'rintik:notification:get': PROJECT_READERS,
    'rintik:notification:set_read': PROJECT_READERS,
    'rintik:notification:set_unread': PROJECT_READERS,
    'rintik:notification:resend': PROJECT_MEMBERS,
    'rintik:balance:list': ADMIN_ONLY,
    'rintik:balance:get': PROJECT_READERS,
    'rintik:balance:retrieve_by_project': PROJECT_READERS,
    'rintik:balance:transaction_by_project': PROJECT_READERS,
    'rintik:balance:top_up': ADMIN_ONLY,
    'rintik:balance:top_down': ADMIN_ONLY,
    'rintik:usage:unpriced': ADMIN_ONLY,
    'rintik:metrics:get': ADMIN_ONLY,
    'rintik:version:get': EVERYONE,
}

TARGET = {'project_id': 'project-a'}


class PolicyTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        policy.reset()
        self.addCleanup(policy.reset)

    def test_every_action_has_a_documented_rule(self):
        documented = {rule.name for rule in policies.list_rules()
                      if isinstance(rule, oslo_policy.DocumentedRuleDefault)}
        self.assertEqual(set(EXPECTED), documented)

    def test_defaults(self):
        for rule, expected in EXPECTED.items():
            for persona, allowed in zip(PERSONAS, expected):
                with self.subTest(rule=rule, persona=persona.to_dict()):
                    if allowed:
                        policy.authorize(persona, rule, TARGET)
                    else:
                        self.assertRaises(oslo_policy.PolicyNotAuthorized,
                                          policy.authorize, persona, rule,
                                          TARGET)

    def test_project_rules_deny_without_a_project_in_the_target(self):
        self.assertRaises(oslo_policy.PolicyNotAuthorized, policy.authorize,
                          MEMBER_A, 'rintik:invoice:list', {})

    def test_a_system_scoped_token_is_refused(self):
        system_admin = context.RequestContext(system_scope='all',
                                              roles=['admin'])
        self.assertRaises(oslo_policy.InvalidScope, policy.authorize,
                          system_admin, 'rintik:metrics:get', {})

    def test_check_is_admin(self):
        self.assertTrue(policy.check_is_admin(ADMIN))
        self.assertFalse(policy.check_is_admin(MEMBER_A))

    def test_the_policy_file_overrides_a_default(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'policy.yaml')
        with open(path, 'w') as stream:
            stream.write('"rintik:metrics:get": "role:reader"\n')
        policy_opts.set_defaults(self.conf)
        self.config(group='oslo_policy', policy_file=path)
        policy.authorize(READER_B, 'rintik:metrics:get', {})
