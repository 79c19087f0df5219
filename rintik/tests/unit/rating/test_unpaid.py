"""invoice unpaid-actions and check-openstack against a fake OpenStack
cloud spoken to over HTTP by openstacksdk."""

import io
import json
import os

import fixtures
from keystoneauth1 import loading as ks_loading

from rintik.common import openstack
from rintik.db import notifications
from rintik.db import unpaid as db_unpaid
from rintik import exception
from rintik.manage import base
from rintik.manage import billing
from rintik.manage import cloud
from rintik.rating import payments
from rintik.rating import unpaid
from rintik.tests import fake_openstack
from rintik.tests.unit.rating import helpers

at, cron = helpers.at, helpers.cron
SERVERS = '/compute/v2.1/servers'
LIST_SERVERS = ('GET', SERVERS + '/detail', None)


def action(server, name):
    return ('POST', '%s/%s/action' % (SERVERS, server), {name: None})


class CloudTestCase(helpers.RatingTestCase):

    def setUp(self):
        super().setUp()
        self.cloud = self.useFixture(fake_openstack.FakeOpenStack())
        self.conf_fixture.config.register_opts(
            ks_loading.get_auth_plugin_conf_options('v3password'),
            group='openstack')
        self.config(group='openstack', auth_type='v3password',
                    auth_url=self.cloud.auth_url, username='rintik',
                    password='secret', project_name='admin',
                    user_domain_name='Default',
                    project_domain_name='Default', region_name='RegionOne')


