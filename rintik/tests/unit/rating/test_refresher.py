"""The monitor's live totals refresh timer, and how the monitor runs it
beside its service."""

import threading

import fixtures
from oslo_service import service

from rintik.rating import refresher
from rintik import service as rintik_service
from rintik.tests import base


class PeriodicLiveRefreshTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.runs = []
        self.ran_twice = threading.Event()
        self.useFixture(fixtures.MonkeyPatch(
            'rintik.rating.overview.refresh', self.fake_refresh))

    def fake_refresh(self, context, policy, now):
        self.runs.append((policy.currency, now))
        if len(self.runs) == 1:
            raise RuntimeError('database gone')
        self.ran_twice.set()
        return 'some'

    def test_off_with_an_interval_of_zero(self):
        self.config(group='live_totals', refresh_interval=0)
        timer = refresher.PeriodicLiveRefresh(self.conf)
        timer.start()
        self.assertIsNone(timer.thread)
        timer.stop()
        self.assertEqual([], self.runs)

    def test_refreshes_every_interval_and_survives_a_failure(self):
        self.config(group='live_totals', refresh_interval=0.05)
        self.config(group='billing', currency='IDR')
        timer = refresher.PeriodicLiveRefresh(self.conf)
        timer.start()
        self.addCleanup(timer.stop)
        self.assertTrue(self.ran_twice.wait(10))
        timer.stop()
        count = len(self.runs)
        self.assertIsNone(timer.thread)
        self.assertEqual(count, len(self.runs))
        self.assertEqual({'IDR'}, {currency for currency, _now in self.runs})
        moments = [now for _currency, now in self.runs]
        self.assertEqual(sorted(moments), moments)


class _Recorder(service.ServiceBase):

    def __init__(self, name, calls):
        self.name = name
        self.calls = calls

    def start(self):
        self.calls.append(self.name + ' start')

    def stop(self, graceful=False):
        self.calls.append('%s stop %s' % (self.name, graceful))

    def wait(self):
        self.calls.append(self.name + ' wait')

    def reset(self):
        self.calls.append(self.name + ' reset')


class WithTimersTest(base.TestCase):

    def test_timers_start_before_and_stop_after_the_service(self):
        calls = []
        wrapped = rintik_service.WithTimers(
            _Recorder('monitor', calls), _Recorder('timer', calls))
        wrapped.start()
        wrapped.wait()
        wrapped.reset()
        wrapped.stop(True)
        self.assertEqual(['timer start', 'monitor start', 'monitor wait',
                          'monitor reset', 'monitor stop True',
                          'timer stop False'], calls)
