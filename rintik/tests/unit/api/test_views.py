"""The full invoice as the dashboard reads it (dashboard-api.md "Full
invoice", "Segment")."""

import datetime
import decimal
import json

from oslo_serialization import jsonutils

from rintik.api import views
from rintik.billing import segments
from rintik.billing import usage
from rintik.db import invoices as db_invoices
from rintik.rating import invoicing
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import cron
from rintik.tests.unit.rating.helpers import RatingTestCase

USD = dict.fromkeys(('price_charged_currency', 'hourly_price_currency',
                     'monthly_price_currency'), 'USD')
EMPTY = dict.fromkeys(('instances', 'volumes', 'floating_ips', 'routers',
                       'snapshots', 'images'), [])


class FullInvoiceTest(RatingTestCase):
    """January is issued (i1 and an image), then a volume of January is
    heard of late: February, in progress on 3 Feb 12:00, carries it as an
    adjustment."""

    def setUp(self):
        super().setUp()
        self.setting('invoice_tax', 11)
        self.price('0.0125', '9')
        self.price('0.0002', kind='volume', key='ssd')
        self.price('0.01', kind='image', key=None)
        self.enable(at(1))
        self.live('i1', at(1, 10), name='web')
        # 1610612736 bytes = 1.5 GiB
        self.live('img', at(1), at(2, 1, 6), resource_type='image',
                  price_key=None, quantity='1.5', name='ubuntu')
        self.rollover(cron(2))
        self.live('v1', at(1, 20), at(1, 25), resource_type='volume',
                  price_key='ssd', quantity=20, name='data')
        self.jan = self.invoice('p1', at(1))
        self.feb = self.invoice('p1', at(2))

    def document(self, invoice, now):
        lines, ids = invoicing.invoice_lines(self.context, invoice,
                                             self.policy, now)
        body = views.full_invoice(invoice, lines, ids, 'a@x.id', 'USD')
        # What goes on the wire, read back.
        return json.loads(jsonutils.dumps(body))

    def test_issued_invoice(self):
        # i1 10 Jan -> 1 Feb = 528 h x 0.0125 = 6.60 (under the cap 9.00)
        # img 744 h x 1.5 GiB x 0.01 = 11.16
        # subtotal 17.76, tax 11 % = 1.9536 -> 1.95, total 19.71
        body = self.document(self.jan, at(2, 3, 12))
        ids = [row.id for row in db_invoices.segments_of(self.context,
                                                        self.jan.id)]
        self.assertEqual(dict(EMPTY, **{
            'id': self.jan.id,
            'start_date': '2026-01-01T00:00:00.000000Z',
            'end_date': '2026-02-01T00:00:00.000000Z',
            'state': 2,
            'subtotal': '17.76', 'subtotal_currency': 'USD',
            'tax': '1.95', 'tax_currency': 'USD',
            'total': '19.71', 'total_currency': 'USD',
            'created_at': '2026-02-01T00:07:00.000000Z',
            'updated_at': '2026-02-01T00:07:00.000000Z',
            'finish_date': None,
            'project': {'tenant_id': 'p1', 'email_notification': 'a@x.id'},
            'instances': [dict(USD, **{
                'id': ids[1], 'invoice': self.jan.id,
                'start_date': '2026-01-10T00:00:00.000000Z',
                'end_date': '2026-02-01T00:00:00.000000Z',
                'adjusted_end_date': '2026-02-01T00:00:00.000000Z',
                'price_charged': '6.60', 'hourly_price': '0.0125',
                'monthly_price': '9.00', 'adjustment': False,
                'instance_id': 'i1', 'flavor_id': 'm1', 'name': 'web'})],
            'images': [dict(USD, **{
                'id': ids[0], 'invoice': self.jan.id,
                'start_date': '2026-01-01T00:00:00.000000Z',
                'end_date': '2026-02-01T00:00:00.000000Z',
                'adjusted_end_date': '2026-02-01T00:00:00.000000Z',
                'price_charged': '11.16', 'hourly_price': '0.01',
                'monthly_price': None, 'adjustment': False,
                'image_id': 'img', 'space_allocation_gb': 1.5,
                'name': 'ubuntu'})],
        }), body)
        self.assertEqual(2, len(set(ids)))

    def test_invoice_in_progress(self):
        # i1 1 Feb -> now 3 Feb 12:00 = 60 h x 0.0125 = 0.75, running;
        # img 1 Feb -> 1 Feb 06:00 = 6 h x 1.5 x 0.01 = 0.09;
        # v1 (late, January) 20 -> 25 Jan = 120 h x 20 x 0.0002 = 0.48.
        # Subtotal 1.32; tax and total unknown until issued. Segment ids
        # are negative (invoicing.live_segment_id).
        body = self.document(self.feb, at(2, 3, 12))
        self.assertEqual(dict(EMPTY, **{
            'id': self.feb.id,
            'start_date': '2026-02-01T00:00:00.000000Z',
            'end_date': None,
            'state': 1,
            'subtotal': '1.32', 'subtotal_currency': 'USD',
            'tax': None, 'tax_currency': 'USD',
            'total': None, 'total_currency': 'USD',
            'created_at': '2026-02-01T00:07:00.000000Z',
            'updated_at': '2026-02-01T00:07:00.000000Z',
            'finish_date': None,
            'project': {'tenant_id': 'p1', 'email_notification': 'a@x.id'},
            'instances': [dict(USD, **{
                'id': -1156383850235077, 'invoice': self.feb.id,
                'start_date': '2026-02-01T00:00:00.000000Z',
                'end_date': None,
                'adjusted_end_date': '2026-02-03T12:00:00.000000Z',
                'price_charged': '0.75', 'hourly_price': '0.0125',
                'monthly_price': '9.00', 'adjustment': False,
                'instance_id': 'i1', 'flavor_id': 'm1', 'name': 'web'})],
            'images': [dict(USD, **{
                'id': -3622000627224541, 'invoice': self.feb.id,
                'start_date': '2026-02-01T00:00:00.000000Z',
                'end_date': '2026-02-01T06:00:00.000000Z',
                'adjusted_end_date': '2026-02-01T06:00:00.000000Z',
                'price_charged': '0.09', 'hourly_price': '0.01',
                'monthly_price': None, 'adjustment': False,
                'image_id': 'img', 'space_allocation_gb': 1.5,
                'name': 'ubuntu'})],
            'volumes': [dict(USD, **{
                'id': -499158618535397, 'invoice': self.feb.id,
                'start_date': '2026-01-20T00:00:00.000000Z',
                'end_date': '2026-01-25T00:00:00.000000Z',
                'adjusted_end_date': '2026-01-25T00:00:00.000000Z',
                'price_charged': '0.48', 'hourly_price': '0.0002',
                'monthly_price': None, 'adjustment': True,
                'adjusted_invoice': self.jan.id,
                'volume_id': 'v1', 'volume_type_id': 'ssd',
                'space_allocation_gb': 20, 'volume_name': 'data'})],
        }), body)

    def test_issued_adjustment_keeps_its_shape(self):
        # Once February is issued the adjustment is frozen as it was shown.
        self.rollover(cron(3))
        feb = self.invoice('p1', at(2))
        [volume] = self.document(feb, at(3, 2))['volumes']
        self.assertEqual(
            (True, self.jan.id, '0.48', '2026-01-20T00:00:00.000000Z',
             '2026-01-25T00:00:00.000000Z'),
            (volume['adjustment'], volume['adjusted_invoice'],
             volume['price_charged'], volume['start_date'],
             volume['end_date']))


