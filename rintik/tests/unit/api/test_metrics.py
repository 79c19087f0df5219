"""What /metrics exposes, read from the database."""

import datetime
import decimal
import threading
from unittest import mock

import fixtures
from prometheus_client import core
from prometheus_client import exposition as prometheus_exposition

from rintik.api import metrics
from rintik.common import clock
from rintik.db import counters
from rintik.db.engine import main_context_manager
from rintik.db import models
from rintik.db import settings as db_settings
from rintik.metering import facts
from rintik.metering import ingest
from rintik.rating import invoicing
from rintik.rating import overview
from rintik.rating import prices
from rintik.rating import rollover
from rintik.tests import base

UTC = datetime.timezone.utc


class MetricsTestCase(base.DbTestCase):

    def _add(self, *rows):
        with main_context_manager.writer.using(self.context) as session:
            session.add_all(rows)

    def _samples(self):
        text = metrics.exposition(self.context).decode()
        return dict(line.split(' ') for line in text.splitlines()
                    if not line.startswith('#'))

    def test_empty_database(self):
        self.assertEqual({'rintik_quarantined_messages': '0.0',
                          'rintik_requeued_notifications_total': '0.0',
                          'rintik_split_batches_total': '0.0',
                          'rintik_redelivered_notifications_total': '0.0',
                          'rintik_reconcile_repairs_total{kind="start"}':
                          '0.0',
                          'rintik_reconcile_repairs_total{kind="end"}': '0.0',
                          'rintik_reconcile_repairs_total{kind="change"}':
                          '0.0',
                          'rintik_unpriced_usage_intervals': '0.0'},
                         self._samples())

    def test_ingest_counters(self):
        counters.add(self.context, {'requeued': 40, 'split': 0,
                                    'redelivered': 3})
        counters.add(self.context, {'requeued': 2, 'split': 1})
        samples = self._samples()
        self.assertEqual(('42.0', '1.0', '3.0'), (
            samples['rintik_requeued_notifications_total'],
            samples['rintik_split_batches_total'],
            samples['rintik_redelivered_notifications_total']))

    def test_open_invoice_cost_and_running_resources(self):
        start = datetime.datetime(2026, 3, 1, tzinfo=UTC)
        now = datetime.datetime(2026, 3, 1, 10, tzinfo=UTC)
        self.useFixture(fixtures.MockPatchObject(clock, 'utcnow',
                                                 return_value=now))
        volume = facts.Observation('volume', 'v-1', 'p-1', billable=True,
                                   price_key='ssd',
                                   quantity=decimal.Decimal(10))
        ingest.store(self.context, [
            ('m-1', 'volume.create.end', start, [volume])], [])
        prices.set_price(self.context, 'volume', 'ssd', '0.01', None, start,
                         start)
        db_settings.open_window(self.context, start)
        rollover.run(self.context, self.conf, now)
        overview.refresh(self.context, invoicing.Policy.from_conf(self.conf),
                         now)
        samples = self._samples()
        # 10 h x 10 GB x 0.01 = 1.00, the volume still runs.
        self.assertEqual('1.0', samples[
            'rintik_current_cost{currency="USD",project_id="p-1",'
            'resource_type="volume"}'])
        self.assertEqual('1.0', samples[
            'rintik_running_resources{project_id="p-1",'
            'resource_type="volume"}'])

    def test_last_successful_rollover(self):
        before = datetime.datetime.now(UTC).replace(microsecond=0)
        rollover.run(self.context, self.conf, before)
        stamp = float(self._samples()[
            'rintik_last_rollover_timestamp_seconds'])
        self.assertGreaterEqual(stamp, before.timestamp())
        self.assertLess(stamp, before.timestamp() + 60)

    def test_a_failed_rollover_is_not_a_success(self):
        self.useFixture(fixtures.MockPatchObject(
            rollover.Rollover, 'run', side_effect=RuntimeError('boom')))
        self.assertRaises(RuntimeError, rollover.run, self.context,
                          self.conf, datetime.datetime.now(UTC))
        self.assertNotIn('rintik_last_rollover_timestamp_seconds',
                         self._samples())

    def test_quarantine_and_ingest_lag(self):
        now = datetime.datetime.now(UTC)
        resource = models.Resource(id=1, resource_type='volume',
                                   resource_id='v-1', project_id='p')
        self._add(
            models.QuarantinedMessage(
                message_id='m-1', reason='bad', envelope='{}',
                created_at=now),
            resource,
            models.Observation(
                message_id='m-2', resource_pk=1, event_type='volume.exists',
                event_time=now - datetime.timedelta(minutes=10), gone=False,
                billable=True, received_at=now),
            models.Observation(
                message_id='m-3', resource_pk=1, event_type='volume.exists',
                event_time=now - datetime.timedelta(hours=1), gone=False,
                billable=True, received_at=now))
        samples = self._samples()
        self.assertEqual('1.0', samples['rintik_quarantined_messages'])
        lag = float(samples['rintik_ingest_lag_seconds'])
        self.assertGreaterEqual(lag, 600)
        self.assertLess(lag, 660)


