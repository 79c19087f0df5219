"""rintik-manage reconcile against a fake OpenStack spoken to over HTTP
by openstacksdk: each repair rule and each guard, with exact intervals."""

import io
import json

import fixtures

from rintik.api import metrics
from rintik.common import coordination
from rintik.db import counters
from rintik.db import notifications as db_notifications
from rintik.db import usage
from rintik.manage import base
from rintik.manage import reconcile as manage_reconcile
from rintik.reconcile import repair
from rintik.tests import fake_openstack
from rintik.tests.unit.rating import helpers
from rintik.tests.unit.rating.test_unpaid import CloudTestCase

at, D = helpers.at, helpers.D
NOW = at(3, 10)
SERVERS = '/compute/v2.1/servers/detail'
VOLUMES = '/volume/v3/volumes/detail'
GIB = 2 ** 30


class ReconcileTestCase(CloudTestCase):

    def setUp(self):
        super().setUp()
        self.config(group='reconcile', max_end_fraction=1.0)
        self.enable(at(1))

    def server(self, server_id, project='p1', flavor='m1', state='active',
               launched=None):
        return self.cloud.add(
            'servers', server_id, project, name=server_id,
            flavor={'id': flavor}, status=state.upper(),
            **{'OS-EXT-STS:vm_state': state,
               'OS-SRV-USG:launched_at': launched})

    def reconcile(self, **kwargs):
        return repair.run(self.context, self.conf, NOW, **kwargs)

    def intervals(self, resource_id):
        return [(row.project_id, row.price_key, row.quantity, row.start,
                 row.end) for row in usage.usage_intervals(
            self.context, resource_id=resource_id)]

    def differences(self, report):
        return [(item.status, item.kind, item.resource_type,
                 item.resource_id, item.project_id, item.at)
                for item in report.differences]


