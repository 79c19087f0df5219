"""What ``/metrics`` exposes, read from the database at each scrape.

Each collector takes the request context and yields Prometheus metric
families; labels carry ids, never names. To expose more, write a
collector and add it to COLLECTORS.
"""

import threading
import time

from prometheus_client import core
from prometheus_client import exposition as prometheus_exposition

from rintik.common import clock
from rintik import conf
from rintik.db import counters
from rintik.db import quarantine
from rintik.db import rating_state
from rintik.db import usage
from rintik.rating import invoicing
from rintik.rating import overview
from rintik.rating import unpriced


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


def open_invoices(context):
    """Cost so far and running resources of the open invoices, per
    project and resource type (the live totals)."""
    policy = invoicing.Policy.from_conf(conf.CONF)
    cost = core.GaugeMetricFamily(
        'rintik_current_cost',
        'Charges so far on the open invoices (in the deployment currency).',
        labels=['project_id', 'resource_type', 'currency'])
    running = core.GaugeMetricFamily(
        'rintik_running_resources',
        'Resources billed right now on the open invoices.',
        labels=['project_id', 'resource_type'])
    for project_id, resource_type, amount, count in overview.by_project(
            context, policy, clock.utcnow()):
        cost.add_metric([project_id, resource_type, policy.currency],
                        float(amount))
        running.add_metric([project_id, resource_type], count)
    yield cost
    yield running


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


class _Cached:
    """Collectors whose families are reused for [api]
    metrics_cache_seconds after they were read (0: read every scrape)."""

    def __init__(self, *collectors):
        self.collectors = collectors
        self.lock = threading.Lock()
        self.families = None
        self.read_at = None

    def __call__(self, context):
        seconds = conf.CONF.api.metrics_cache_seconds
        with self.lock:
            now = time.monotonic()
            if (self.families is None or not seconds or
                    now - self.read_at >= seconds):
                self.families = [family for collector in self.collectors
                                 for family in collector(context)]
                self.read_at = now
            return iter(self.families)


open_invoice_metrics = _Cached(open_invoices, unpriced_usage)


COLLECTORS = (quarantined_messages, ingest_lag, ingest_counters,
              reconcile_repairs, open_invoice_metrics, last_rollover)


class _Scrape:
    """A prometheus_client collector running COLLECTORS for one request."""

    def __init__(self, context):
        self.context = context

    def collect(self):
        for collector in COLLECTORS:
            yield from collector(self.context)


def exposition(context):
    """The Prometheus text exposition of every collector."""
    registry = core.CollectorRegistry(auto_describe=False)
    registry.register(_Scrape(context))
    return prometheus_exposition.generate_latest(registry)
