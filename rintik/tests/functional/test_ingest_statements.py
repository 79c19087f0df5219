"""The ingest transaction on real PostgreSQL sends its multi-row writes
as multi-row statements: psycopg2 runs an executemany once per row (one
round trip each)."""

import datetime
import decimal
import os

from oslo_db.sqlalchemy import test_fixtures
import sqlalchemy as sa

from rintik.db import engine as db_engine
from rintik.db import models
from rintik.metering import facts
from rintik.metering import ingest
from rintik.tests import base
from rintik.tests import fixtures as rintik_fixtures

CI = bool(os.environ.get('CI'))
RESOURCES = models.Resource.__table__
START = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)


class StateWriteTest(test_fixtures.OpportunisticDBTestMixin,
                     base.DbTestCase):

    FIXTURE = rintik_fixtures.PostgreSQLDatabase
    DATABASE = None
    SKIP_ON_UNAVAILABLE_DB = not CI

    def store(self, first, count):
        """Store one observation of each of ``count`` volumes from
        ``first``; the parameter sets the driver receives with each
        derivation-state write (one per row for an executemany)."""
        records = [ingest.Record(
            'm%d-%d' % (first, index), 'volume.exists',
            START + datetime.timedelta(minutes=first),
            [facts.Observation('volume', 'v%d' % index, 'p1',
                               billable=True, price_key='t1',
                               quantity=decimal.Decimal(1 + first))])
            for index in range(count)]
        writes = []

        def record(conn, cursor, statement, parameters, context,
                   executemany):
            if statement.startswith('INSERT INTO resources') and \
                    'ON CONFLICT' in statement:
                writes.append(len(parameters) if isinstance(
                    parameters, (list, tuple)) else 1)

        engine = db_engine.get_engine()
        sa.event.listen(engine, 'before_cursor_execute', record)
        try:
            self.assertEqual(count, ingest.store(self.context, records, []))
        finally:
            sa.event.remove(engine, 'before_cursor_execute', record)
        return writes

    def test_states_of_a_batch_are_one_statement(self):
        # New resources, then the same ones resumed from their tail.
        self.assertEqual([1], self.store(0, 30))
        self.assertEqual([1], self.store(1, 30))
        with db_engine.main_context_manager.reader.using(self.context) as s:
            tails = dict(s.execute(sa.select(
                RESOURCES.c.resource_id, RESOURCES.c.tail_message_id)).all())
        self.assertEqual({'v%d' % index: 'm1-%d' % index
                          for index in range(30)}, tails)
