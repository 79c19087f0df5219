"""The batch endpoint acknowledges only what is committed."""

import datetime
import decimal
import threading
from unittest import mock

import fixtures
from oslo_db import exception as db_exc
import oslo_messaging
import testscenarios

from rintik.db import counters
from rintik.db import quarantine
from rintik.db import readiness
from rintik.db import usage
from rintik.handlers import manager
from rintik.metering import ingest
from rintik.notification import endpoint
from rintik.notification import processor
from rintik.tests import base
from rintik.tests import fixtures as rintik_fixtures

load_tests = testscenarios.load_tests_apply_scenarios

UTC = datetime.timezone.utc
HANDLED = oslo_messaging.NotificationResult.HANDLED
REQUEUE = oslo_messaging.NotificationResult.REQUEUE
VOLUME_USAGE = [(
    'volume', 'f54b1d2f-4514-4688-8da7-4bc66767b6be',
    '1816a16093df465dbc609cf638422a05',
    '3706aa72-cb65-4971-83e8-48e1477efd1d', decimal.Decimal(1),
    datetime.datetime(2016, 3, 7, 16, 23, 9, tzinfo=UTC), None)]


def batch_message(path):
    """A fixture as oslo.messaging's batch dispatcher hands it over."""
    notification = rintik_fixtures.load_notification(path)
    return {'ctxt': notification.get('ctxt', {}),
            'publisher_id': notification['publisher_id'],
            'event_type': notification['event_type'],
            'payload': notification['payload'],
            'metadata': {'message_id': notification['message_id'],
                         'timestamp': notification['timestamp']}}


class EndpointTestCase(base.DbTestCase):

    def setUp(self):
        super().setUp()
        self.endpoint = endpoint.BatchEndpoint(
            processor.Processor(manager.HandlerSet(self.conf)))

    def usage(self):
        return [(row.resource_type, row.resource_id, row.project_id,
                 row.price_key, row.quantity, row.start, row.end)
                for row in usage.usage_intervals(self.context)]


class TestInfo(EndpointTestCase):

    def test_committed_batch_is_handled(self):
        result = self.endpoint.info([
            batch_message('cinder__volume.create.end__1.json'),
            batch_message('neutron__port.create.end__1.json')])
        self.assertEqual(oslo_messaging.NotificationResult.HANDLED, result)
        self.assertEqual(VOLUME_USAGE, self.usage())

    def test_quarantined_batch_is_handled(self):
        message = batch_message('cinder__volume.create.end__1.json')
        message['metadata']['timestamp'] = 'yesterday'
        self.assertEqual(oslo_messaging.NotificationResult.HANDLED,
                         self.endpoint.info([message]))
        [row] = quarantine.quarantined(self.context)
        self.assertEqual("envelope timestamp 'yesterday' is not a valid "
                         "time", row.reason)
        self.assertEqual('INFO', row.priority)

    def test_redelivery_after_requeue(self):
        messages = [batch_message('cinder__volume.create.end__1.json')]
        with mock.patch.object(ingest, 'store',
                               side_effect=db_exc.DBConnectionError()):
            self.assertEqual(oslo_messaging.NotificationResult.REQUEUE,
                             self.endpoint.info(messages))
        self.assertEqual([], self.usage())
        self.assertEqual(oslo_messaging.NotificationResult.HANDLED,
                         self.endpoint.info(messages))
        self.assertEqual(VOLUME_USAGE, self.usage())


class TestRequeue(EndpointTestCase):
    """Nothing is acknowledged when the batch was not committed."""

    scenarios = [
        ('connection', {'error': db_exc.DBConnectionError()}),
        ('deadlock', {'error': db_exc.DBDeadlock()}),
    ]

    def test_requeued(self):
        with mock.patch.object(ingest, 'store',
                               side_effect=self.error) as store:
            result = self.endpoint.info([
                batch_message('cinder__volume.create.end__1.json')])
        self.assertEqual(oslo_messaging.NotificationResult.REQUEUE, result)
        self.assertEqual(1, store.call_count)
        self.assertEqual([], self.usage())
        self.assertEqual([], quarantine.quarantined(self.context))
        self.assertEqual({'requeued': 1}, +self.endpoint.unsaved)


