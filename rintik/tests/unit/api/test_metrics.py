"""What /metrics exposes, read from the database."""

import datetime

from rintik.api import metrics
from rintik.db.engine import main_context_manager
from rintik.db import models
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
        self.assertEqual({'rintik_quarantined_messages': '0.0'},
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
