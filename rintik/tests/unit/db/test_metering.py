"""The ingest transaction: storing observations and deriving intervals
in the database."""

import datetime
import decimal
import random
import types

from rintik.db import quarantine
from rintik.db import usage
from rintik.metering import facts
from rintik.metering import ingest
from rintik.metering import intervals
from rintik.tests import base
from rintik.tests import fixtures as rintik_fixtures

UTC = datetime.timezone.utc


def at(hour, minute=0, second=0, micro=0):
    return datetime.datetime(2026, 3, 1, hour, minute, second, micro,
                             tzinfo=UTC)


def volume(size, gone=False, project='p1', volume_type='t1'):
    if gone:
        return facts.Observation('volume', 'v1', project, gone=True)
    return facts.Observation('volume', 'v1', project, billable=True,
                             price_key=volume_type,
                             quantity=decimal.Decimal(size), name='data')


class TestStoreBatch(base.DbTestCase):

    def intervals(self):
        return [(row.resource_type, row.resource_id, row.project_id,
                 row.price_key, row.quantity, row.start, row.end)
                for row in usage.usage_intervals(self.context)]

    def store(self, *records):
        return ingest.store(self.context, list(records), [])

    def test_create_resize_delete(self):
        self.store(('m1', 'volume.create.end', at(1, 0, 0, 500), [volume(10)]),
                   ('m2', 'volume.resize.end', at(2, 30, 15, 999999),
                    [volume(20)]),
                   ('m3', 'volume.delete.end', at(4), [volume(0, True)]))
        self.assertEqual([
            ('volume', 'v1', 'p1', 't1', decimal.Decimal(10), at(1),
             at(2, 30, 15)),
            ('volume', 'v1', 'p1', 't1', decimal.Decimal(20), at(2, 30, 15),
             at(4)),
        ], self.intervals())

    def test_duplicates_and_reversed_order_change_nothing(self):
        records = [
            ('m1', 'volume.create.end', at(1), [volume(10)]),
            ('m2', 'volume.resize.end', at(2), [volume(20)]),
            ('m3', 'volume.delete.end', at(4), [volume(0, True)])]
        self.assertEqual(3, self.store(*records))
        expected = self.intervals()
        self.assertEqual(0, self.store(*reversed(records)))
        self.assertEqual(0, self.store(records[1], records[1]))
        self.assertEqual(expected, self.intervals())

    def test_each_message_alone_in_reverse_order(self):
        self.store(('m3', 'volume.delete.end', at(4), [volume(0, True)]))
        self.assertEqual([], self.intervals())
        self.store(('m2', 'volume.resize.end', at(2), [volume(20)]))
        self.store(('m1', 'volume.create.end', at(1), [volume(10)]))
        self.assertEqual([
            ('volume', 'v1', 'p1', 't1', decimal.Decimal(10), at(1), at(2)),
            ('volume', 'v1', 'p1', 't1', decimal.Decimal(20), at(2), at(4)),
        ], self.intervals())

    def test_exists_after_gone_never_reopens(self):
        self.store(('m1', 'volume.create.end', at(1), [volume(10)]),
                   ('m3', 'volume.delete.end', at(4), [volume(0, True)]),
                   ('m4', 'volume.create.end', at(5), [volume(10)]),
                   ('m5', 'volume.exists', at(6), [volume(10)]))
        self.assertEqual([
            ('volume', 'v1', 'p1', 't1', decimal.Decimal(10), at(1), at(4)),
        ], self.intervals())

    def test_quarantine_is_idempotent(self):
        envelope = {'message_id': 'bad', 'event_type': 'volume.create.end',
                    'payload': 'oops'}
        ingest.store(self.context, [], [(envelope, 'no payload')])
        ingest.store(self.context, [], [(envelope, 'no payload')])
        rows = quarantine.quarantined(self.context)
        self.assertEqual([('bad', 'volume.create.end', 'no payload')],
                         [(r.message_id, r.event_type, r.reason)
                          for r in rows])


class TestResumedDerivation(base.DbTestCase):
    """In-order notifications resume the stored derivation, late ones
    re-derive from the history: either way the intervals are exactly those
    of the whole history derived at once."""

    def stream(self):
        observations = [
            (at(1), volume(10)), (at(2), volume(10)), (at(3), volume(20)),
            (at(3, 30), volume(20, volume_type='t2')),
            (at(4), volume(20, project='p2')), (at(5), volume(30)),
            (at(6), volume(0, True)), (at(7), volume(30))]
        return [('m%d' % index, 'volume.exists', time, [fact])
                for index, (time, fact) in enumerate(observations)]

    def check(self, batches):
        for batch in batches:
            ingest.store(self.context, batch, [])
        rows = usage.usage_intervals(self.context)
        expected = intervals.derive('volume', 'v1', [
            types.SimpleNamespace(
                event_time=time, message_id=message_id, gone=fact.gone,
                billable=fact.billable, project_id=fact.project_id,
                price_key=fact.price_key, quantity=fact.quantity)
            for message_id, _type, time, [fact] in self.stream()])
        self.assertEqual(expected, rows)
        self.assertEqual(5, len(expected))

    def test_one_by_one_in_order(self):
        self.check([[record] for record in self.stream()])

    def test_one_by_one_reversed(self):
        self.check([[record] for record in reversed(self.stream())])

    def test_random_batches_and_orders(self):
        generator = random.Random(20261125)
        for _attempt in range(5):
            self.useFixture(rintik_fixtures.SQLiteDatabase())
            records = self.stream()
            generator.shuffle(records)
            cut = sorted(generator.sample(range(1, len(records)), 3))
            self.check([records[a:b] for a, b in
                        zip([0] + cut, cut + [len(records)])])
