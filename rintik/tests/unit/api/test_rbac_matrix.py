"""The RBAC matrix (gabbits/*-rbac.yaml) follows the policy in code.

Every operation (method, path) of every documented rule of
rintik.common.policies is called in ``<resource>-rbac.yaml`` by the five
personas, and a call succeeds (2xx) exactly when the rule's default
admits the persona on project-a, the project the matrix acts on. Without
a token every call is 401. gabbi runs the files (test_gabbi); this test
keeps them complete when a rule or an operation is added or changed.
"""

import glob
import os
import re

from oslo_policy import policy as oslo_policy
import yaml

from rintik.common import policies
from rintik.common import policy
from rintik import context
from rintik.tests import base
from rintik.tests.unit.api import fixtures
from rintik.tests.unit.api import test_gabbi

METHODS = ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')
TARGET = {'project_id': fixtures.PROJECT_A}
PERSONAS = {token: context.RequestContext(project_id=project_id,
                                          roles=roles)
            for token, _user, project_id, roles in fixtures.TOKENS}
NO_TOKEN = None
# admin, member and reader of project-a, member of another project.
MATRIX = {fixtures.ADMIN_TOKEN, fixtures.MEMBER_A_TOKEN,
          fixtures.READER_A_TOKEN, fixtures.MEMBER_B_TOKEN, NO_TOKEN}
# Paths without a rule: for everyone, token or not.
PUBLIC = 'public'


def matrix():
    """{file name: [(rule, method, path, token, status)]}."""
    result = {}
    for path in sorted(glob.glob(os.path.join(test_gabbi.TESTS_DIR,
                                              '*-rbac.yaml'))):
        with open(path) as stream:
            tests = yaml.safe_load(stream)['tests']
        rows = []
        for test in tests:
            [method] = [key for key in METHODS if key in test]
            token = test.get('request_headers', {}).get('x-auth-token')
            rows.append((test['desc'], method, test[method], token,
                         test['status']))
        result[os.path.basename(path)] = rows
    return result


def template(path):
    """A regular expression of a rule's operation path: ``{name}`` is one
    path segment; a query may follow."""
    parts = re.split(r'\{[a-z_]+\}', path)
    return re.compile('[^/?]+'.join(re.escape(part) for part in parts) +
                      r'(\?.*)?$')


class RBACMatrixTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        policy.reset()
        self.addCleanup(policy.reset)
        self.matrix = matrix()

    def allowed(self, token, rule):
        try:
            policy.authorize(PERSONAS[token], rule, TARGET)
        except oslo_policy.PolicyNotAuthorized:
            return False
        return True

    def test_every_operation_is_called_by_every_persona(self):
        for rule in policies.list_rules():
            if not isinstance(rule, oslo_policy.DocumentedRuleDefault):
                continue
            resource = rule.name.split(':')[1]
            rows = self.matrix.get('%s-rbac.yaml' % resource, [])
            for operation in rule.operations:
                pattern = template(operation['path'])
                callers = {token for name, method, path, token, _s in rows
                           if name == rule.name and
                           method == operation['method'] and
                           pattern.match(path)}
                with self.subTest(rule=rule.name, operation=operation):
                    self.assertEqual(MATRIX, callers)

    def test_exactly_what_the_rule_admits_succeeds(self):
        for name, rows in self.matrix.items():
            for rule, method, path, token, status in rows:
                with self.subTest(file=name, call=(method, path, token)):
                    if rule == PUBLIC:
                        expected = True
                    elif token is NO_TOKEN:
                        self.assertEqual(401, status)
                        continue
                    else:
                        expected = self.allowed(token, rule)
                    self.assertEqual(expected, 200 <= status < 300)

    def test_every_file_names_known_rules(self):
        rules = {rule.name for rule in policies.list_rules()}
        for name, rows in self.matrix.items():
            resource = name[:-len('-rbac.yaml')]
            for rule, *_call in rows:
                with self.subTest(file=name, rule=rule):
                    if rule == PUBLIC:
                        self.assertEqual('public-rbac.yaml', name)
                    else:
                        self.assertIn(rule, rules)
                        self.assertEqual(resource, rule.split(':')[1])