class GaugeTextTest(base.TestCase):

    def test_what_generate_latest_writes(self):
        samples = [(('p-1', 'volume', 'USD'), decimal.Decimal('1.10')),
                   (('a"b\\c\nd', 'image', 'IDR'), 0),
                   (('p-2', 'router', 'JPY'), 123456789.5)]
        family = core.GaugeMetricFamily(
            'rintik_x', 'Help with \\ and\na new line.',
            labels=['project_id', 'resource_type', 'currency'])
        for values, value in samples:
            family.add_metric(list(values), float(value))
        registry = core.CollectorRegistry(auto_describe=False)
        registry.register(_Families([family]))
        self.assertEqual(
            prometheus_exposition.generate_latest(registry).decode(),
            metrics.gauge_text('rintik_x', 'Help with \\ and\na new line.',
                               ('project_id', 'resource_type', 'currency'),
                               samples))


class _Families:

    def __init__(self, families):
        self.families = families

    def collect(self):
        return iter(self.families)


class RevalidatedTest(base.TestCase):
    """[api] metrics_cache_seconds: reuse, then re-read in the
    background while the previous text is served."""

    def setUp(self):
        super().setUp()
        self.clock = 1000.0
        self.useFixture(fixtures.MockPatchObject(
            metrics.time, 'monotonic', side_effect=lambda: self.clock))
        self.reads = []

    @staticmethod
    def join():
        for thread in threading.enumerate():
            if thread.name == 'rintik-metrics':
                thread.join()

    def read(self, context):
        self.reads.append(context)
        return 'text %d' % len(self.reads)

    def test_every_scrape_reads_without_a_cache(self):
        cached = metrics._Revalidated(self.read)
        self.assertEqual(['text 1', 'text 2'],
                         [cached('ctx'), cached('ctx')])

    def test_reused_then_read_again_in_the_background(self):
        self.config(group='api', metrics_cache_seconds=15)
        cached = metrics._Revalidated(self.read)
        self.assertEqual('text 1', cached('ctx'))
        self.clock += 14.9
        self.assertEqual('text 1', cached('ctx'))
        self.assertEqual(['ctx'], self.reads)
        self.clock += 0.1
        # Past the interval: the previous text now, the new one read in
        # the background (with its own admin context) for the next.
        self.assertEqual('text 1', cached('ctx'))
        self.join()
        self.assertEqual(2, len(self.reads))
        self.assertNotEqual('ctx', self.reads[1])
        self.assertEqual('text 2', cached('ctx'))
        self.assertIsNone(cached.reading)

    def test_a_failed_background_read_keeps_the_previous_text(self):
        self.config(group='api', metrics_cache_seconds=15)
        cached = metrics._Revalidated(self.read)
        cached('ctx')
        self.clock += 15
        cached.read = mock.Mock(side_effect=RuntimeError('database gone'))
        self.assertEqual('text 1', cached('ctx'))
        self.join()
        # The next scrape tries again, and still gets the previous text.
        self.assertEqual('text 1', cached('ctx'))
        self.join()
        self.assertEqual(2, cached.read.call_count)
