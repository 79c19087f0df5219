"""What ``/metrics`` exposes, read from the database at each scrape.

Each collector takes the request context and yields Prometheus metric
families; labels carry ids, never names. To expose more, write a
collector and add it to COLLECTORS, or to KEPT_COLLECTORS if it reads
in proportion to the usage. Those, then the open invoices' figures (two
samples per project and resource type, written as text directly), are
read together, encoded and compressed once, and may be reused across
scrapes ([api] metrics_cache_seconds).
"""

import threading
import time

from oslo_log import log as logging
from prometheus_client import core
from prometheus_client import exposition as prometheus_exposition
from prometheus_client import utils as prometheus_utils

from rintik.api import gzip_parts
from rintik.common import clock
from rintik import conf
from rintik import context as rintik_context
from rintik.db import counters
from rintik.db.engine import main_context_manager
from rintik.db import quarantine
from rintik.db import rating_state
from rintik.db import usage
from rintik.rating import invoicing
from rintik.rating import overview
from rintik.rating import unpriced

LOG = logging.getLogger(__name__)


def quarantined_messages(context):
    family = core.GaugeMetricFamily(
        'rintik_quarantined_messages',
        'Notifications set aside as unprocessable, waiting for an operator '
        '(rintik-manage quarantine).')
    family.add_metric([], quarantine.quarantined_count(context))
    yield family


def ingest_lag(context):
    """Consumer lag: seconds since the newest metered event; absent
    before the first."""
    newest = usage.newest_event_time(context)
    if newest is None:
        return
    lag = clock.utcnow() - newest
    yield core.GaugeMetricFamily(
        'rintik_ingest_lag_seconds',
        'Consumer lag: seconds between now and the event time of the '
        'newest metered notification.',
        value=lag.total_seconds())


INGEST_COUNTERS = (
    (counters.REQUEUED, 'rintik_requeued_notifications',
     'Notifications the monitor gave back to the queue because the '
     'database failed transiently.'),
    (counters.SPLIT, 'rintik_split_batches',
     'Batches the monitor stored one notification at a time to isolate '
     'one that cannot be stored.'),
    (counters.REDELIVERED, 'rintik_redelivered_notifications',
     'Notifications received again after they had been stored (a '
     'redelivery after a requeue or a lost acknowledgement, or a '
     're-sent message id).'),
)


def ingest_counters(context):
    """The monitor's running totals (saved after each batch)."""
    totals = counters.totals(context)
    for name, metric, documentation in INGEST_COUNTERS:
        yield core.CounterMetricFamily(metric, documentation,
                                       value=totals[name])


def reconcile_repairs(context):
    """Reconciliation's repairs so far, per kind."""
    totals = counters.totals(context, counters.RECONCILE_NAMES)
    family = core.CounterMetricFamily(
        'rintik_reconcile_repairs',
        'Differences with the OpenStack APIs that reconciliation repaired: '
        'start (a resource never seen), end (one no longer listed), change '
        '(attributes or billability differ).', labels=['kind'])
    for kind in counters.RECONCILE_KINDS:
        family.add_metric([kind], totals['reconcile_' + kind])
    yield family


def _escape(value):
    """A label value as the text format quotes it."""
    return value.replace('\\', r'\\').replace('\n', r'\n').replace(
        '"', r'\"')


def gauge_text(name, documentation, label_names, samples):
    """The Prometheus text of one gauge family with many samples
    ((label values, value) pairs), written directly: what
    generate_latest writes for it (labels in name order), at a fraction
    of its cost."""
    order = sorted(range(len(label_names)), key=label_names.__getitem__)
    lines = ['# HELP %s %s\n' % (name, documentation.replace(
        '\\', r'\\').replace('\n', r'\n')), '# TYPE %s gauge\n' % name]
    lines.extend('%s{%s} %s\n' % (name, ','.join(
        '%s="%s"' % (label_names[index], _escape(values[index]))
        for index in order), prometheus_utils.floatToGoString(value))
        for values, value in samples)
    return ''.join(lines)


