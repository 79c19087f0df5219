"""rintik-monitor against the real RabbitMQ, MariaDB and PostgreSQL.

Scripted resource lives are published in the messagingv2 wire format on
each service's exchange; the monitor runs as a real process; the usage
intervals it derives must be exactly the expected ones however the
stream is delivered (in order, twice and reversed, with re-sent events,
to two monitors, across a SIGKILL, across a database outage), and every
message must be stored and acknowledged.
"""

import collections
import os
import random
import tempfile
import time
import uuid

import fixtures
from oslo_db.sqlalchemy import test_fixtures
import sqlalchemy as sa
import testscenarios
from testtools import content
from testtools import matchers

from rintik import context
from rintik.db import models
from rintik.db import usage
from rintik.manage import base as manage_base
from rintik.tests import base
from rintik.tests import fixtures as rintik_fixtures
from rintik.tests.functional import bus as bus_mod
from rintik.tests.functional import lifecycles
from rintik.tests.functional import process
from rintik.tests.functional import tcp_proxy

load_tests = testscenarios.load_tests_apply_scenarios

CI = bool(os.environ.get('CI'))
DEFAULT_PORTS = {'mysql': 3306, 'postgresql': 5432}
# Seconds of idleness after which a drained queue is settled.
QUIET = 3
# Seconds of the same without every message stored: something is lost.
STUCK = 20


def _interval_row(row):
    """A usage interval as ``rintik-manage usage list`` prints it."""
    return (row.resource_type, row.resource_id, row.project_id,
            row.price_key, str(row.quantity),
            manage_base.format_time(row.start),
            manage_base.format_time(row.end))


def _time(moment):
    return moment and moment.strftime(lifecycles.TIME_FORMAT)


def _many(copies, with_resent=True):
    """The streams of ``copies`` copies (and their re-sent events)."""
    messages = []
    for copy in range(copies):
        messages.extend(lifecycles.stream(copy))
        if with_resent:
            messages.extend(lifecycles.resent(copy))
    return messages


