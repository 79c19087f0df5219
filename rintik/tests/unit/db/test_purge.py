"""db purge --before T: usage only issued periods older than T need goes;
invoices, open-period usage and everything a kept resource needs stay."""

import datetime

import sqlalchemy as sa

from rintik.billing import usage as billing_usage
from rintik.db.engine import main_context_manager
from rintik.db import models
from rintik.db import purge
from rintik.db import usage
from rintik.metering import intervals
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import cron
from rintik.tests.unit.rating.helpers import RatingTestCase

UTC = datetime.timezone.utc
RESOURCES = models.Resource.__table__
OBSERVATIONS = models.Observation.__table__
INTERVALS = models.UsageIntervalRow.__table__


def _real_now():
    return datetime.datetime.now(UTC)


class PurgeTest(RatingTestCase):

    def build(self):
        """January and February issued, March in progress."""
        self.price('0.01')
        self.price('0.02', key='m2')
        self.enable(at(1))
        # Gone in January: only the issued January needs them.
        self.live('gone-jan', at(1, 5), at(1, 20))
        self.live('other-project', at(1, 3), at(1, 4), project='p2')
        self.observe(at(1, 2), 'never-billable', billable=False)
        self.observe(at(1, 6), 'never-billable', gone=True)
        # Running: the open March needs it.
        self.live('running', at(1, 10))
        # Gone in March: March is not issued.
        self.live('gone-mar', at(2, 10), at(3, 5))
        # Gone in January, changed after January was issued; the change
        # waits for the next rollover's adjustment.
        self.live('late', at(1, 2), at(1, 12))
        self.rollover(cron(2))
        self.rollover(cron(3))
        self.observe(at(1, 8), 'late', price_key='m2')

    def rows(self, resource_id):
        """(observations, intervals) of a resource."""
        with main_context_manager.reader.using(self.context) as session:
            pk = session.execute(sa.select(RESOURCES.c.id).where(
                RESOURCES.c.resource_id == resource_id)).scalar_one()
            observed = session.execute(sa.select(OBSERVATIONS).where(
                OBSERVATIONS.c.resource_pk == pk).order_by(
                OBSERVATIONS.c.event_time)).all()
            derived = session.execute(sa.select(
                RESOURCES.c.resource_type, RESOURCES.c.resource_id,
                INTERVALS.c.project_id, INTERVALS.c.price_key,
                INTERVALS.c.quantity, INTERVALS.c.start,
                INTERVALS.c.end).join(
                RESOURCES, RESOURCES.c.id == INTERVALS.c.resource_pk).where(
                INTERVALS.c.resource_pk == pk).order_by(
                INTERVALS.c.start)).all()
        return observed, [billing_usage.UsageInterval(*row)
                          for row in derived]

    def purge(self, before):
        return purge.purge(self.context, before, 'UTC', _real_now())

    def test_purge(self):
        self.build()
        invoices = self.snapshot()
        before = usage.usage_intervals(self.context)
        kept = {name: self.rows(name)
                for name in ('running', 'gone-mar', 'late')}

        self.assertEqual((3, 6, 2), tuple(self.purge(at(2, 1))))

        self.assertEqual(invoices, self.snapshot())
        purged = ('gone-jan', 'other-project', 'never-billable')
        self.assertEqual(
            [row for row in before if row.resource_id not in purged],
            usage.usage_intervals(self.context))
        for name in purged:
            observed, derived = self.rows(name)
            self.assertEqual([], derived, name)
            self.assertEqual([(purge.TOMBSTONE_MESSAGE_ID, True,
                               purge.TOMBSTONE_TIME)],
                             [(o.message_id, o.gone, o.event_time)
                              for o in observed], name)
        for name, (observed, derived) in kept.items():
            self.assertEqual((observed, derived), self.rows(name), name)
            # What is kept re-derives to what is stored.
            self.assertEqual(derived, intervals.derive('instance', name,
                                                       observed), name)
        # Nothing more to do: a second purge removes nothing.
        self.assertEqual((0, 0, 0), tuple(self.purge(at(2, 1))))

    def test_late_notification_of_a_purged_resource_changes_nothing(self):
        self.build()
        self.purge(at(2, 1))
        invoices = self.snapshot()
        # The January start of gone-jan, redelivered, and a late change.
        self.observe(at(1, 5), 'gone-jan', message_id='redelivered')
        self.observe(at(1, 15), 'gone-jan', price_key='m2')
        self.assertEqual([], self.rows('gone-jan')[1])
        self.rollover(cron(4))
        self.assertNotIn('gone-jan', [
            line.interval.resource_id for invoice in self.invoices('p1')
            for line in self.lines(invoice)
            if invoice.period_start >= at(3)])
        # January and February are as they were; March is now issued.
        self.assertEqual(invoices[:2], self.snapshot()[:2])

    def test_only_periods_ended_by_the_moment(self):
        self.build()
        # January ends after T: only the resource without usage goes.
        self.assertEqual((1, 2, 0), tuple(self.purge(at(1, 31))))
        self.assertEqual((2, 1), tuple(map(len, self.rows('gone-jan'))))

    def test_usage_without_an_issued_period_stays(self):
        # Billing never enabled: no period is issued, nothing goes.
        self.price('0.01')
        self.live('gone-jan', at(1, 5), at(1, 20))
        self.rollover(cron(3))
        self.assertEqual((0, 0, 0), tuple(self.purge(at(3, 1))))
        self.assertEqual(2, len(self.rows('gone-jan')[0]))
