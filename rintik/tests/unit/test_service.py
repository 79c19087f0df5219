"""Start-up back-offs: the monitor's worker start and the database wait."""

from unittest import mock

from rintik.db import readiness
from rintik import service
from rintik.tests import base


class _Flaky:
    """A service whose start() fails ``failures`` times."""

    def __init__(self, failures):
        self.failures = failures
        self.calls = []

    def start(self):
        self.calls.append('start')
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError('[Errno 111]\nConnection refused')

    def wait(self):
        self.calls.append('wait')

    def stop(self, graceful=False):
        self.calls.append('stop')


class StartWithBackoffTest(base.TestCase):

    def test_retries_with_doubling_capped_delay(self):
        flaky = _Flaky(failures=5)
        wrapper = service.StartWithBackoff(flaky, first_delay=1,
                                           max_delay=4)
        with mock.patch.object(wrapper.stopping, 'wait') as sleep, \
                mock.patch.object(service.LOG, 'error') as error:
            wrapper.start()
        self.assertEqual([1, 2, 4, 4, 4], [c.args[0]
                                           for c in sleep.call_args_list])
        self.assertEqual(
            mock.call('%s could not start (%s); retrying in %d s',
                      '_Flaky', 'ConnectionRefusedError: [Errno 111] '
                      'Connection refused', 1), error.call_args_list[0])
        self.assertTrue(wrapper.started)
        wrapper.wait()
        wrapper.stop()
        self.assertEqual(['start'] * 6 + ['wait', 'stop'], flaky.calls)

    def test_stop_ends_the_retries(self):
        flaky = _Flaky(failures=100)
        wrapper = service.StartWithBackoff(flaky)
        with mock.patch.object(wrapper.stopping, 'wait',
                               side_effect=lambda delay: wrapper.stop()):
            wrapper.start()
        self.assertFalse(wrapper.started)
        self.assertEqual(['start'], flaky.calls)
        wrapper.wait()  # returns at once: stopping is set


class WaitForDatabaseTest(base.TestCase):

    def test_unreachable_is_retried_with_back_off(self):
        outcomes = [readiness.Unreachable('down'),
                    readiness.Unreachable('down'), None]

        def check(conf):
            outcome = outcomes.pop(0)
            if outcome:
                raise outcome
        sleeps = []
        with mock.patch.object(readiness, 'check', side_effect=check):
            readiness.wait(self.conf, sleep=sleeps.append, first_delay=3)
        self.assertEqual([3, 6], sleeps)

    def test_not_ready_is_not_retried(self):
        sleeps = []
        with mock.patch.object(readiness, 'check', side_effect=[
                readiness.NotReady('behind head')]):
            self.assertRaises(readiness.NotReady, readiness.wait, self.conf,
                              sleep=sleeps.append)
        self.assertEqual([], sleeps)