def poisoned_store(poison, error):
    """ingest.store failing with ``error`` on any batch that holds the
    message ``poison``."""
    real_store = ingest.store

    def store(context, records, quarantined, **kwargs):
        if any(record[0] == poison for record in records):
            raise error
        return real_store(context, records, quarantined, **kwargs)
    return store


FLOATING_IP_DELETE = 'e9495361-c04d-4350-94d2-478ef7e49804'


class TestPoisonMessage(EndpointTestCase):
    """A message that can never be stored does not block its batch: the
    others are committed and it is quarantined with the reason."""

    def info_with_poison(self, error):
        with mock.patch.object(ingest, 'store',
                               side_effect=poisoned_store(
                                   FLOATING_IP_DELETE, error)):
            return self.endpoint.info([
                batch_message('cinder__volume.create.end__1.json'),
                batch_message('neutron__floatingip.delete.end__1.json')])

    def test_poison_message_quarantined(self):
        result = self.info_with_poison(ValueError('value too long'))
        self.assertEqual(oslo_messaging.NotificationResult.HANDLED, result)
        self.assertEqual(VOLUME_USAGE, self.usage())
        self.assertEqual([(FLOATING_IP_DELETE,
                           'storage error: ValueError: value too long')],
                         [(row.message_id, row.reason)
                          for row in quarantine.quarantined(self.context)])
        self.assertEqual({'requeued': 0, 'split': 1, 'redelivered': 0},
                         counters.totals(self.context))

    def test_duplicate_after_retries_quarantined(self):
        """A duplicate key that survived ingest.store's own retries is not
        transient: requeueing it would fail forever."""
        result = self.info_with_poison(db_exc.DBDuplicateEntry(
            columns=['resource_id']))
        self.assertEqual(oslo_messaging.NotificationResult.HANDLED, result)
        self.assertEqual(VOLUME_USAGE, self.usage())
        self.assertEqual([(FLOATING_IP_DELETE,
                           'storage error: DBDuplicateEntry')],
                         [(row.message_id, row.reason)
                          for row in quarantine.quarantined(self.context)])

    def test_quarantine_failure_requeues(self):
        with mock.patch.object(ingest, 'quarantine',
                               side_effect=db_exc.DBConnectionError()):
            result = self.info_with_poison(ValueError('value too long'))
        self.assertEqual(oslo_messaging.NotificationResult.REQUEUE, result)
        self.assertEqual([], quarantine.quarantined(self.context))


class TestPersistentTransientError(EndpointTestCase):
    """A message that fails with a "transient" error while the database
    answers is requeued [notification] transient_attempts times, then its
    batch is split and it is quarantined; while the database does not
    answer, it is only ever requeued."""

    def setUp(self):
        super().setUp()
        self.endpoint.transient_attempts = 3
        self.messages = [
            batch_message('cinder__volume.create.end__1.json'),
            batch_message('neutron__floatingip.delete.end__1.json')]
        self.useFixture(fixtures.MockPatchObject(
            ingest, 'store', side_effect=poisoned_store(
                FLOATING_IP_DELETE, db_exc.DBDeadlock())))

    def deliver(self, times):
        return [self.endpoint.info(self.messages) for _ in range(times)]

    def test_split_after_attempts_while_database_answers(self):
        self.assertEqual([REQUEUE, REQUEUE, HANDLED], self.deliver(3))
        self.assertEqual(VOLUME_USAGE, self.usage())
        self.assertEqual([(FLOATING_IP_DELETE,
                           'storage error: DBDeadlock')],
                         [(row.message_id, row.reason)
                          for row in quarantine.quarantined(self.context)])
        self.assertEqual(0, len(self.endpoint.attempts))
        # Two batches of two requeued, then one split.
        self.assertEqual({'requeued': 4, 'split': 1, 'redelivered': 0},
                         counters.totals(self.context))

    def test_nothing_quarantined_while_database_does_not_answer(self):
        with mock.patch.object(readiness, 'ping',
                               side_effect=db_exc.DBConnectionError()):
            self.assertEqual([REQUEUE] * 6, self.deliver(6))
        self.assertEqual([], quarantine.quarantined(self.context))
        self.assertEqual([], self.usage())
        self.assertEqual({'requeued': 12}, +self.endpoint.unsaved)
        # Back: the next delivery splits the batch.
        self.assertEqual([HANDLED], self.deliver(1))
        self.assertEqual(VOLUME_USAGE, self.usage())
        self.assertEqual(1, len(quarantine.quarantined(self.context)))
        self.assertEqual({'requeued': 12, 'split': 1, 'redelivered': 0},
                         counters.totals(self.context))