def open_invoices(context):
    """Cost so far and running resources of the open invoices, per
    project and resource type (the live totals), as text."""
    policy = invoicing.Policy.from_conf(conf.CONF)
    rows = overview.by_project(context, policy, clock.utcnow())
    return gauge_text(
        'rintik_current_cost',
        'Charges so far on the open invoices (in the deployment currency).',
        ('project_id', 'resource_type', 'currency'),
        (((project_id, kind, policy.currency), amount)
         for project_id, kind, amount, _count in rows)) + gauge_text(
        'rintik_running_resources',
        'Resources billed right now on the open invoices.',
        ('project_id', 'resource_type'),
        (((project_id, kind), count)
         for project_id, kind, _amount, count in rows))


def unpriced_usage(context):
    yield core.GaugeMetricFamily(
        'rintik_unpriced_usage_intervals',
        'Usage intervals in open periods without a price (charged 0).',
        value=len(unpriced.unpriced_usage(context)))


def last_rollover(context):
    """When invoice-rollover last completed (database clock); absent
    before the first run."""
    state = rating_state.get(context)
    if state is None or state.last_rollover_at is None:
        return
    yield core.GaugeMetricFamily(
        'rintik_last_rollover_timestamp_seconds',
        'Unix time at which invoice-rollover last completed a run.',
        value=state.last_rollover_at.timestamp())


class Figures:
    """Exposition text, encoded, and compressed once for every scrape
    that reuses it."""

    def __init__(self, plain):
        self.plain = plain
        self.compressed = gzip_parts.Compressed(plain)


def kept_figures(context):
    """What KEPT_COLLECTORS and the open invoices expose, in one reader
    transaction."""
    with main_context_manager.reader.using(context):
        return Figures(_text(context, KEPT_COLLECTORS) +
                       open_invoices(context).encode())


class _Revalidated:
    """What ``read(context)`` returns, reused for [api]
    metrics_cache_seconds (0: read at every scrape). Once they have
    passed, the next scrape starts a new read in a background thread and
    gets the previous value; a scrape waits for a read of its own only
    when nothing was read yet or the last read began twice that long
    ago, so no scrape gets figures older than that."""

    def __init__(self, read):
        self.read = read
        self.lock = threading.Lock()
        self.value = None
        self.read_at = None
        self.reading = None

    def __call__(self, context):
        seconds = conf.CONF.api.metrics_cache_seconds
        if not seconds:
            return self.read(context)
        with self.lock:
            began = time.monotonic()
            if self.value is None or began - self.read_at >= 2 * seconds:
                self._store(began, self.read(context))
            elif began - self.read_at >= seconds and self.reading is None:
                self.reading = threading.Thread(
                    target=self._reread, daemon=True,
                    name='rintik-metrics')
                self.reading.start()
            return self.value

    def _store(self, began, value):
        """Keep ``value`` unless what is kept was read after it."""
        if self.read_at is None or began > self.read_at:
            self.value = value
            self.read_at = began

    def _reread(self):
        began = time.monotonic()
        try:
            value = self.read(rintik_context.get_admin_context())
        except Exception:
            LOG.exception('Reading the figures /metrics keeps failed.')
            value = None
        with self.lock:
            if value is not None:
                self._store(began, value)
            self.reading = None


kept = _Revalidated(kept_figures)


COLLECTORS = (quarantined_messages, ingest_lag, ingest_counters,
              reconcile_repairs, last_rollover)
# Read with the open invoices' figures and reused with them: it reads
# every interval of the open periods.
KEPT_COLLECTORS = (unpriced_usage,)


class _Scrape:
    """A prometheus_client collector running ``collectors``."""

    def __init__(self, context, collectors):
        self.context = context
        self.collectors = collectors

    def collect(self):
        for collector in self.collectors:
            yield from collector(self.context)


def _text(context, collectors):
    """The exposition of ``collectors``, in one reader transaction."""
    registry = core.CollectorRegistry(auto_describe=False)
    registry.register(_Scrape(context, collectors))
    with main_context_manager.reader.using(context):
        return prometheus_exposition.generate_latest(registry)


def exposition(context, gzip=False):
    """The Prometheus text exposition of COLLECTORS, then of the kept
    figures (KEPT_COLLECTORS and the open invoices), as chunks to send in
    order (the kept figures' own, not copied), compressed as one gzip
    member if ``gzip``."""
    head = _text(context, COLLECTORS)
    figures = kept(context)
    if gzip:
        return gzip_parts.gzip_chunks(head, figures.compressed)
    return [head, figures.plain]
