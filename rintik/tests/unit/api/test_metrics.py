"""What /metrics exposes, read from the database."""

import datetime
import decimal
import gzip
import threading
from unittest import mock
import zlib

import fixtures
from prometheus_client import core
from prometheus_client import exposition as prometheus_exposition
from prometheus_client import utils as prometheus_utils
import webob

from rintik.api import app
from rintik.api import metrics
from rintik.common import clock
from rintik.conf import api as api_conf
from rintik.db import counters
from rintik.db.engine import main_context_manager
from rintik.db import models
from rintik.db import rating_state
from rintik.db import settings as db_settings
from rintik.metering import facts
from rintik.metering import ingest
from rintik.rating import invoicing
from rintik.rating import overview
from rintik.rating import prices
from rintik.rating import rollover
from rintik.tests import base
from rintik.tests.unit.api import fixtures as api_fixtures

UTC = datetime.timezone.utc


class MetricsTestCase(base.DbTestCase):

    def _add(self, *rows):
        with main_context_manager.writer.using(self.context) as session:
            session.add_all(rows)

    def _samples(self):
        text = b''.join(metrics.exposition(self.context)).decode()
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

    def _open_invoice(self):
        """Project p-1's open invoice with a 10 GB volume running for 10
        hours at 0.01 an hour and GB."""
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

    def test_open_invoice_cost_and_running_resources(self):
        self._open_invoice()
        samples = self._samples()
        # 10 h x 10 GB x 0.01 = 1.00, the volume still runs.
        self.assertEqual('1.0', samples[
            'rintik_current_cost{currency="USD",project_id="p-1",'
            'resource_type="volume"}'])
        self.assertEqual('1.0', samples[
            'rintik_running_resources{project_id="p-1",'
            'resource_type="volume"}'])

    def test_exact_text(self):
        # What each scrape reads, then the kept figures (unpriced usage
        # and the open invoices).
        self._open_invoice()
        stamp = prometheus_utils.floatToGoString(
            rating_state.get(self.context).last_rollover_at.timestamp())
        self.assertEqual(
            '# HELP rintik_quarantined_messages Notifications set aside as '
            'unprocessable, waiting for an operator (rintik-manage '
            'quarantine).\n'
            '# TYPE rintik_quarantined_messages gauge\n'
            'rintik_quarantined_messages 0.0\n'
            '# HELP rintik_ingest_lag_seconds Consumer lag: seconds between '
            'now and the event time of the newest metered notification.\n'
            '# TYPE rintik_ingest_lag_seconds gauge\n'
            'rintik_ingest_lag_seconds 36000.0\n'
            '# HELP rintik_requeued_notifications_total Notifications the '
            'monitor gave back to the queue because the database failed '
            'transiently.\n'
            '# TYPE rintik_requeued_notifications_total counter\n'
            'rintik_requeued_notifications_total 0.0\n'
            '# HELP rintik_split_batches_total Batches the monitor stored '
            'one notification at a time to isolate one that cannot be '
            'stored.\n'
            '# TYPE rintik_split_batches_total counter\n'
            'rintik_split_batches_total 0.0\n'
            '# HELP rintik_redelivered_notifications_total Notifications '
            'received again after they had been stored (a redelivery after '
            'a requeue or a lost acknowledgement, or a re-sent message '
            'id).\n'
            '# TYPE rintik_redelivered_notifications_total counter\n'
            'rintik_redelivered_notifications_total 0.0\n'
            '# HELP rintik_reconcile_repairs_total Differences with the '
            'OpenStack APIs that reconciliation repaired: start (a resource '
            'never seen), end (one no longer listed), change (attributes or '
            'billability differ).\n'
            '# TYPE rintik_reconcile_repairs_total counter\n'
            'rintik_reconcile_repairs_total{kind="start"} 0.0\n'
            'rintik_reconcile_repairs_total{kind="end"} 0.0\n'
            'rintik_reconcile_repairs_total{kind="change"} 0.0\n'
            '# HELP rintik_last_rollover_timestamp_seconds Unix time at '
            'which invoice-rollover last completed a run.\n'
            '# TYPE rintik_last_rollover_timestamp_seconds gauge\n'
            'rintik_last_rollover_timestamp_seconds %s\n'
            '# HELP rintik_unpriced_usage_intervals Usage intervals in open '
            'periods without a price (charged 0).\n'
            '# TYPE rintik_unpriced_usage_intervals gauge\n'
            'rintik_unpriced_usage_intervals 0.0\n'
            '# HELP rintik_current_cost Charges so far on the open invoices '
            '(in the deployment currency).\n'
            '# TYPE rintik_current_cost gauge\n'
            'rintik_current_cost{currency="USD",project_id="p-1",'
            'resource_type="volume"} 1.0\n'
            '# HELP rintik_running_resources Resources billed right now on '
            'the open invoices.\n'
            '# TYPE rintik_running_resources gauge\n'
            'rintik_running_resources{project_id="p-1",'
            'resource_type="volume"} 1.0\n' % stamp,
            b''.join(metrics.exposition(self.context)).decode())

    def test_gzip_is_one_member_of_the_same_text(self):
        self._open_invoice()
        plain = b''.join(metrics.exposition(self.context))
        gzipped = b''.join(metrics.exposition(self.context, gzip=True))
        # Read by a reader that stops after the first member.
        reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.assertEqual(plain, reader.decompress(gzipped))
        self.assertTrue(reader.eof)
        self.assertEqual(b'', reader.unused_data)
        self.assertIn(b'rintik_running_resources{project_id="p-1",'
                      b'resource_type="volume"} 1.0\n', plain)

    def test_the_kept_figures_are_sent_without_a_copy(self):
        self.config(group='api', metrics_cache_seconds=15)
        self.useFixture(fixtures.MockPatchObject(
            metrics, 'kept', metrics._Revalidated(metrics.kept_figures)))
        self._open_invoice()
        figures = metrics.kept(self.context)
        self.assertIs(figures.plain, metrics.exposition(self.context)[-1])
        self.assertIs(figures.compressed.deflated, metrics.exposition(
            self.context, gzip=True)[1])

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


