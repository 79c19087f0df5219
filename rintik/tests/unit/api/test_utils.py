"""The controller helpers of rintik.api.utils."""

import datetime
import decimal
from unittest import mock

import fixtures

from rintik.api import errors
from rintik.api import utils
from rintik.common import policy
from rintik import context
from rintik.tests import base

UTC = datetime.timezone.utc


class ParseJsonTestCase(base.TestCase):

    def test_numbers(self):
        document = utils.parse_json(b'{"a": 100000, "b": 0.1, "c": 1e2}')
        self.assertEqual({'a': 100000, 'b': decimal.Decimal('0.1'),
                          'c': decimal.Decimal('1e2')}, document)
        self.assertIsInstance(document['a'], int)
        self.assertEqual('0.1', str(document['b']))

    def test_malformed(self):
        for body in (b'', b'{', b'{"a": NaN}', b'[Infinity]', b'\xff',
                     b'[' * 100000):
            with self.subTest(body=body[:10]):
                error = self.assertRaises(errors.BadRequest,
                                          utils.parse_json, body)
                self.assertEqual(400, error.status)
                self.assertEqual(
                    {'message': 'The request body is not valid JSON.'},
                    error.body)

    def test_duplicate_key(self):
        error = self.assertRaises(errors.InvalidFields, utils.parse_json,
                                  b'{"x": {"a": 1, "a": 1}}')
        self.assertEqual(400, error.status)
        self.assertEqual({'a': ['Duplicate key.']}, error.body)


class ValidateTestCase(base.TestCase):

    SCHEMA = {
        'type': 'object',
        'properties': {
            'amount': {'type': 'string'},
            'items': {'type': 'array', 'items': {
                'type': 'object', 'required': ['id']}},
        },
        'required': ['amount', 'currency'],
    }

    def test_valid(self):
        utils.validate(self.SCHEMA, {'amount': '1', 'currency': 'IDR'})

    def test_every_field_at_fault(self):
        error = self.assertRaises(
            errors.InvalidFields, utils.validate, self.SCHEMA,
            {'amount': 1, 'items': [{'id': 1}, {}]})
        self.assertEqual(
            {'amount': ["1 is not of type 'string'"],
             'currency': ['This field is required.'],
             'items.1.id': ['This field is required.']}, error.body)

    def test_the_whole_document(self):
        error = self.assertRaises(errors.InvalidFields, utils.validate,
                                  self.SCHEMA, [])
        self.assertEqual(["[] is not of type 'object'"],
                         error.body['non_field_errors'])


class PaginationTestCase(base.TestCase):

    def test_absent(self):
        self.assertEqual((None, None), utils.pagination())
        self.assertEqual((None, None), utils.pagination('', ''))

    def test_valid(self):
        self.assertEqual((1, 'm'), utils.pagination('1', 'm'))
        self.assertEqual((1000, None), utils.pagination('1000'))

    def test_invalid_limit(self):
        for limit in ('0', '1001', '-1', '1.0', ' 5', 'ten', '\u0663'):
            with self.subTest(limit=limit):
                error = self.assertRaises(errors.InvalidFields,
                                          utils.pagination, limit)
                self.assertEqual(['limit'], list(error.body))


class DatetimeTestCase(base.TestCase):

    def test_parse_datetime(self):
        expected = datetime.datetime(2026, 11, 25, 9, 10, tzinfo=UTC)
        for value in ('2026-11-25T09:10:00Z', '2026-11-25T09:10:00',
                      '2026-11-25T16:10:00+07:00'):
            with self.subTest(value=value):
                self.assertEqual(expected,
                                 utils.parse_datetime(value, 'when'))

    def test_parse_invalid_datetime(self):
        for value in ('yesterday', None, 5):
            with self.subTest(value=value):
                error = self.assertRaises(errors.InvalidFields,
                                          utils.parse_datetime, value,
                                          'when')
                self.assertEqual(['when'], list(error.body))


class CallerTestCase(base.TestCase):
    """authorize() and project_scope() for the request's caller."""

    def setUp(self):
        super().setUp()
        policy.reset()
        self.addCleanup(policy.reset)

    def _as(self, project_id, roles):
        caller = context.RequestContext(project_id=project_id, roles=roles)
        caller.is_admin = policy.check_is_admin(caller)
        self.useFixture(fixtures.MockPatch('pecan.request',
                                           mock.Mock(context=caller)))

    def test_member_scope(self):
        self._as('project-a', ['member', 'reader'])
        self.assertEqual('project-a', utils.project_scope())
        self.assertEqual('project-a', utils.project_scope('project-a'))
        error = self.assertRaises(errors.Forbidden, utils.project_scope,
                                  'project-b')
        self.assertEqual(403, error.status)

    def test_admin_scope(self):
        self._as('admin-project', ['admin'])
        self.assertEqual('admin-project', utils.project_scope(None))
        self.assertEqual('project-b', utils.project_scope('project-b'))

    def test_authorize(self):
        self._as('project-a', ['reader'])
        utils.authorize('rintik:invoice:list', {'project_id': 'project-a'})
        error = self.assertRaises(errors.Forbidden, utils.authorize,
                                  'rintik:metrics:get')
        self.assertEqual(
            {'detail': 'Policy does not allow rintik:metrics:get.'},
            error.body)