class MonitorTestCase(test_fixtures.OpportunisticDBTestMixin,
                      base.TestCase):
    """Each test gets a fresh database built by the migrations, its own
    listener pool (queue) and topic, and monitor processes."""

    scenarios = rintik_fixtures.SERVER_SCENARIOS
    # In CI a missing service fails the test; elsewhere it skips.
    SKIP_ON_UNAVAILABLE_DB = not CI

    def setUp(self):
        super().setUp()
        try:
            self.bus = self.useFixture(bus_mod.Bus())
        except bus_mod.Unavailable as error:
            if CI:
                raise
            self.skipTest(str(error))
        self.context = context.get_admin_context()
        self.engine = self._db_default.engine
        self.directory = self._directory()
        unique = uuid.uuid4().hex[:12]
        self.pool = 'rintik-functional-%s' % unique
        # A topic of its own keeps other runs' publishers on this broker
        # out of this test's queue; test_lifecycle uses the default one.
        self.topic = 'rintik_functional_%s' % unique
        self.addCleanup(self.bus.delete_queue, self.pool)
        self.transport_url = bus_mod.TRANSPORT_URL
        self.monitors = []
        self.addOnException(self._attach_logs)

    def _directory(self):
        """Where configs and logs go: kept under $RINTIK_FUNCTIONAL_LOGS
        if it is set, else removed after the test."""
        keep = os.environ.get('RINTIK_FUNCTIONAL_LOGS')
        if keep:
            os.makedirs(keep, exist_ok=True)
            return tempfile.mkdtemp(prefix=self.id().rsplit('.', 1)[-1],
                                    dir=keep)
        return self.useFixture(fixtures.TempDir()).path

    def _attach_logs(self, exc_info):
        for monitor in self.monitors:
            self.addDetail(monitor.name, content.text_content(
                monitor.tail(20000)))

    def database_url(self, port=None):
        url = self.engine.url
        if port is not None:
            url = url.set(host='127.0.0.1', port=port)
        return url.render_as_string(hide_password=False)

    def start_monitor(self, name='monitor', database_url=None, workers=1,
                      rabbit=None, **notification):
        """A monitor process in this test's pool, already consuming;
        ``rabbit`` are [oslo_messaging_rabbit] options."""
        notification = dict(dict(pool_name=self.pool, topics=self.topic,
                                 batch_timeout=1), **notification)
        monitor = process.Monitor(self.directory, name, {
            'DEFAULT': {'transport_url': self.transport_url},
            'database': {'connection': database_url or
                         self.database_url()},
            'notification': notification,
            'oslo_messaging_rabbit': rabbit or {},
        }, workers=workers)
        self.monitors.append(monitor)
        return self.useFixture(monitor)

    def publish(self, messages):
        self.bus.publish(messages, topic=self.topic)

    def stored_ids(self):
        with self.engine.connect() as connection:
            return set(connection.execute(sa.select(
                models.Observation.__table__.c.message_id).distinct())
                .scalars())

    def wait_for(self, predicate, what, timeout=180):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                self.fail('Timed out after %ss waiting for %s' % (
                    timeout, what))
            time.sleep(0.2)

    def quarantine_count(self):
        with self.engine.connect() as connection:
            return connection.execute(sa.select(sa.func.count()).select_from(
                models.QuarantinedMessage.__table__)).scalar()

    def wait_until_done(self, messages, timeout=240):
        """Until the queue is empty and the monitors have been idle (no
        batch, no new observation or quarantined message) for QUIET
        seconds with every message that leaves an observation stored, or
        for STUCK seconds without; then stop them and check that nothing
        went back to the queue. What is missing is left to assertMetered
        to tell."""
        wanted = lifecycles.observed_ids(messages)
        state = {'signature': None, 'since': time.monotonic()}

        def settled():
            stored = self.stored_ids()
            signature = (sum(monitor.handled() for monitor in self.monitors),
                         len(stored), self.quarantine_count())
            now = time.monotonic()
            if signature != state['signature']:
                state.update(signature=signature, since=now)
                return False
            idle = now - state['since']
            return (self.bus.ready(self.pool) == 0
                    and idle >= (QUIET if wanted <= stored else STUCK))

        self.wait_for(settled, '%d messages to be handled' % len(messages),
                      timeout)
        for monitor in self.monitors:
            monitor.stop()
        self.expectThat(self.bus.ready(self.pool), matchers.Equals(0),
                        'messages left unacknowledged')

    def expectSame(self, expected, actual, what):
        """``actual`` is ``expected`` (lists, as multisets); a mismatch is
        reported as what is missing and what is extra, and the test goes
        on to check the rest."""
        missing = list((collections.Counter(expected)
                        - collections.Counter(actual)).elements())
        extra = list((collections.Counter(actual)
                      - collections.Counter(expected)).elements())
        self.expectThat({'missing': sorted(missing, key=str),
                         'extra': sorted(extra, key=str)},
                        matchers.Equals({'missing': [], 'extra': []}),
                        '%s differ' % what)

    def assertMetered(self, messages, copies):
        """Exactly the expected intervals and projects of ``copies``
        copies, every message stored, nothing quarantined."""
        self.expectSame(lifecycles.expected(copies), [
            _interval_row(row)
            for row in usage.usage_intervals(self.context)],
            'usage intervals')
        with self.engine.connect() as connection:
            projects = connection.execute(sa.select(
                models.Project.__table__.c.project_id,
                models.Project.__table__.c.known_since,
                models.Project.__table__.c.retired_at)).all()
            quarantined = connection.execute(sa.select(
                models.QuarantinedMessage.__table__.c.message_id)).all()
        self.expectSame(lifecycles.expected_projects(copies), [
            (row.project_id, _time(row.known_since), _time(row.retired_at))
            for row in projects], 'billing projects')
        self.expectSame([], [row.message_id for row in quarantined],
                        'quarantined messages')
        self.expectSame(lifecycles.observed_ids(messages), self.stored_ids(),
                        'stored message ids')

    def run_stream(self, messages, copies, monitors=1, **notification):
        """Start ``monitors`` monitors, publish, wait, assert."""
        for number in range(monitors):
            self.start_monitor('monitor-%d' % number, **notification)
        self.publish(messages)
        self.wait_until_done(messages)
        self.assertMetered(messages, copies)


