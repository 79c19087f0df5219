"""rintik-manage invoice show: the lines of an invoice as a table and as
the dashboard's JSON."""

import io
import json

import fixtures

from rintik.manage import billing
from rintik.tests.unit.rating import helpers

at, cron = helpers.at, helpers.cron


class InvoiceShowTest(helpers.RatingTestCase):

    def setUp(self):
        super().setUp()
        self.out = self.useFixture(fixtures.MockPatch(
            'sys.stdout', io.StringIO())).mock
        self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1, 10), at(1, 11))
        self.rollover(cron(2))
        self.invoice_id = self.invoice('p1', at(1)).id

    def show(self, format):
        billing.InvoiceCommands(self.conf).show(self.invoice_id, format)
        return self.out.getvalue()

    def test_table_lists_each_line(self):
        self.assertEqual(EXPECTED_TABLE, self.show('table'))

    def test_json_is_the_full_invoice(self):
        body = json.loads(self.show('json'))
        self.assertEqual(
            [('i1', 'm1', '2026-01-10T00:00:00.000000Z',
              '2026-01-11T00:00:00.000000Z', '1.00', '24.00', False)],
            [(segment['instance_id'], segment['flavor_id'],
              segment['start_date'], segment['end_date'],
              segment['hourly_price'], segment['price_charged'],
              segment['adjustment']) for segment in body['instances']])
        self.assertEqual(('24.00', '0.00', '24.00'),
                         (body['subtotal'], body['tax'], body['total']))


EXPECTED_TABLE = '''\
resource_type  resource_id  start                 end                   \
charge  adjustment
instance       i1           2026-01-10T00:00:00Z  2026-01-11T00:00:00Z  \
24.00   False
subtotal 24.00 tax 0.00 total 24.00
'''
