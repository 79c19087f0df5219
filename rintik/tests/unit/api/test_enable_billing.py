"""enable_billing's snapshot rated to the cent once the cron's rollover
has run: the window opens on 1 January 2026, prices in IDR (flavor
m1.small 1000/h, volume ssd 0.25/GB-h, floating IP 0.5/h, router 0.5/h,
snapshot 0.5/GB-h, image 0.5/GiB-h), January has 744 hours."""

from rintik.tests.unit.api import test_dashboard_flow

SNAPSHOT = {
    'start_date': '2026-01-01T00:00:00Z',
    'instances': [{'tenant_id': 'project-a', 'instance_id': 'vm-1',
                   'name': 'web', 'flavor_id': 'm1.small',
                   'start_date': '2025-12-15T00:00:00Z'}],
    'volumes': [{'tenant_id': 'project-a', 'volume_id': 'vol-1',
                 'volume_name': 'data', 'volume_type_id': 'ssd',
                 'space_allocation_gb': 10,
                 'start_date': '2026-01-10T00:00:00'}],
    'floating_ips': [{'tenant_id': 'project-b', 'fip_id': 'fip-1',
                      'ip': '198.51.100.7',
                      'start_date': '2026-01-01T00:00:00Z'}],
    'routers': [{'tenant_id': 'project-b', 'router_id': 'r-1',
                 'name': 'gw', 'start_date': '2026-01-01T07:00:00+07:00'}],
    'snapshots': [{'tenant_id': 'project-a', 'snapshot_id': 's-1',
                   'name': 'snap', 'space_allocation_gb': '2.5',
                   'start_date': '2026-01-01T00:00:00Z'}],
    'images': [{'tenant_id': 'project-a', 'image_id': 'i-1', 'name': 'img',
                'space_allocation_gb': 1.5,
                'start_date': '2026-01-01T00:00:00Z'}],
}
LATE = {'tenant_id': 'project-b', 'instance_id': 'vm-2', 'name': 'late',
        'flavor_id': 'm1.small', 'start_date': '2026-01-31T00:00:00Z'}
PRICES = (('flavor', {'flavor_id': 'm1.small', 'hourly_price': 1000}),
          ('volume', {'volume_type_id': 'ssd', 'hourly_price': '0.25'}),
          ('floating_ip', {'hourly_price': '0.5'}),
          ('router', {'hourly_price': '0.5'}),
          ('snapshot', {'hourly_price': '0.5'}),
          ('image', {'hourly_price': '0.5'}))


class EnableBillingTestCase(test_dashboard_flow.DashboardClientTestCase):

    def setUp(self):
        super().setUp()
        for kind, body in PRICES:
            self.post('price/%s/' % kind, body, status=201)

    def january(self, project):
        invoices = self.get('invoice/simple_list/?tenant_id=%s' % project)
        [january] = [invoice for invoice in invoices
                     if invoice['start_date'] == '2026-01-01T00:00:00.000000Z']
        return self.get('invoice/%d/' % january['id']), invoices[0]

    def test_the_snapshot_is_billed_from_the_window_by_the_rollover(self):
        self.post('invoice/enable_billing/', SNAPSHOT)
        # Only the current period is opened by the request.
        [current] = self.get('invoice/simple_list/?tenant_id=project-a')
        self.assertEqual((1, None), (current['state'], current['end_date']))
        self.cron()
        january, newest = self.january('project-a')
        self.assertEqual(current['id'], newest['id'])
        # vm-1 from the window's start: 744 h x 1000 = 744000.00; vol-1
        # 10 Jan -> 1 Feb 528 h x 10 GB x 0.25 = 1320.00 ... see below.
        self.assertEqual(
            (2, '2026-02-01T00:00:00.000000Z'),
            (january['state'], january['end_date']))
        self.assertEqual(
            [('vm-1', '2026-01-01T00:00:00.000000Z', '744000.00')],
            [(line['instance_id'], line['start_date'],
              line['price_charged']) for line in january['instances']])
        # 528 h x 10 GB x 0.25 = 1320.00; 744 h x 2.5 GB x 0.5 = 930.00;
        # 744 h x 1.5 GiB x 0.5 = 558.00
        self.assertEqual(
            ['1320.00', '930.00', '558.00'],
            [january[array][0]['price_charged']
             for array in ('volumes', 'snapshots', 'images')])
        self.assertEqual(('746808.00', '0.00', '746808.00'),
                         (january['subtotal'], january['tax'],
                          january['total']))
        january_b, _newest = self.january('project-b')
        # 744 h x 0.5 each; the router's 07:00+07:00 is midnight UTC.
        self.assertEqual(
            [('372.00', '2026-01-01T00:00:00.000000Z')] * 2,
            [(january_b[array][0]['price_charged'],
              january_b[array][0]['start_date'])
             for array in ('floating_ips', 'routers')])
        self.assertEqual('744.00', january_b['total'])

    def test_a_late_snapshot_item_is_an_adjustment_on_the_open_invoice(self):
        self.post('invoice/enable_billing/', SNAPSHOT)
        self.cron()
        january_b, current = self.january('project-b')
        self.post('invoice/enable_billing/', dict(
            SNAPSHOT, instances=SNAPSHOT['instances'] + [LATE]))
        # January is unchanged; vm-2 (31 Jan, 24 h x 1000) is an
        # adjustment of it on the oldest invoice in progress (as are the
        # later issued months vm-2 ran in).
        again, _current = self.january('project-b')
        self.assertEqual(january_b, again)
        open_invoice = self.get('invoice/%d/' % current['id'])
        [adjustment] = [line for line in open_invoice['instances']
                        if line['adjustment'] and
                        line['adjusted_invoice'] == january_b['id']]
        self.assertEqual(
            ('vm-2', '2026-01-31T00:00:00.000000Z',
             '2026-02-01T00:00:00.000000Z', '24000.00', january_b['id']),
            (adjustment['instance_id'], adjustment['start_date'],
             adjustment['adjusted_end_date'], adjustment['price_charged'],
             adjustment['adjusted_invoice']))
