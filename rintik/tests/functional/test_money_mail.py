"""Notices, their e-mail and unpaid-invoice steps on real MariaDB and
PostgreSQL: notices are stored in the money event's transaction (a burst
of concurrent ``finish`` calls notifies one payment), the outbox sends
each once over real SMTP, and steps and resource actions are recorded
once."""

from concurrent import futures
import os
import threading

from keystoneauth1 import loading as ks_loading
from oslo_db.sqlalchemy import test_fixtures
import testscenarios

from rintik import context as rintik_context
from rintik.db import balances
from rintik.db import notifications
from rintik.db import projects as db_projects
from rintik.db import unpaid as db_unpaid
from rintik import exception
from rintik.notify import outbox
from rintik.rating import payments
from rintik.rating import unpaid
from rintik.tests import fake_openstack
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests import smtp_server
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import cron
from rintik.tests.unit.rating.helpers import D
from rintik.tests.unit.rating.helpers import RatingTestCase

load_tests = testscenarios.load_tests_apply_scenarios

CI = bool(os.environ.get('CI'))
CALLERS = 10


class MoneyMailTest(test_fixtures.OpportunisticDBTestMixin, RatingTestCase):
    scenarios = rintik_fixtures.SERVER_SCENARIOS
    DATABASE = None
    SKIP_ON_UNAVAILABLE_DB = not CI

    def issue(self, projects):
        # Each project's instance: 24 h x 1.00 = 24.00.
        self.price('1.00')
        self.enable(at(1))
        for project in projects:
            self.live('i-' + project, at(1, 10), at(1, 11), project=project)
            db_projects.set_project_email(self.context, project,
                                          '%s@x.example' % project)
        self.rollover(cron(2))

    def titles(self, project):
        return sorted(row.title for row in notifications.list_notifications(
            self.context, project))

    def test_a_rollover_notifies_and_the_outbox_mails_each_once(self):
        smtp = self.useFixture(smtp_server.SMTPServer())
        self.config(group='smtp', host='127.0.0.1', port=smtp.port)
        self.setting('invoice_auto_deduct_balance', True)
        balances.record(self.context, 'p1', balances.TOP_UP, D('24.00'),
                        'top-up', at(1, 2))
        self.issue(['p1', 'p2'])
        paid, unpaid_one = self.invoice('p1', at(1)), self.invoice('p2',
                                                                    at(1))
        self.assertEqual(['Invoice %d for 2026-01' % paid.id,
                          'Invoice %d paid' % paid.id], self.titles('p1'))
        self.assertEqual(['Invoice %d for 2026-01' % unpaid_one.id],
                         self.titles('p2'))
        summary = outbox.send_pending(self.context, self.conf, cron(2))
        self.assertEqual((3, 0), (summary.sent, summary.failed))
        self.assertEqual(0, outbox.send_pending(self.context, self.conf,
                                                cron(3)).sent)
        stored = {row.message_id: row.recipient for project in ('p1', 'p2')
                  for row in notifications.list_notifications(self.context,
                                                              project)}
        self.assertEqual(stored, {message['Message-ID']: ','.join(to)
                                  for _sender, to, message in
                                  smtp.messages})

    def test_concurrent_finishes_notify_one_payment(self):
        self.issue(['p1'])
        invoice = self.invoice('p1', at(1))
        barrier = threading.Barrier(CALLERS)

        def finish():
            barrier.wait()
            try:
                payments.finish(rintik_context.get_admin_context(),
                               invoice.id, True, at(2, 3), 'admin')
                return 'paid'
            except exception.Conflict:
                return 'conflict'

        with futures.ThreadPoolExecutor(CALLERS) as pool:
            results = list(pool.map(lambda _n: finish(), range(CALLERS)))
        self.assertEqual((1, CALLERS - 1), (results.count('paid'),
                                            results.count('conflict')))
        self.assertEqual(['Invoice %d for 2026-01' % invoice.id,
                          'Invoice %d paid' % invoice.id], self.titles('p1'))

    def test_a_step_and_its_failed_action_are_recorded_once(self):
        cloud = self.useFixture(fake_openstack.FakeOpenStack())
        self.conf_fixture.config.register_opts(
            ks_loading.get_auth_plugin_conf_options('v3password'),
            group='openstack')
        self.config(group='openstack', auth_type='v3password',
                    auth_url=cloud.auth_url, username='rintik',
                    password='secret', project_name='admin',
                    user_domain_name='Default',
                    project_domain_name='Default')
        self.config(group='unpaid_invoice', step=['7 stop_instances'])
        cloud.add('servers', 's1', 'p1', status='ACTIVE')
        cloud.add('servers', 's2', 'p1', status='ACTIVE')
        cloud.fail[('POST', '/compute/v2.1/servers/s2/action')] = 1
        self.issue(['p1'])
        invoice = self.invoice('p1', at(1))
        self.assertEqual(1, unpaid.run(self.context, self.conf, at(2, 8),
                                       False).failures)
        self.assertEqual(0, unpaid.run(self.context, self.conf, at(2, 9),
                                       False).failures)
        unpaid.run(self.context, self.conf, at(2, 10), False)
        self.assertEqual({invoice.id: {'7:stop_instances'}},
                         db_unpaid.taken_steps(self.context, [invoice.id]))
        self.assertEqual([('s1', 1), ('s2', 2)], [
            (row.resource_id, row.attempts) for row in db_unpaid.actions(
                self.context, [db_unpaid.DONE])])
        self.assertEqual(3, len(cloud.calls('POST')))