class RepairRulesTest(ReconcileTestCase):

    def test_missed_delete_ends_at_last_exists_audit(self):
        self.observe(at(2, 1), 's1')
        self.observe(at(2, 5, 3), 's1', message_id='audit-s1')
        self.observe(at(2, 1), 's2')
        self.server('s2')
        report = self.reconcile()
        self.assertEqual([('repaired', 'end', 'instance', 's1', 'p1',
                           at(2, 5, 3))], self.differences(report))
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), at(2, 5, 3))],
                         self.intervals('s1'))
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), None)],
                         self.intervals('s2'))

    def test_invoice_after_missed_delete_bills_up_to_the_audit(self):
        self.price('0.10')
        self.observe(at(2, 1), 's1')
        self.observe(at(2, 2, 12), 's1', message_id='audit-s1')
        self.reconcile()
        self.rollover(helpers.cron(4))
        # 36 hours at 0.10.
        self.assertEqual([('s1', at(2, 1), at(2, 2, 12), D('3.60'))],
                         self.charges(self.invoice('p1', at(2))))

    def test_missed_create_starts_at_launched_at(self):
        self.server('s1', launched='2026-02-03T04:05:06.000000')
        self.server('s2', project='p2', flavor='m2',
                    launched='2025-12-24T10:00:00Z')
        report = self.reconcile()
        self.assertEqual(
            [('repaired', 'start', 'instance', 's1', 'p1',
              at(2, 3, 4, 5, 6)),
             ('repaired', 'start', 'instance', 's2', 'p2', at(1))],
            self.differences(report))
        self.assertEqual([('p1', 'm1', D(1), at(2, 3, 4, 5, 6), None)],
                         self.intervals('s1'))
        # Bounded by the billing window's start.
        self.assertEqual([('p2', 'm2', D(1), at(1), None)],
                         self.intervals('s2'))

    def test_flavor_change_starts_a_new_interval_at_check_time(self):
        self.observe(at(2, 1), 's1')
        self.server('s1', flavor='m2')
        report = self.reconcile()
        self.assertEqual([('repaired', 'change', 'instance', 's1', 'p1',
                           NOW)], self.differences(report))
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), NOW),
                          ('p1', 'm2', D(1), NOW, None)],
                         self.intervals('s1'))

    def test_unbillable_state_ends_usage_at_check_time(self):
        self.observe(at(2, 1), 's1')
        self.server('s1', state='shelved_offloaded')
        self.reconcile()
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), NOW)],
                         self.intervals('s1'))

    def test_other_services_map_like_the_handlers(self):
        self.cloud.add('volumes', 'v1', 'p1', size=20, volume_type='fast',
                       volume_type_id='type-fast',
                       created_at='2026-02-02T00:00:00.000000')
        self.cloud.add('volumes', 'v2', 'p1', size=None, status='creating',
                       created_at='2026-02-02T00:00:00.000000')
        self.cloud.add('snapshots', 'sn1', 'p1', size=20,
                       created_at='2026-02-02T00:00:00.000000')
        self.cloud.add('images', 'img1', 'p1', status='active',
                       size=3 * GIB // 2,
                       created_at='2026-02-02T00:00:00Z')
        self.cloud.add('images', 'img2', 'p1', status='queued',
                       created_at='2026-02-02T00:00:00Z')
        self.cloud.add('floatingips', 'fip1', 'p1',
                       floating_ip_address='203.0.113.5',
                       created_at='2026-02-02T00:00:00Z')
        self.cloud.add('routers', 'r1', 'p1', external_gateway_info={
            'network_id': 'ext'}, created_at='2026-02-02T00:00:00Z')
        self.cloud.add('routers', 'r2', 'p1', external_gateway_info=None,
                       created_at='2026-02-02T00:00:00Z')
        self.reconcile()
        start = at(2, 2)
        self.assertEqual(
            [('fip1', 'floating_ip', None, D(1)),
             ('img1', 'image', None, D('1.5')),
             ('r1', 'router', None, D(1)),
             ('sn1', 'snapshot', None, D(20)),
             ('v1', 'volume', 'type-fast', D(20))],
            sorted((row.resource_id, row.resource_type, row.price_key,
                    row.quantity) for row in usage.usage_intervals(
                self.context) if row.start == start and row.end is None))
        self.assertEqual([], self.intervals('img2') + self.intervals('r2') +
                         self.intervals('v2'))

    def test_a_deleted_resource_still_listed_stays_deleted(self):
        self.observe(at(2, 1), 'v1', resource_type='volume', price_key='t1',
                     quantity=5)
        self.observe(at(2, 4), 'v1', resource_type='volume', gone=True)
        self.cloud.add('volumes', 'v1', 'p1', size=5, status='deleting',
                       volume_type_id='t1',
                       created_at='2026-01-20T00:00:00Z')
        self.assertEqual([], self.reconcile().differences)
        self.assertEqual([('p1', 't1', D(5), at(2, 1), at(2, 4))],
                         self.intervals('v1'))

    def test_only_the_named_project_is_repaired(self):
        self.observe(at(2, 1), 's1')
        self.observe(at(2, 1), 's2', project='p2')
        report = self.reconcile(project_id='p2')
        self.assertEqual([('repaired', 'end', 'instance', 's2', 'p2',
                           at(2, 1))], self.differences(report))
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), None)],
                         self.intervals('s1'))

    def test_listings_are_followed_page_by_page(self):
        self.cloud.page_size = 2
        for number in range(5):
            self.server('s%d' % number,
                        launched='2026-02-0%dT00:00:00Z' % (number + 1))
        self.reconcile()
        self.assertEqual(5, len([row for row in usage.usage_intervals(
            self.context) if row.resource_type == 'instance']))
        self.assertEqual(
            [None, 's1', 's3'],
            [query.get('marker') for method, path, query, _body
             in self.cloud.requests if path == SERVERS])