class TestCounters(EndpointTestCase):

    def test_redelivered_counted_and_saved(self):
        messages = [batch_message('cinder__volume.create.end__1.json')]
        self.endpoint.info(messages)
        self.endpoint.info(messages + messages)
        self.assertEqual({'requeued': 0, 'split': 0, 'redelivered': 2},
                         counters.totals(self.context))
        self.assertEqual({}, +self.endpoint.unsaved)

    def test_unsaved_counters_kept(self):
        messages = [batch_message('cinder__volume.create.end__1.json')]
        self.endpoint.info(messages)
        with mock.patch.object(counters, 'add',
                               side_effect=db_exc.DBConnectionError()):
            self.endpoint.info(messages)
        self.assertEqual({'redelivered': 1}, +self.endpoint.unsaved)
        self.endpoint.info(messages)
        self.assertEqual(2, counters.totals(self.context)['redelivered'])


class TestAttempts(base.TestCase):

    def test_counts_per_message_id(self):
        attempts = endpoint.Attempts()
        self.assertEqual(1, attempts.record(['a', 'b']))
        self.assertEqual(2, attempts.record(['b', 'c']))
        self.assertEqual(3, attempts.record(['b']))
        attempts.forget(['b'])
        self.assertEqual(2, attempts.record(['a', 'b']))

    def test_capacity_forgets_the_oldest(self):
        attempts = endpoint.Attempts(capacity=2)
        attempts.record(['a'])
        attempts.record(['b'])
        attempts.record(['a'])
        attempts.record(['c'])
        self.assertEqual(2, len(attempts))
        self.assertEqual(3, attempts.record(['a']))
        self.assertEqual(1, attempts.record(['b']))


class TestFakeTransport(base.TestCase):
    """The endpoint behind a real batch listener on the fake:// driver:
    a requeued notification comes back and is then acknowledged."""

    def test_requeue_then_handled(self):
        transport = oslo_messaging.get_notification_transport(
            self.conf, url='fake://')
        self.addCleanup(transport.cleanup)
        seen = []
        done = threading.Event()
        results = [oslo_messaging.NotificationResult.REQUEUE,
                   oslo_messaging.NotificationResult.HANDLED]

        def process(context, envelopes):
            seen.append(envelopes)
            if results[0] is oslo_messaging.NotificationResult.REQUEUE:
                results.pop(0)
                raise db_exc.DBConnectionError()
            done.set()
            return processor.Outcome(len(envelopes), 0, 0, 0)

        fake_processor = mock.Mock(spec=processor.Processor)
        fake_processor.process.side_effect = process
        listener = oslo_messaging.get_batch_notification_listener(
            transport, [oslo_messaging.Target(topic='notifications')],
            [endpoint.BatchEndpoint(fake_processor)], allow_requeue=True,
            pool='rintik', batch_size=10, batch_timeout=1)
        listener.start()
        self.addCleanup(listener.wait)
        self.addCleanup(listener.stop)
        notifier = oslo_messaging.Notifier(
            transport, publisher_id='volume.host1', driver='messagingv2',
            topics=['notifications'])
        notifier.info({}, 'volume.create.end',
                      {'volume_id': 'v1', 'size': 1})
        self.assertTrue(done.wait(30))
        self.assertEqual(2, len(seen))
        self.assertEqual(seen[0], seen[1])
        [envelope] = seen[1]
        self.assertEqual('volume.create.end', envelope['event_type'])
        self.assertEqual('volume.host1', envelope['publisher_id'])
        self.assertEqual('INFO', envelope['priority'])
        self.assertEqual({'volume_id': 'v1', 'size': 1},
                         envelope['payload'])
        self.assertTrue(envelope['message_id'])
        self.assertTrue(envelope['timestamp'])