class MetricsResponseTest(base.TestCase):
    """GET /metrics through the whole application: gzip when asked."""

    def setUp(self):
        super().setUp()
        self.useFixture(api_fixtures.ApiEnvironment())
        self.application = app.setup_app(self.conf)

    def _get(self, **headers):
        headers['X-Auth-Token'] = api_fixtures.ADMIN_TOKEN
        request = webob.Request.blank('/metrics', headers=headers)
        response = request.get_response(self.application)
        self.assertEqual(200, response.status_int)
        self.assertEqual('Accept-Encoding', response.headers['Vary'])
        self.assertEqual(len(response.body), response.content_length)
        return response

    def test_plain_without_accept_encoding(self):
        response = self._get()
        self.assertIsNone(response.content_encoding)
        self.assertIn(b'rintik_quarantined_messages 0.0\n', response.body)

    def test_gzip_when_accepted(self):
        plain = self._get(**{'Accept-Encoding': 'identity'}).body
        response = self._get(**{'Accept-Encoding': 'deflate, gzip'})
        self.assertEqual('gzip', response.content_encoding)
        self.assertEqual(plain, gzip.decompress(response.body))

    def _chunks(self, **headers):
        """What the application hands the WSGI server, chunk by chunk."""
        headers['X-Auth-Token'] = api_fixtures.ADMIN_TOKEN
        environ = webob.Request.blank('/metrics', headers=headers).environ
        return list(self.application(environ, mock.Mock()))

    def test_the_kept_figures_leave_the_application_uncopied(self):
        self.config(group='api', metrics_cache_seconds=15)
        self.useFixture(fixtures.MockPatchObject(
            metrics, 'kept', metrics._Revalidated(metrics.kept_figures)))
        plain = self._chunks()
        gzipped = self._chunks(**{'Accept-Encoding': 'gzip'})
        figures = metrics.kept.value
        self.assertIs(figures.plain, plain[1])
        self.assertIs(figures.compressed.deflated, gzipped[1])

    def test_plain_when_gzip_is_refused(self):
        self.assertIsNone(self._get(**{
            'Accept-Encoding': 'gzip;q=0, identity'}).content_encoding)


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

    def test_kept_for_a_scrape_interval_by_default(self):
        defaults = {opt.name: opt.default for opt in api_conf.OPTS}
        self.assertEqual(15, defaults['metrics_cache_seconds'])

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

    def test_figures_twice_as_old_are_read_again_at_once(self):
        # No scrape for a while: the next one does not get figures
        # older than twice the interval.
        self.config(group='api', metrics_cache_seconds=15)
        cached = metrics._Revalidated(self.read)
        self.assertEqual('text 1', cached('ctx'))
        self.clock += 30
        self.assertEqual('text 2', cached('ctx'))
        self.assertEqual(['ctx', 'ctx'], self.reads)
        self.assertIsNone(cached.reading)

    def test_a_late_background_read_does_not_replace_a_newer_one(self):
        self.config(group='api', metrics_cache_seconds=15)
        cached = metrics._Revalidated(self.read)
        cached('ctx')
        entered, release = threading.Event(), threading.Event()

        def slow(context):
            entered.set()
            release.wait()
            return 'slow text'

        cached.read = slow
        self.clock += 15
        self.assertEqual('text 1', cached('ctx'))
        entered.wait()
        self.clock += 15
        cached.read = self.read
        # The background read (begun at 15 s) still runs at 30 s: this
        # scrape reads at once.
        self.assertEqual('text 2', cached('ctx'))
        release.set()
        self.join()
        self.assertEqual('text 2', cached('ctx'))

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
