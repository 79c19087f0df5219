"""A reconcile repair of an issued period becomes exactly one adjustment
at the next rollover, on real MariaDB and PostgreSQL."""

import os

from oslo_db.sqlalchemy import test_fixtures
import testscenarios

from rintik.reconcile import repair
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import cron
from rintik.tests.unit.rating.helpers import D
from rintik.tests.unit.rating.test_unpaid import CloudTestCase

load_tests = testscenarios.load_tests_apply_scenarios

CI = bool(os.environ.get('CI'))


class ReconcileAdjustmentTest(test_fixtures.OpportunisticDBTestMixin,
                              CloudTestCase):

    scenarios = rintik_fixtures.SERVER_SCENARIOS
    DATABASE = None
    SKIP_ON_UNAVAILABLE_DB = not CI

    def adjustments(self, invoice):
        return [(line.interval.resource_id, line.start, line.adjusted_end,
                 line.charge, line.adjusted_invoice_id)
                for line in self.lines(invoice) if line.adjustment]

    def test_a_missed_delete_in_an_issued_period_is_credited_once(self):
        # i1 runs from 10 Jan at 1.00/h, last audited on 25 Jan; its
        # delete never arrived, so January was issued with 22 days.
        self.config(group='reconcile', max_end_fraction=1.0)
        self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1, 10))
        self.observe(at(1, 25), 'i1', message_id='audit-i1')
        self.rollover(cron(2))
        january = self.invoice('p1', at(1))
        self.assertEqual(D('528.00'), january.total)
        report = repair.run(self.context, self.conf, at(2, 10))
        self.assertEqual([('end', 'i1', at(1, 25), 'repaired')],
                         [(item.kind, item.resource_id, item.at,
                           item.status) for item in report.differences])
        self.assertEqual([], repair.run(self.context, self.conf,
                                        at(2, 11)).differences)
        # The credit (25 Jan -> 1 Feb: 168 h) is on February, once.
        self.rollover(cron(3))
        february = self.invoice('p1', at(2))
        self.assertEqual(
            [('i1', at(1, 10), at(1, 25), D('-168.00'), january.id)],
            self.adjustments(february))
        self.assertEqual(D('-168.00'), february.total)
        self.rollover(cron(4))
        self.assertEqual([], self.adjustments(self.invoice('p1', at(3))))
