"""Migration 0010: a resource purged before it gets its tombstone's time
as gone_at, so that a late notification derives no usage for it."""

import datetime

import sqlalchemy as sa

from rintik.db import migration
from rintik.db import models
from rintik.tests import base

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)


class TestPurgedGoneAt(base.TestCase):

    def test_tombstoned_resources_only(self):
        engine = sa.create_engine('sqlite://', poolclass=sa.pool.StaticPool)
        self.addCleanup(engine.dispose)
        migration.upgrade('0009', engine=engine)
        gone = datetime.datetime(2026, 1, 20, 12, tzinfo=UTC)
        # 0010 changes neither table's columns: the models' describe them.
        resources = models.Resource.__table__
        observations = models.Observation.__table__
        with engine.begin() as connection:
            connection.execute(resources.insert(), [
                {'id': 1, 'resource_type': 'volume', 'resource_id': 'purged',
                 'gone_at': gone},
                {'id': 2, 'resource_type': 'volume', 'resource_id': 'kept',
                 'gone_at': gone}])
            connection.execute(observations.insert(), [
                {'message_id': 'rintik-purge', 'resource_pk': 1,
                 'event_type': 'rintik.purged',
                 'event_time': EPOCH, 'gone': True,
                 'billable': False, 'source': 'purge',
                 'received_at': gone}])
        migration.upgrade('0010', engine=engine)
        with engine.connect() as connection:
            rows = dict(connection.execute(sa.select(
                models.Resource.id, models.Resource.gone_at)).all())
        self.assertEqual({1: EPOCH, 2: gone}, rows)