class UnpaidActionsTest(CloudTestCase):

    def setUp(self):
        super().setUp()
        self.config(group='unpaid_invoice', step=[
            '3 send_message Please pay invoice soon.',
            '7 stop_instances Your instances are stopped until you pay.',
            '30 delete_resources'])
        self.cloud.add('servers', 's1', 'p1', name='web', status='ACTIVE')
        self.cloud.add('servers', 's2', 'p1', name='old', status='SHUTOFF')
        self.cloud.add('servers', 's3', 'p2', name='other', status='ACTIVE')
        self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1, 10), at(1, 11))
        self.rollover(cron(2))
        self.invoice_id = self.invoice('p1', at(1)).id

    def run_at(self, now, dry_run=False):
        return unpaid.run(self.context, self.conf, now, dry_run)

    def steps_taken(self):
        return sorted(db_unpaid.taken_steps(
            self.context, [self.invoice_id]).get(self.invoice_id, ()))

    def step_notices(self):
        return [(row.title, row.short_description) for row in reversed(
            notifications.list_notifications(self.context, 'p1'))
            if row.event == 'unpaid_step']

    def test_each_step_runs_once_on_its_day(self):
        self.assertEqual([], self.run_at(at(2, 3, 23)).lines)
        report = self.run_at(at(2, 4))
        self.assertEqual(['took invoice %d (project p1): 3:send_message'
                          % self.invoice_id], report.lines)
        self.assertEqual((0, []), (self.cloud.tokens, self.cloud.requests))
        self.run_at(at(2, 8))
        self.assertEqual([LIST_SERVERS, action('s1', 'os-stop')],
                         self.cloud.calls())
        self.assertEqual({'project_id': 'p1', 'all_tenants': 'True'},
                         self.cloud.requests[0][2])
        self.assertEqual('SHUTOFF',
                         self.cloud.resources['servers']['s1']['status'])
        self.assertEqual(['3:send_message', '7:stop_instances'],
                         self.steps_taken())
        self.assertEqual([
            ('Invoice %d is unpaid: send message' % self.invoice_id,
             'Please pay invoice soon.'),
            ('Invoice %d is unpaid: stop instances' % self.invoice_id,
             'Your instances are stopped until you pay.')],
            self.step_notices())
        self.run_at(at(2, 9))
        self.run_at(at(2, 20))
        self.assertEqual(2, len(self.cloud.calls()))
        self.assertEqual(2, len(self.step_notices()))

    def test_a_missed_day_is_caught_up(self):
        report = self.run_at(at(2, 12))
        self.assertEqual(['3:send_message', '7:stop_instances'],
                         self.steps_taken())
        self.assertEqual([LIST_SERVERS, action('s1', 'os-stop')],
                         self.cloud.calls())
        self.assertEqual(0, report.failures)

    def test_a_dry_run_calls_and_records_nothing(self):
        report = self.run_at(at(2, 12), dry_run=True)
        self.assertEqual([
            'would take invoice %d (project p1): 3:send_message'
            % self.invoice_id,
            'would take invoice %d (project p1): 7:stop_instances'
            % self.invoice_id], report.lines)
        self.assertEqual((0, [], [], []),
                         (self.cloud.tokens, self.cloud.requests,
                          self.steps_taken(), self.step_notices()))

    def test_nothing_happens_after_payment(self):
        self.run_at(at(2, 4))
        payments.finish(self.context, self.invoice_id, True, at(2, 5),
                       'admin')
        self.assertEqual([], self.run_at(at(3, 10)).lines)
        self.assertEqual((['3:send_message'], []),
                         (self.steps_taken(), self.cloud.calls()))

    def test_a_rollback_to_unpaid_does_not_repeat_a_step(self):
        self.run_at(at(2, 8))
        payments.finish(self.context, self.invoice_id, True, at(2, 9),
                       'admin')
        payments.rollback_to_unpaid(self.context, self.invoice_id, True,
                                   at(2, 9), 'admin')
        self.cloud.resources['servers']['s1']['status'] = 'ACTIVE'
        self.run_at(at(2, 10))
        self.assertEqual([LIST_SERVERS, action('s1', 'os-stop')],
                         self.cloud.calls())

    def test_payment_restores_what_the_steps_stopped(self):
        self.config(group='unpaid_invoice', restore_on_payment=True)
        self.run_at(at(2, 8))
        payments.finish(self.context, self.invoice_id, True, at(2, 9),
                       'admin')
        report = self.run_at(at(2, 9))
        self.assertEqual(['restore instance s1 of invoice %d '
                          '(7:stop_instances): restored' % self.invoice_id],
                         report.lines)
        self.assertEqual([LIST_SERVERS, action('s1', 'os-stop'),
                          action('s1', 'os-start')], self.cloud.calls())
        self.run_at(at(2, 10))
        self.assertEqual(3, len(self.cloud.calls()))

    def test_without_restore_on_payment_nothing_is_restarted(self):
        self.run_at(at(2, 8))
        payments.finish(self.context, self.invoice_id, True, at(2, 9),
                       'admin')
        self.run_at(at(2, 9))
        self.assertEqual([LIST_SERVERS, action('s1', 'os-stop')],
                         self.cloud.calls())

    def test_deletion_is_refused_without_allow_delete(self):
        report = self.run_at(at(3, 4))
        self.assertEqual(
            'invoice %d (project p1): 30:delete_resources refused: '
            '[unpaid_invoice] allow_delete is false' % self.invoice_id,
            report.lines[-1])
        self.assertEqual(1, report.failures)
        self.assertEqual([], self.cloud.calls('DELETE', 'PUT'))
        self.assertNotIn('30:delete_resources', self.steps_taken())

    def test_deletion_goes_in_the_stated_order(self):
        self.config(group='unpaid_invoice', allow_delete=True,
                    step=['30 delete_resources'])
        cloud = self.cloud
        cloud.add('floatingips', 'fip1', 'p1')
        cloud.add('routers', 'r1', 'p1')
        cloud.add('ports', 'port1', 'p1', device_id='r1',
                  device_owner='network:router_interface')
        cloud.add('snapshots', 'snap1', 'p1', status='available')
        cloud.add('volumes', 'vol1', 'p1', status='available')
        cloud.add('images', 'img1', 'p1', status='active')
        cloud.add('volumes', 'vol9', 'p2', status='available')
        report = self.run_at(at(3, 4))
        self.assertEqual(0, report.failures)
        self.assertEqual([
            ('DELETE', '/network/v2.0/floatingips/fip1', None),
            ('PUT', '/network/v2.0/routers/r1/remove_router_interface',
             {'port_id': 'port1'}),
            ('DELETE', '/network/v2.0/routers/r1', None),
            ('DELETE', SERVERS + '/s1', None),
            ('DELETE', SERVERS + '/s2', None),
            ('DELETE', '/volume/v3/snapshots/snap1', None),
            ('DELETE', '/volume/v3/volumes/vol1', None),
            ('DELETE', '/image/v2/images/img1', None)],
            cloud.calls('DELETE', 'PUT'))
        self.assertEqual(['vol9'], list(cloud.resources['volumes']))

    def test_a_failing_call_is_recorded_and_retried_next_run(self):
        self.cloud.fail[('POST', SERVERS + '/s1/action')] = 1
        report = self.run_at(at(2, 8))
        self.assertEqual(1, report.failures)
        [row] = db_unpaid.actions(self.context, [db_unpaid.FAILED])
        self.assertEqual(('instance', 's1', 1), (row.resource_type,
                                                 row.resource_id,
                                                 row.attempts))
        self.assertIn('injected', row.error)
        self.assertEqual('ACTIVE',
                         self.cloud.resources['servers']['s1']['status'])
        report = self.run_at(at(2, 9))
        self.assertEqual(['retry instance s1 of invoice %d '
                          '(7:stop_instances): done' % self.invoice_id],
                         report.lines)
        self.assertEqual([LIST_SERVERS, action('s1', 'os-stop'),
                          action('s1', 'os-stop')], self.cloud.calls())
        self.assertEqual('SHUTOFF',
                         self.cloud.resources['servers']['s1']['status'])
        self.run_at(at(2, 10))
        self.assertEqual(3, len(self.cloud.calls()))


