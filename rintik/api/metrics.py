"""What ``/metrics`` exposes, read from the database at each scrape.

Each collector takes the request context and yields Prometheus metric
families; labels carry ids, never names. To expose more (per-project
costs, once invoices exist), write a collector and add it to COLLECTORS.
"""

import datetime

from prometheus_client import core
from prometheus_client import exposition as prometheus_exposition
import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import models


@main_context_manager.reader
def _quarantined_count(context):
    query = sa.select(sa.func.count()).select_from(
        models.QuarantinedMessage)
    return context.session.execute(query).scalar_one()


@main_context_manager.reader
def _newest_event_time(context):
    query = sa.select(sa.func.max(models.Observation.event_time))
    return context.session.execute(query).scalar_one()


def quarantined_messages(context):
    family = core.GaugeMetricFamily(
        'rintik_quarantined_messages',
        'Notifications set aside as unprocessable, waiting for an operator '
        '(rintik-manage quarantine).')
    family.add_metric([], _quarantined_count(context))
    yield family


def ingest_lag(context):
    """Seconds since the newest metered event; absent before the first."""
    newest = _newest_event_time(context)
    if newest is None:
        return
    lag = datetime.datetime.now(datetime.timezone.utc) - newest
    yield core.GaugeMetricFamily(
        'rintik_ingest_lag_seconds',
        'Seconds between now and the event time of the newest metered '
        'notification.',
        value=lag.total_seconds())


COLLECTORS = (quarantined_messages, ingest_lag)


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
