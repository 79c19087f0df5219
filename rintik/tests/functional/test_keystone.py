"""rintik-api behind a real Keystone: real tokens, real isolation.

A Keystone (keystone_server.py: its own virtualenv, SQLite, fernet
tokens, uWSGI) holds two projects: alice is a member of A, bob a reader
of B; the bootstrap admin is admin of project ``admin``. rintik-api runs
as a process with ``auth_strategy = keystone`` and keystonemiddleware's
token cache off, so that every request is validated by Keystone. Its
database (an SQLite file) is seeded through the API and
``rintik-manage``: prices, usage replayed for both projects, billing
enabled two months ago and the invoices rolled over, balances, and
notifications.

In CI ($CI set) a Keystone that cannot be installed or started fails
the tests; elsewhere they skip, saying why.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

import fixtures
import requests
import sqlalchemy as sa
import testtools
from testtools import content

from rintik.db import models
from rintik.tests.functional import keystone_server

CI = bool(os.environ.get('CI'))
PASSWORD = 'correct horse battery staple'
FLAVOR = 'm1.small'
UNPAID = 2
FINISHED = 100


def _start(fixture):
    """Set a fixture up outside a test; its own exception on failure."""
    try:
        fixture.setUp()
    except fixtures.MultipleExceptions as errors:
        raise errors.args[0][1].with_traceback(errors.args[0][2]) from None
    return fixture


def _manage(config_file, *args):
    """Run ``rintik-manage``; its standard output."""
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), 'rintik-manage'),
         '--config-file', config_file] + list(args),
        capture_output=True, text=True, timeout=120)
    if result.returncode:
        raise AssertionError('rintik-manage %s failed (%d): %s' % (
            ' '.join(args), result.returncode, result.stderr[-4000:]))
    return result.stdout


def _ids(invoices):
    """(id, state) of each invoice: an open invoice's amounts grow
    with the clock."""
    return [(invoice['id'], invoice['state']) for invoice in invoices]


def _month_start(moment, months_back):
    year, month = moment.year, moment.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.datetime(year, month, 1, tzinfo=datetime.timezone.utc)


def _instance_created(project_id, instance_id, when):
    """A legacy compute.instance.create.end envelope."""
    return {
        'event_type': 'compute.instance.create.end',
        'publisher_id': 'compute.compute-1',
        'timestamp': when.strftime('%Y-%m-%d %H:%M:%S.%f'),
        'priority': 'INFO',
        'message_id': str(uuid.uuid4()),
        'payload': {
            'tenant_id': project_id, 'user_id': 'u-' + project_id[:8],
            'instance_id': instance_id, 'display_name': 'vm-' + instance_id,
            'instance_type': FLAVOR, 'instance_flavor_id': FLAVOR,
            'state': 'active', 'state_description': '',
            'memory_mb': 2048, 'vcpus': 1, 'root_gb': 20,
            'launched_at': when.isoformat(), 'deleted_at': ''},
    }


class KeystoneIsolationTest(testtools.TestCase):
    """One Keystone and one rintik-api for the whole class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.directory = tempfile.mkdtemp(prefix='rintik-keystone-')
        cls.started = []
        try:
            cls.keystone = _start(keystone_server.KeystoneServer(
                os.path.join(cls.directory, 'keystone')))
            cls.started.append(cls.keystone)
        except keystone_server.KeystoneUnavailable as error:
            shutil.rmtree(cls.directory, ignore_errors=True)
            if CI:
                raise
            raise cls.skipException(
                'No Keystone to test against (set CI=1 to make this a '
                'failure): %s' % str(error)[-1500:])
        try:
            cls._seed()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for fixture in reversed(cls.started):
            fixture.cleanUp()
        shutil.rmtree(cls.directory, ignore_errors=True)
        super().tearDownClass()

    # Seeding -------------------------------------------------------------

    @classmethod
    def _seed(cls):
        ks = cls.keystone
        cls.project_a = ks.create_project('project-a')
        cls.project_b = ks.create_project('project-b')
        cls.alice = ks.add_user('alice', PASSWORD, cls.project_a, 'member')
        cls.bob = ks.add_user('bob', PASSWORD, cls.project_b, 'reader')
        cls.token_a, body_a = ks.issue_token('alice', PASSWORD,
                                             cls.project_a)
        cls.token_b, body_b = ks.issue_token('bob', PASSWORD, cls.project_b)
        cls.token_admin = ks.admin_token
        assert {r['name'] for r in body_a['roles']} == {'member', 'reader'}
        assert {r['name'] for r in body_b['roles']} == {'reader'}

        cls.db_url = 'sqlite:///' + os.path.join(cls.directory, 'rintik.db')
        cls.sections = {
            'DEFAULT': {'debug': 'True'},
            'database': {'connection': cls.db_url},
            'billing': {'currency': 'USD', 'timezone': 'UTC',
                        'close_delay': 0},
            'api': {'auth_strategy': 'keystone'},
            # No cache: every request is validated by Keystone, and a
            # revoked token is refused at once.
            'keystone_authtoken': ks.authtoken_options(
                token_cache_time=-1),
        }
        cls.api = keystone_server.RintikApi(cls.directory, cls.sections)
        cls.manage('db', 'sync')
        cls.started.append(_start(cls.api))

        cls.admin_call('POST', '/api/price/flavor/', 201, json={
            'flavor_id': FLAVOR, 'hourly_price': 0.5})
        now = datetime.datetime.now(datetime.timezone.utc)
        start = _month_start(now, 2)
        replay = os.path.join(cls.directory, 'usage.json')
        with open(replay, 'w', encoding='utf-8') as stream:
            json.dump([_instance_created(project, 'vm-%d' % index,
                                         start + datetime.timedelta(days=1))
                       for index, project in enumerate(
                           (cls.project_a, cls.project_b))], stream)
        cls.manage('replay', replay)
        cls.manage('billing', 'enable', '--start-date', start.isoformat())
        cls.manage('invoice-rollover', '--now', now.isoformat())
        for project in (cls.project_a, cls.project_b):
            cls.admin_call('POST', '/api/balance/%s/top_up_by_project/'
                           % project, 201, json={'amount': 100})
        cls.invoices_a = cls.admin_call(
            'GET', '/api/invoice/simple_list/', 200,
            params={'tenant_id': cls.project_a}).json()
        cls.invoices_b = cls.admin_call(
            'GET', '/api/invoice/simple_list/', 200,
            params={'tenant_id': cls.project_b}).json()
        cls.balance_b = cls.admin_call(
            'GET', '/api/balance/%s/retrieve_by_project/' % cls.project_b,
            200).json()['id']
        cls.notes = cls._notify([cls.project_a, cls.project_b, None])

    @classmethod
    def manage(cls, *args):
        config_file = os.path.join(cls.directory, 'rintik-manage.conf')
        if not os.path.exists(config_file):
            keystone_server.write_config(config_file, dict(
                cls.sections, DEFAULT={'log_file': os.path.join(
                    cls.directory, 'rintik-manage.log')}))
        return _manage(config_file, *args)

    @classmethod
    def _notify(cls, projects):
        """One notification per project (None: the admins'), inserted as
        the notification centre would; their ids."""
        table = models.Notification.__table__
        engine = sa.create_engine(cls.db_url)
        ids = []
        try:
            with engine.begin() as connection:
                for project in projects:
                    ids.append(connection.execute(table.insert().values(
                        project_id=project, title='Invoice issued',
                        short_description='An invoice was issued',
                        content='<p>Hello %s</p>' % project,
                        recipient='Admin' if project is None else
                        'billing@example.com', sent_status=False,
                        is_read=False,
                        created_at=datetime.datetime.now(
                            datetime.timezone.utc))).inserted_primary_key[0])
        finally:
            engine.dispose()
        return dict(zip(('a', 'b', 'general'), ids))

    # Calls ----------------------------------------------------------------

    @classmethod
    def call(cls, token, method, path, expected, **kwargs):
        headers = kwargs.pop('headers', {})
        if token is not None:
            headers['X-Auth-Token'] = token
        response = requests.request(method, cls.api.url + path,
                                    headers=headers, timeout=60, **kwargs)
        if response.status_code != expected:
            raise AssertionError('%s %s: %d, expected %d: %s' % (
                method, path, response.status_code, expected,
                response.text[:2000]))
        return response

    @classmethod
    def admin_call(cls, method, path, expected, **kwargs):
        return cls.call(cls.token_admin, method, path, expected, **kwargs)

    def setUp(self):
        super().setUp()
        self.addOnException(self._attach_logs)

    def _attach_logs(self, exc_info):
        self.addDetail('rintik-api', content.text_content(self.api.tail()))
        self.addDetail('keystone', content.text_content(
            self.keystone.tail()))

    def a(self, method, path, expected, **kwargs):
        return self.call(self.token_a, method, path, expected, **kwargs)

    def b(self, method, path, expected, **kwargs):
        return self.call(self.token_b, method, path, expected, **kwargs)

    # The seed itself --------------------------------------------------------

    def test_seeded(self):
        for invoices in (self.invoices_a, self.invoices_b):
            self.assertEqual([1, UNPAID, UNPAID],
                             [i['state'] for i in invoices])
            self.assertNotEqual('0.00', invoices[-1]['total'])

    # Invoices ---------------------------------------------------------------

    def test_own_invoices(self):
        mine = self.a('GET', '/api/invoice/', 200).json()
        self.assertEqual(_ids(self.invoices_a), _ids(mine))
        self.assertEqual({self.project_a},
                         {i['project']['tenant_id'] for i in mine})
        listed = self.a('GET', '/api/invoice/simple_list', 200, params={
            'tenant_id': self.project_a}).json()
        self.assertEqual(_ids(self.invoices_a), _ids(listed))
        one = self.a('GET', '/api/invoice/%d/' % self.invoices_a[-1]['id'],
                     200).json()
        self.assertEqual(1, len(one['instances']))
        self.b('GET', '/api/invoice/%d/' % self.invoices_b[-1]['id'], 200)

    def test_foreign_invoices(self):
        foreign = {'tenant_id': self.project_b}
        self.a('GET', '/api/invoice/', 403, params=foreign)
        self.a('GET', '/api/invoice/simple_list/', 403, params=foreign)
        for invoice in self.invoices_b:
            self.a('GET', '/api/invoice/%d/' % invoice['id'], 404)
            self.a('GET', '/api/invoice/%d/' % invoice['id'], 403,
                   params=foreign)
        # keystonemiddleware drops identity headers the client sends.
        self.a('GET', '/api/invoice/', 403, params=foreign,
               headers={'X-Project-Id': self.project_b, 'X-Roles': 'admin'})
        self.b('GET', '/api/invoice/%d/' % self.invoices_a[0]['id'], 404)
        self.b('GET', '/api/invoice/', 403,
               params={'tenant_id': self.project_a})

    # Balances ---------------------------------------------------------------

    def test_balances(self):
        own = self.a('GET', '/api/balance/%s/retrieve_by_project/'
                     % self.project_a, 200).json()
        self.assertEqual('100.00', own['amount'])
        self.a('GET', '/api/balance/%d/' % own['id'], 200)
        self.a('GET', '/api/balance/%s/transaction_by_project/'
               % self.project_a, 200)
        self.a('GET', '/api/balance/%s/retrieve_by_project/'
               % self.project_b, 403)
        self.a('GET', '/api/balance/%s/transaction_by_project/'
               % self.project_b, 403)
        self.a('GET', '/api/balance/%d/' % self.balance_b, 404)
        self.a('GET', '/api/balance/', 403)
        self.b('GET', '/api/balance/%d/' % own['id'], 404)

    # Notifications ----------------------------------------------------------

    def test_notifications(self):
        listed = self.a('GET', '/api/notification/', 200).json()
        # Its own notices only: the test's one and those of its money
        # events (invoices issued, the top-up).
        self.assertIn(self.notes['a'], [n['id'] for n in listed])
        self.assertEqual({self.project_a},
                         {n['project']['tenant_id'] for n in listed})
        self.assertNotIn(self.notes['b'], [n['id'] for n in listed])
        self.a('GET', '/api/notification/', 403,
               params={'tenant_id': self.project_b})
        self.a('GET', '/api/notification/', 403, params={'tenant_id': '0'})
        for note in (self.notes['b'], self.notes['general']):
            for action in ('', 'set_read/', 'set_unread/', 'resend/'):
                self.a('GET', '/api/notification/%d/%s' % (note, action),
                       404)
        self.a('GET', '/api/notification/%d/' % self.notes['a'], 200)
        self.b('GET', '/api/notification/%d' % self.notes['a'], 404)

    # E-mail settings --------------------------------------------------------

    def test_email_settings(self):
        path = '/api/project_overview/%s/'
        self.a('POST', path % self.project_a + 'update_email/', 200,
               json={'email_notification': 'alice@example.com'})
        self.assertEqual('alice@example.com', self.a(
            'GET', path % self.project_a + 'get_tenant/', 200).json()[
            'email_notification'])
        self.a('GET', path % self.project_b + 'get_tenant/', 403)
        self.a('POST', path % self.project_b + 'update_email/', 403,
               json={'email_notification': 'mallory@example.com'})
        self.b('GET', path % self.project_b + 'get_tenant/', 200)
        self.a('GET', '/api/project_overview/total_resource/', 403,
               params={'tenant_id': self.project_b})

    # Roles ------------------------------------------------------------------

    def test_reader_cannot_write(self):
        path = '/api/project_overview/%s/update_email/' % self.project_b
        self.b('POST', path, 403,
               json={'email_notification': 'bob@example.com'})
        self.b('GET', '/api/notification/%d/resend/' % self.notes['b'], 403)
        self.b('GET', '/api/notification/%d/set_read/' % self.notes['b'],
               200)
        self.b('POST', '/api/price/flavor/', 403, json={
            'flavor_id': 'm1.huge', 'hourly_price': '9'})
        self.b('POST', '/api/balance/%s/top_up_by_project/'
               % self.project_b, 403, json={'amount': 1})
        self.b('POST', '/api/invoice/%d/finish/?skip_balance=true'
               % self.invoices_b[-1]['id'], 403)
        self.b('PUT', '/api/settings/invoice_tax/', 403, json={'value': 50})
        self.b('POST', '/api/invoice/disable_billing/', 403)
        self.b('GET', '/metrics', 403)

    def test_member_writes_only_its_own(self):
        self.a('GET', '/api/notification/%d/resend/' % self.notes['a'], 200)
        self.a('POST', '/api/price/flavor/', 403, json={
            'flavor_id': 'm1.huge', 'hourly_price': '9'})
        self.a('POST', '/api/balance/%s/top_up_by_project/'
               % self.project_a, 403, json={'amount': 1})
        self.a('POST', '/api/invoice/%d/finish/' % self.invoices_a[-1]['id'],
               403)
        self.a('POST', '/api/invoice/reset_billing/', 403)

    def test_admin(self):
        admin = self.admin_call
        project = {'tenant_id': self.project_b}
        listed = admin('GET', '/api/invoice/simple_list/', 200,
                       params=project).json()
        self.assertEqual(_ids(self.invoices_b), _ids(listed))
        admin('GET', '/api/invoice/%d/' % self.invoices_b[0]['id'], 200)
        admin('POST', '/api/project_overview/%s/update_email/'
              % self.project_b, 200,
              json={'email_notification': 'ops@example.com'})
        admin('POST', '/api/balance/%s/top_up_by_project/' % self.project_b,
              201, json={'amount': '5.50'})
        finished = admin('POST', '/api/invoice/%d/finish/'
                         % self.invoices_b[-1]['id'], 200,
                         params={'skip_balance': 'true'}).json()
        self.assertEqual(FINISHED, finished['state'])
        self.assertEqual(FINISHED, self.b(
            'GET', '/api/invoice/%d/' % self.invoices_b[-1]['id'],
            200).json()['state'])
        notes = admin('GET', '/api/notification/', 200).json()
        self.assertTrue(set(self.notes.values()) <= {n['id'] for n in notes})
        admin('GET', '/api/balance/', 200)
        admin('GET', '/metrics', 200)

    # Tokens -----------------------------------------------------------------

    def test_no_or_bad_token(self):
        self.call(None, 'GET', '/api/invoice/', 401)
        self.call('not-a-token', 'GET', '/api/invoice/', 401)
        self.call(None, 'GET', '/healthcheck', 200)
        self.call(None, 'GET', '/', 200)

    def test_revoked_token(self):
        token, _body = self.keystone.issue_token('alice', PASSWORD,
                                                 self.project_a)
        self.call(token, 'GET', '/api/invoice/simple_list/', 200)
        self.keystone.revoke_token(token)
        self.assertEqual(404, self.keystone.validate_token(token))
        response = self.call(token, 'GET', '/api/invoice/simple_list/', 401)
        self.assertIn('detail', response.json())
        self.assertIn('Keystone uri=', response.headers.get(
            'WWW-Authenticate', ''))
        # Alice's other token still works.
        self.a('GET', '/api/invoice/simple_list/', 200)