class LiveSegmentIdTest(FullInvoiceTest):
    """Ids of the segments of an in-progress invoice (February, with the
    adjustment of January's late volume)."""

    def ids(self, now=at(2, 3, 12)):
        """{(resource id, adjustment): segment id} of February."""
        lines, ids = invoicing.invoice_lines(self.context, self.feb,
                                             self.policy, now)
        self.assertEqual(len(lines), len(set(ids)))
        return {(line.interval.resource_id, line.adjustment): segment_id
                for line, segment_id in zip(lines, ids)}

    def test_two_reads_give_the_same_ids(self):
        first = self.ids()
        self.assertEqual(first, self.ids())
        # Read later, the running instance is charged more: same ids.
        self.assertEqual(first, self.ids(at(2, 20)))
        self.assertEqual({('i1', False), ('img', False), ('v1', True)},
                         set(first))

    def test_ids_are_never_a_stored_segment_id(self):
        stored = {row.id for row in db_invoices.segments_of(self.context,
                                                           self.jan.id)}
        self.assertEqual(2, len(stored))
        self.assertTrue(all(segment_id > 0 for segment_id in stored))
        for segment_id in self.ids().values():
            self.assertIsInstance(segment_id, int)
            self.assertLess(segment_id, 0)
            # Exact as a JSON number read as a double.
            self.assertGreaterEqual(segment_id, -2 ** 52)

    def test_unrelated_usage_does_not_change_them(self):
        before = self.ids()
        # Another resource of the project, one of another project, and
        # a late change to another resource of an issued period.
        self.live('i2', at(2, 2), at(2, 3), name='other')
        self.live('i3', at(2, 1), project='p2')
        self.live('v2', at(1, 5), at(1, 6), resource_type='volume',
                  price_key='ssd', quantity=5)
        after = self.ids()
        self.assertEqual(before, {key: segment_id for key, segment_id
                                  in after.items() if key[0] in
                                  ('i1', 'img', 'v1')})
        self.assertEqual(5, len(after))

    def test_the_same_segment_in_another_invoice_has_another_id(self):
        line = self.lines(self.feb, at(2, 3, 12))[0]
        self.assertNotEqual(invoicing.live_segment_id(self.feb.id, line),
                            invoicing.live_segment_id(self.feb.id + 1, line))

    def test_ids_are_those_of_the_flat_lines_before(self):
        # The ids the flat rating.invoicing.Line gave these segments
        # (before one Segment type replaced it): ids do not change.
        start = datetime.datetime(2026, 2, 3, 4, 5, 6,
                                  tzinfo=datetime.timezone.utc)
        plain = segments.Segment(
            usage.UsageInterval('volume', 'v1', 'p1', 't1',
                                decimal.Decimal('20'), start, None),
            start, start, None, running=True, name='data',
            charge=decimal.Decimal('1.00'))
        adjustment = segments.Segment(
            usage.UsageInterval('instance', 'i1', 'p1', 'm1',
                                decimal.Decimal('1'), start, start),
            start, start, None, charge=decimal.Decimal('1.00'),
            adjustment=True, adjusted_invoice_id=7)
        self.assertEqual(
            (-239229152676928, -335871941072136),
            (invoicing.live_segment_id(5, plain),
             invoicing.live_segment_id(5, adjustment)))
