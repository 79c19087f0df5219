"""Migration 0012: a notification may be stored without its content;
one stored before keeps it."""

import datetime

import sqlalchemy as sa

from rintik.db import migration
from rintik.db import models
from rintik.tests import base

UTC = datetime.timezone.utc
AT = datetime.datetime(2026, 1, 20, 12, tzinfo=UTC)


class TestNoticeBodiesOnRead(base.TestCase):

    def test_stored_content_is_kept_and_may_be_null(self):
        engine = sa.create_engine('sqlite://', poolclass=sa.pool.StaticPool)
        self.addCleanup(engine.dispose)
        migration.upgrade('0011', engine=engine)
        notifications = models.Notification.__table__
        row = {'title': 'Maintenance', 'short_description': 'Tonight',
               'recipient': 'Admin', 'sent_status': False,
               'is_read': False, 'created_at': AT}
        with engine.begin() as connection:
            connection.execute(notifications.insert(), [
                dict(row, id=1, content='<p>Maintenance</p>')])
            self.assertRaises(sa.exc.IntegrityError, connection.execute,
                              notifications.insert(), [dict(row, id=2)])
        migration.upgrade('0012', engine=engine)
        with engine.begin() as connection:
            connection.execute(notifications.insert(), [dict(row, id=2)])
            rows = connection.execute(sa.select(
                notifications.c.id, notifications.c.content).order_by(
                notifications.c.id)).all()
        self.assertEqual([(1, '<p>Maintenance</p>'), (2, None)],
                         [tuple(row) for row in rows])