class SafetyTest(ReconcileTestCase):

    def test_dry_run_changes_nothing(self):
        self.observe(at(2, 1), 's1')
        self.observe(at(2, 1), 's2')
        self.server('s2', flavor='m2')
        self.server('s3', launched='2026-02-03T00:00:00Z')
        report = self.reconcile(dry_run=True)
        self.assertEqual(
            [('dry-run', 'end', 'instance', 's1', 'p1', at(2, 1)),
             ('dry-run', 'change', 'instance', 's2', 'p1', NOW),
             ('dry-run', 'start', 'instance', 's3', 'p1', at(2, 3))],
            self.differences(report))
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), None)],
                         self.intervals('s1'))
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), None)],
                         self.intervals('s2'))
        self.assertEqual([], self.intervals('s3'))

    def test_second_run_changes_nothing(self):
        self.observe(at(2, 1), 's1')
        self.observe(at(2, 1), 's2')
        self.server('s2', flavor='m2')
        self.server('s3', launched='2026-02-03T00:00:00Z')
        self.assertEqual(3, len(self.reconcile().differences))
        before = usage.usage_intervals(self.context)
        again = repair.run(self.context, self.conf, NOW + (NOW - at(3, 9)))
        self.assertEqual([], again.differences)
        self.assertEqual(before, usage.usage_intervals(self.context))

    def test_each_run_tells_the_admins_and_counts_its_repairs(self):
        self.observe(at(2, 1), 's1')
        self.observe(at(2, 1), 's2')
        self.server('s2', flavor='m2')
        self.server('s3', launched='2026-02-03T00:00:00Z')
        self.reconcile()
        [notice] = db_notifications.list_notifications(self.context)
        self.assertEqual(
            (None, 'Reconciliation', 'Repaired 1 change, 1 end, 1 start, '
             '0 blocked'),
            (notice.project_id, notice.title, notice.short_description))
        self.assertEqual(
            {'reconcile_start': 1, 'reconcile_end': 1,
             'reconcile_change': 1},
            counters.totals(self.context, counters.RECONCILE_NAMES))
        self.assertIn(b'rintik_reconcile_repairs_total{kind="end"} 1.0',
                      b''.join(metrics.exposition(self.context)))
        # A run that finds nothing tells nobody.
        repair.run(self.context, self.conf, NOW + (NOW - at(3, 9)))
        self.assertEqual(1, len(db_notifications.list_notifications(
            self.context)))

    def test_a_worker_skips_its_turn_after_a_recent_run(self):
        self.observe(at(2, 1), 's1')
        self.assertEqual(1, len(repair.run(self.context, self.conf, NOW,
                                           every=600).differences))
        # Completed just now (database clock): another worker's timer
        # skips; a run without ``every`` (the command) does not.
        self.assertFalse(repair.run(self.context, self.conf, NOW,
                                    every=600).ran)
        self.assertTrue(repair.run(self.context, self.conf, NOW).ran)
        self.assertTrue(repair.run(self.context, self.conf, NOW,
                                   every=0).ran)

    def test_one_run_at_a_time(self):
        self.observe(at(2, 1), 's1')
        with coordination.exclusive(self.conf, 'reconcile') as taken:
            self.assertTrue(taken)
            report = self.reconcile()
        self.assertFalse(report.ran)
        self.assertEqual([], self.cloud.requests)
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), None)],
                         self.intervals('s1'))

    def test_listing_of_own_project_only_is_refused(self):
        self.observe(at(2, 1), 's1')
        self.server('s1')
        self.server('mine', project=fake_openstack.ADMIN_PROJECT)
        self.cloud.own_project_only.add('servers')
        error = self.assertRaises(repair.Refused, self.reconcile)
        self.assertIn('The instance listing holds only project '
                      'admin-project while 1 other projects', str(error))
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), None)],
                         self.intervals('s1'))
        self.assertEqual([], self.intervals('mine'))

    def test_failing_service_is_skipped_and_nothing_ended(self):
        self.observe(at(2, 1), 's1')
        self.cloud.fail[('GET', SERVERS)] = 10
        self.cloud.add('volumes', 'v1', 'p1', size=5,
                       volume_type_id='t1',
                       created_at='2026-02-02T00:00:00Z')
        report = self.reconcile()
        self.assertEqual([('repaired', 'start', 'volume', 'v1', 'p1',
                           at(2, 2))], self.differences(report))
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), None)],
                         self.intervals('s1'))
        self.assertEqual(1, len(report.warnings))
        self.assertTrue(report.warnings[0].startswith(
            'compute skipped: listing failed'))

    def test_incomplete_paging_skips_the_service(self):
        self.observe(at(2, 1), 'v9', resource_type='volume', price_key='t1',
                     quantity=5)
        self.cloud.page_size = 1
        self.cloud.broken_paging.add(VOLUMES)
        for number in range(2):
            self.cloud.add('volumes', 'v%d' % number, 'p1', size=5,
                           volume_type_id='t1',
                           created_at='2026-02-02T00:00:00Z')
        report = self.reconcile()
        self.assertEqual([], report.differences)
        self.assertEqual([('p1', 't1', D(5), at(2, 1), None)],
                         self.intervals('v9'))
        self.assertEqual([], self.intervals('v0'))
        self.assertTrue(report.warnings[0].startswith(
            'block-storage skipped'))

    def test_recent_observations_and_creations_are_left_alone(self):
        self.observe(at(3, 9, 23, 30), 's1')
        self.observe(at(3, 9, 23, 30), 's2')
        self.server('s2', flavor='m2')
        self.server('s3', launched='2026-03-09T23:30:00Z')
        self.observe(at(3, 9, 22, 59), 's4')
        report = self.reconcile()
        self.assertEqual([('repaired', 'end', 'instance', 's4', 'p1',
                           at(3, 9, 22, 59))], self.differences(report))
        self.assertEqual([('p1', 'm1', D(1), at(3, 9, 23, 30), None)],
                         self.intervals('s1'))
        self.assertEqual([], self.intervals('s3'))

    def test_max_end_fraction_stops_the_project(self):
        self.config(group='reconcile', max_end_fraction=0.5)
        for name in ('a1', 'a2', 'a3', 'b1', 'b2'):
            self.observe(at(2, 1), name, project=name[0])
        self.observe(at(2, 3), 'b1', project='b', message_id='audit-b1')
        self.server('a3', project='a')
        self.server('b2', project='b')
        self.server('a4', project='a', launched='2026-02-02T00:00:00Z')
        report = self.reconcile()
        self.assertEqual(
            [('blocked', 'end', 'instance', 'a1', 'a', at(2, 1)),
             ('blocked', 'end', 'instance', 'a2', 'a', at(2, 1)),
             ('blocked', 'start', 'instance', 'a4', 'a', at(2, 2)),
             ('repaired', 'end', 'instance', 'b1', 'b', at(2, 3))],
            self.differences(report))
        self.assertEqual(['project a not repaired: 2 of its 3 running '
                          'resources would end, more than [reconcile] '
                          'max_end_fraction (0.5).'], report.warnings)
        self.assertEqual([('a', 'm1', D(1), at(2, 1), None)],
                         self.intervals('a1'))
        self.assertEqual([], self.intervals('a4'))
        self.assertEqual([('b', 'm1', D(1), at(2, 1), at(2, 3))],
                         self.intervals('b1'))


