"""The monitor's periodic reconciliation timer."""

import threading

import fixtures

from rintik.reconcile import periodic
from rintik.reconcile import repair
from rintik.tests import base


class PeriodicReconcileTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.runs = []
        self.ran_twice = threading.Event()
        self.useFixture(fixtures.MonkeyPatch(
            'rintik.reconcile.repair.run', self.fake_run))

    def fake_run(self, context, conf, now, every):
        self.assertEqual(conf.reconcile.interval / 2, every)
        self.runs.append(now)
        if len(self.runs) == 1:
            raise RuntimeError('OpenStack is down')
        self.ran_twice.set()
        return repair.Report()

    def test_off_by_default(self):
        timer = periodic.PeriodicReconcile(self.conf)
        timer.start()
        self.assertIsNone(timer.thread)
        timer.stop()
        self.assertEqual([], self.runs)

    def test_runs_every_interval_and_survives_a_failure(self):
        self.config(group='reconcile', interval=1)
        timer = periodic.PeriodicReconcile(self.conf)
        timer.start()
        self.addCleanup(timer.stop)
        self.assertTrue(self.ran_twice.wait(10))
        timer.stop()
        count = len(self.runs)
        self.assertTrue(timer.stopped.is_set())
        self.assertIsNone(timer.thread)
        self.assertEqual(count, len(self.runs))
        self.assertGreaterEqual(count, 2)