class StepsTest(helpers.RatingTestCase):

    def test_steps_are_parsed_and_ordered_by_days(self):
        self.assertEqual(
            [unpaid.Step(3, 'send_message', 'Pay now, please.'),
             unpaid.Step(14, 'shelve_instances', '')],
            unpaid.parse_steps(['14 shelve_instances',
                                '3 send_message Pay now, please.']))

    def test_a_bad_step_is_refused(self):
        for line in ('seven send_message', '7 reboot_instances', '7'):
            self.assertRaises(exception.Invalid, unpaid.parse_steps, [line])
        self.assertRaises(exception.Invalid, unpaid.parse_steps,
                          ['7 send_message a', '7 send_message b'])


class CheckOpenStackTest(CloudTestCase):

    def test_credentials_role_and_endpoints(self):
        results = openstack.check(self.conf)
        self.assertEqual(
            [('credentials', True), ('admin role', True),
             ('compute', True), ('block-storage', True), ('network', True),
             ('image', True)],
            [(result.name, result.ok) for result in results])
        self.assertEqual(self.cloud.url + '/compute/v2.1',
                         results[2].detail)

    def test_a_user_without_the_admin_role_fails(self):
        self.cloud.roles = ['reader']
        results = openstack.check(self.conf)
        self.assertEqual(('admin role', False, 'roles: reader'),
                         (results[1].name, results[1].ok,
                          results[1].detail))

    def test_wrong_credentials_fail_without_the_password(self):
        self.config(group='openstack', auth_url=self.cloud.url + '/nowhere')
        [result] = openstack.check(self.conf)
        self.assertEqual(('credentials', False), (result.name, result.ok))
        self.assertNotIn('secret', result.detail)


class CommandTest(CloudTestCase):
    """The rintik-manage commands: their output and exit status."""

    def setUp(self):
        super().setUp()
        self.out = self.useFixture(fixtures.MockPatch(
            'sys.stdout', io.StringIO())).mock

    def test_check_openstack_prints_each_check(self):
        cloud.CheckOpenStackCommand(self.conf)()
        self.assertEqual(
            ['OK   credentials: token for user rintik-user in project '
             'admin-project', 'OK   admin role: roles: admin, reader'],
            self.out.getvalue().splitlines()[:2])

    def test_check_openstack_fails_without_the_admin_role(self):
        self.cloud.roles = ['member']
        error = self.assertRaises(base.CommandError,
                                  cloud.CheckOpenStackCommand(self.conf))
        self.assertEqual('Failed: admin role', str(error))

    def test_a_clouds_yaml_cloud_is_used(self):
        directory = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(directory, 'clouds.yaml')
        with open(path, 'w') as stream:
            json.dump({'clouds': {'billing': {
                'auth_type': 'v3password', 'region_name': 'RegionOne',
                'auth': {'auth_url': self.cloud.auth_url,
                         'username': 'rintik', 'password': 'secret',
                         'project_name': 'admin',
                         'user_domain_name': 'Default',
                         'project_domain_name': 'Default'}}}}, stream)
        self.useFixture(fixtures.EnvironmentVariable('OS_CLIENT_CONFIG_FILE',
                                                     path))
        self.config(group='openstack', cloud='billing',
                    auth_url='http://127.0.0.1:9/unused')
        self.assertTrue(all(result.ok
                            for result in openstack.check(self.conf)))
        self.assertEqual(1, self.cloud.tokens)

    def test_unpaid_actions_reports_and_exits_1_on_a_refusal(self):
        self.config(group='unpaid_invoice', step=['1 delete_resources'])
        self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1, 10), at(1, 11))
        self.rollover(cron(2))
        commands = billing.InvoiceCommands(self.conf)
        commands.unpaid_actions('2026-02-01T12:00:00', True)
        error = self.assertRaises(base.CommandError,
                                  commands.unpaid_actions,
                                  '2026-02-02T00:00:00', False)
        self.assertIn('1 steps or resource actions failed', str(error))
        self.assertIn('Nothing to do.\n', self.out.getvalue())
        self.assertIn('1:delete_resources refused', self.out.getvalue())

    def test_a_bad_step_is_a_handled_error(self):
        self.config(group='unpaid_invoice', step=['soon send_message'])
        self.assertRaises(base.CommandError,
                          billing.InvoiceCommands(self.conf).unpaid_actions,
                          None, True)