class ManageCommandTest(ReconcileTestCase):

    def test_json_output_of_a_dry_run(self):
        self.observe(at(2, 1), 's1')
        stdout = self.useFixture(fixtures.MonkeyPatch(
            'sys.stdout', io.StringIO())).new_value
        manage_reconcile.ReconcileCommand(self.conf)(None, True, 'json')
        self.assertEqual({'differences': [{
            'status': 'dry-run', 'kind': 'end', 'resource_type': 'instance',
            'resource_id': 's1', 'project_id': 'p1',
            'at': '2026-02-01T00:00:00Z', 'billed': 'p1/m1/1',
            'found': 'not found'}], 'warnings': []},
            json.loads(stdout.getvalue()))
        self.assertEqual([('p1', 'm1', D(1), at(2, 1), None)],
                         self.intervals('s1'))

    def test_table_output_and_warnings(self):
        self.observe(at(2, 1), 's1')
        self.observe(at(2, 1), 'v1', resource_type='volume', price_key='t1',
                     quantity=5)
        self.cloud.fail[('GET', VOLUMES)] = 10
        stdout = self.useFixture(fixtures.MonkeyPatch(
            'sys.stdout', io.StringIO())).new_value
        stderr = self.useFixture(fixtures.MonkeyPatch(
            'sys.stderr', io.StringIO())).new_value
        manage_reconcile.ReconcileCommand(self.conf)(None, False, 'table')
        self.assertEqual(
            ['status    kind  resource_type  resource_id  project_id  at'
             '                    billed   found',
             'repaired  end   instance       s1           p1          '
             '2026-02-01T00:00:00Z  p1/m1/1  not found'],
            stdout.getvalue().splitlines())
        self.assertTrue(stderr.getvalue().startswith(
            'WARNING: block-storage skipped: listing failed'))
        self.assertEqual([('p1', 't1', D(5), at(2, 1), None)],
                         self.intervals('v1'))

    def test_a_refusal_is_a_handled_error(self):
        self.observe(at(2, 1), 's1')
        self.server('mine', project=fake_openstack.ADMIN_PROJECT)
        self.cloud.own_project_only.add('servers')
        error = self.assertRaises(
            base.CommandError,
            manage_reconcile.ReconcileCommand(self.conf), None, False,
            'table')
        self.assertIn('do not list every project', str(error))