class MonitorTest(MonitorTestCase):

    def test_lifecycle(self):
        """Every resource's life, in order, on the default topic
        ``notifications``: exactly the intervals written in lifecycles,
        and ``rintik-manage usage list`` prints them."""
        self.topic = 'notifications'
        messages = lifecycles.stream()
        self.run_stream(messages, 1)
        printed = process.manage(self.monitors[0].config_file, 'usage',
                                 'list')
        self.assertEqual(lifecycles.expected(), sorted(
            (row['resource_type'], row['resource_id'], row['project_id'],
             row['price_key'], row['quantity'], row['start'], row['end'])
            for row in printed))

    def test_every_message_twice_in_reverse_order(self):
        """Each message delivered twice with the same message_id, the
        whole stream reversed: the same intervals."""
        messages = [message for message in reversed(lifecycles.stream())
                    for _twice in range(2)]
        self.run_stream(messages, 1)

    def test_resent_events_with_new_ids(self):
        """Audit and state-change re-sends under new message ids repeat
        known facts: the same intervals, every re-send stored."""
        messages = sorted(lifecycles.stream() + lifecycles.resent(),
                          key=lambda message: message.envelope['timestamp'])
        self.run_stream(messages, 1)

    def test_two_monitors_shuffled_duplicates(self):
        """Two monitor processes on one pool, every message twice, all
        shuffled: the same intervals, and both monitors took part."""
        copies = 12
        messages = _many(copies) * 2
        random.Random(20260301).shuffle(messages)
        self.run_stream(messages, copies, monitors=2, prefetch_count=20,
                        batch_size=20)
        for monitor in self.monitors:
            self.assertGreater(monitor.handled(), 0, monitor.name)

    def test_sigkill_halfway_and_restart(self):
        """The monitor SIGKILLed with about half of a long stream
        committed and restarted: nothing lost, nothing doubled."""
        copies = 60
        messages = _many(copies)
        wanted = lifecycles.observed_ids(messages)
        monitor = self.start_monitor()
        self.publish(messages)
        self.wait_for(lambda: len(self.stored_ids()) >= len(wanted) // 2,
                      'half of the stream to be stored')
        monitor.kill()
        stored = len(self.stored_ids())
        self.addDetail('stored-at-kill', content.text_content(
            '%d of %d' % (stored, len(wanted))))
        self.assertLess(stored, len(wanted),
                        'the monitor finished before it was killed')
        monitor.start()
        self.wait_until_done(messages)
        self.assertMetered(messages, copies)

    def test_database_unreachable_mid_stream(self):
        """The database unreachable for a few seconds (connections reset
        and refused by a proxy) while notifications keep coming: they are
        requeued, then stored; the same intervals."""
        copies = 20
        messages = _many(copies)
        url = self.engine.url
        proxy = self.useFixture(tcp_proxy.TCPProxy(
            (url.host or 'localhost',
             url.port or DEFAULT_PORTS[url.get_backend_name()])))
        monitor = self.start_monitor(
            database_url=self.database_url(proxy.port), batch_size=20)
        first, second = messages[:len(messages) // 2], \
            messages[len(messages) // 2:]
        self.publish(first)
        self.wait_for(lambda: len(self.stored_ids()) >= len(
            lifecycles.observed_ids(first)) // 2,
            'some of the stream to be stored')
        proxy.interrupt()
        self.publish(second)
        self.wait_for(lambda: monitor.requeues() > 0,
                      'the monitor to requeue', timeout=30)
        time.sleep(5)
        proxy.resume()
        self.wait_until_done(messages)
        self.assertMetered(messages, copies)
