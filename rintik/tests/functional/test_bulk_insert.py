"""db.bulk.insert_rows stores exactly what a Core executemany of the same
rows stores, on MariaDB (values in the forms PyMySQL escapes cheapest)
and PostgreSQL (the Core path)."""

import datetime
import decimal
import os

from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import test_fixtures
import sqlalchemy as sa
import testscenarios

from rintik import context as rintik_context
from rintik.db import bulk
from rintik.db import engine as db_engine
from rintik.db.engine import main_context_manager
from rintik.db import models
from rintik.tests import base
from rintik.tests import fixtures as rintik_fixtures

load_tests = testscenarios.load_tests_apply_scenarios

CI = bool(os.environ.get('CI'))
UTC = datetime.timezone.utc
D = decimal.Decimal
SEGMENTS = models.InvoiceSegment.__table__
NOTIFICATIONS = models.Notification.__table__
START = datetime.datetime(2026, 3, 1, tzinfo=UTC)
# The same moment as START, given in another zone.
START_ELSEWHERE = START.astimezone(
    datetime.timezone(datetime.timedelta(hours=-5, minutes=-30)))


def segment(name, start, end, charge, **values):
    row = {'invoice_id': 1, 'resource_type': 'instance',
           'resource_id': 'i-%s' % name, 'name': name, 'price_key': 'm1',
           'quantity': D('1'), 'start': start, 'end': end,
           'hourly': D('0.0125'), 'monthly': None, 'charge': charge,
           'unpriced': False, 'adjustment': False,
           'adjusted_invoice_id': None}
    row.update(values)
    return row


SEGMENT_ROWS = [
    segment('plain', START, START + datetime.timedelta(days=31), D('9.30')),
    segment('same moments, other zone', START_ELSEWHERE,
            START + datetime.timedelta(days=31), D('-0.001'),
            adjustment=True, adjusted_invoice_id=1),
    segment("quote ' backslash \\ percent %s", START +
            datetime.timedelta(microseconds=1),
            START + datetime.timedelta(days=2, microseconds=999999),
            D('0'), quantity=D('0.000001'), hourly=None,
            monthly=D('12345678901.12345678'), unpriced=True),
    dict(segment('unnamed', START, START + datetime.timedelta(hours=1),
                 D('99999999999999999.999'), price_key=None,
                 resource_id='CASE-\u00e9 '), name=None),
    segment('\u00e9\U0001F600 \u4e2d', START, START +
            datetime.timedelta(hours=1), D('1.5')),
]


class BulkInsertTest(test_fixtures.OpportunisticDBTestMixin,
                     base.TestCase):

    scenarios = rintik_fixtures.SERVER_SCENARIOS
    SKIP_ON_UNAVAILABLE_DB = not CI

    def setUp(self):
        super().setUp()
        # The URL rintik.db.engine.configure would use (charset=utf8mb4).
        facade = enginefacade.transaction_context()
        facade.configure(connection=db_engine.utf8mb4_url(
            'connection', self._db_default.engine.url.render_as_string(
                hide_password=False)))
        self.useFixture(test_fixtures.ReplaceEngineFacadeFixture(
            main_context_manager, facade))
        self.context = rintik_context.get_admin_context()
        with main_context_manager.writer.using(self.context) as session:
            session.execute(models.Project.__table__.insert().values(
                project_id='p1', known_since=START))
            session.execute(models.Invoice.__table__.insert().values(
                id=1, project_id='p1', period_start=START,
                period_end=START + datetime.timedelta(days=31), state=1,
                deducted=0, created_at=START, updated_at=START))

    def stored_both_ways(self, table, rows):
        """(rows read back after insert_rows, after a Core executemany
        of the same rows), without their ids, in order."""
        stored = []
        for insert in (bulk.insert_rows, lambda session, table, rows:
                       session.execute(table.insert(), rows)):
            with main_context_manager.writer.using(self.context) as session:
                session.execute(table.delete())
                insert(session, table, rows)
            with main_context_manager.reader.using(self.context) as session:
                stored.append([
                    row._asdict() for row in session.execute(
                        sa.select(*[column for column in table.columns
                                    if column.name != 'id']).order_by(
                            table.c.id))])
        return stored

    def test_segments_are_stored_as_core_stores_them(self):
        mine, core = self.stored_both_ways(SEGMENTS, SEGMENT_ROWS)
        self.assertEqual(core, mine)
        self.assertEqual(
            [(START, START + datetime.timedelta(days=31), D('-0.001'),
              True),
             (START + datetime.timedelta(microseconds=1),
              "quote ' backslash \\ percent %s",
              D('12345678901.12345678'), True),
             (None, None, 'CASE-\u00e9 ', D('99999999999999999.999'))],
            [(mine[1]['start'], mine[1]['end'], mine[1]['charge'],
              mine[1]['adjustment']),
             (mine[2]['start'], mine[2]['name'], mine[2]['monthly'],
              mine[2]['unpriced']),
             (mine[3]['name'], mine[3]['price_key'], mine[3]['resource_id'],
              mine[3]['charge'])])

    def test_notifications_are_stored_as_core_stores_them(self):
        rows = [{'project_id': project_id, 'title': 'T\u00eftle \'%s\'',
                 'short_description': '', 'content': '<p>\u00e9 &amp; '
                 '\U0001F600</p>\n' * 500, 'recipient': 'a@x,b@y',
                 'sent_status': False, 'is_read': False,
                 'created_at': START_ELSEWHERE, 'event': 'invoice_issued',
                 'data': '{"name": "\\u00e9"}', 'message_id': '<1@rintik>',
                 'send_after': None, 'attempts': 0}
                for project_id in ('p1', None)]
        mine, core = self.stored_both_ways(NOTIFICATIONS, rows)
        self.assertEqual(core, mine)
        self.assertEqual((START, rows[0]['content'], None),
                         (mine[0]['created_at'], mine[0]['content'],
                          mine[1]['project_id']))
