"""The dashboard's calls, replayed in the order its panels make them.

Admin panels (admin token, target project in ``tenant_id``): prices,
settings, enable billing, invoices, invoice detail, finish and rollback,
balance, notifications, overview. Project panels (member and reader
tokens, own project in ``tenant_id``): overview, invoices, balance,
notifications, e-mail addresses. Every key the contract
(dashboard-api.md) lists is checked present with its JSON type; money
values are strings with the right number of decimals, datetimes ISO 8601
UTC with ``Z``.
"""

import datetime
import json
import re

import webob

from rintik.api import app
from rintik import context
from rintik.db import notifications
from rintik.rating import invoicing
from rintik.rating import overview
from rintik.rating import rollover
from rintik.tests import base
from rintik.tests.unit.api import fixtures

STR = (str,)
INT = (int,)
BOOL = (bool,)
LIST = (list,)
DICT = (dict,)
NUMBER = (int, float)
OPT_STR = (str, type(None))
OPT_DICT = (dict, type(None))

DATETIME = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$')
MONEY = re.compile(r'^-?\d+\.\d{2}$')
PRICE = re.compile(r'^\d+\.\d{2,8}$')

PRICE_KEYS = {
    'id': INT, 'created_at': STR, 'updated_at': STR,
    'hourly_price': STR, 'hourly_price_currency': STR,
    'monthly_price': OPT_STR, 'monthly_price_currency': STR,
    'effective_from': STR,
}
SETTINGS_KEYS = {
    'billing_enabled': BOOL, 'invoice_tax': INT, 'company_name': STR,
    'company_logo': STR, 'company_address': STR, 'email_admin': STR,
    'invoice_auto_deduct_balance': BOOL, 'how_to_top_up': STR,
}
SIMPLE_KEYS = {
    'id': INT, 'start_date': STR, 'end_date': OPT_STR, 'state': INT,
    'subtotal': STR, 'subtotal_currency': STR, 'tax': OPT_STR,
    'total': OPT_STR, 'total_currency': STR,
}
ARRAYS = ('instances', 'volumes', 'floating_ips', 'routers', 'snapshots',
          'images')
FULL_KEYS = dict(SIMPLE_KEYS, created_at=STR, updated_at=STR,
                 finish_date=OPT_STR, tax_currency=STR, project=DICT,
                 **{array: LIST for array in ARRAYS})
PROJECT_KEYS = {'tenant_id': STR, 'email_notification': STR}
SEGMENT_KEYS = {
    'id': INT, 'start_date': STR, 'end_date': OPT_STR,
    'adjusted_end_date': STR, 'price_charged': STR,
    'price_charged_currency': STR, 'hourly_price': STR,
    'hourly_price_currency': STR, 'monthly_price': OPT_STR,
    'monthly_price_currency': STR, 'invoice': INT, 'adjustment': BOOL,
}
SEGMENT_TYPED_KEYS = {
    'instances': {'instance_id': STR, 'flavor_id': STR, 'name': STR},
    'volumes': {'volume_id': STR, 'volume_type_id': STR,
                'space_allocation_gb': NUMBER, 'volume_name': STR},
    'floating_ips': {'fip_id': STR, 'ip': STR},
    'routers': {'router_id': STR, 'name': STR},
    'snapshots': {'snapshot_id': STR, 'space_allocation_gb': NUMBER,
                  'name': STR},
    'images': {'image_id': STR, 'space_allocation_gb': NUMBER,
               'name': STR},
}
NOTIFICATION_KEYS = {
    'id': INT, 'project': OPT_DICT, 'title': STR, 'short_description': STR,
    'content': STR, 'sent_status': BOOL, 'is_read': BOOL,
    'created_at': STR, 'recipient': STR,
}
BALANCE_KEYS = {'id': INT, 'project': DICT, 'amount': STR,
                'amount_currency': STR}
TRANSACTION_KEYS = {'id': INT, 'amount': STR, 'amount_currency': STR,
                    'action': STR, 'description': OPT_STR,
                    'created_at': STR}
CHART_LABELS = ['instances', 'volumes', 'floating_ips', 'routers',
                'snapshots', 'images']
SUCCESS = {'status': 'success'}

SNAPSHOT = {
    'start_date': '2026-01-01T00:00:00Z',
    'instances': [{'tenant_id': 'project-a', 'instance_id': 'vm-1',
                   'name': 'web', 'flavor_id': 'm1.small',
                   'start_date': '2026-01-01T00:00:00Z'},
                  {'tenant_id': 'project-b', 'instance_id': 'vm-gpu',
                   'name': 'gpu', 'flavor_id': 'g1.large',
                   'start_date': '2026-01-01T00:00:00Z'}],
    'volumes': [{'tenant_id': 'project-a', 'volume_id': 'vol-1',
                 'volume_name': 'data', 'volume_type_id': 'ssd',
                 'space_allocation_gb': 20,
                 'start_date': '2026-01-10T00:00:00Z'}],
    'floating_ips': [{'tenant_id': 'project-a', 'fip_id': 'fip-1',
                      'ip': '203.0.113.10',
                      'start_date': '2026-01-01T00:00:00Z'}],
    'routers': [{'tenant_id': 'project-a', 'router_id': 'r-1',
                 'name': 'gw', 'start_date': '2026-01-01T00:00:00Z'}],
    'snapshots': [{'tenant_id': 'project-a', 'snapshot_id': 's-1',
                   'name': 'snap', 'space_allocation_gb': '2.5',
                   'start_date': '2026-01-01T00:00:00Z'}],
    'images': [{'tenant_id': 'project-a', 'image_id': 'i-1',
                'name': 'img', 'space_allocation_gb': 1,
                'start_date': '2026-01-01T00:00:00Z'}],
}
# Known resources again, and one the snapshot missed: it ran in January,
# which is closed, so it is billed as adjustments.
LATE_SNAPSHOT = dict(SNAPSHOT, instances=SNAPSHOT['instances'] + [
    {'tenant_id': 'project-a', 'instance_id': 'vm-late', 'name': 'late',
     'flavor_id': 'm1.small', 'start_date': '2026-01-31T00:00:00Z'}])


class DashboardClientTestCase(base.TestCase):
    """Calls as the dashboard makes them, against the in-process app."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.ApiEnvironment())
        self.useFixture(fixtures.Currency('IDR'))
        self.application = app.setup_app(self.conf)

    # Calls --------------------------------------------------------------

    def call(self, method, path, token=fixtures.ADMIN_TOKEN, body=None,
             status=200):
        """One call as the dashboard makes it: RINTIK_URL + /api/ + path,
        the user's token, a JSON body."""
        headers = {'X-Auth-Token': token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers['Content-Type'] = 'application/json'
        request = webob.Request.blank('/api/' + path, method=method,
                                      headers=headers, body=data)
        response = request.get_response(self.application)
        self.assertEqual(status, response.status_int,
                         '%s %s: %s' % (method, path, response.text))
        if status == 204:
            return None
        self.assertTrue(response.content_type.startswith('application/json'),
                        response.content_type)
        return response.json

    def get(self, path, **kwargs):
        return self.call('GET', path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.call('POST', path, body=body, **kwargs)

    def cron(self):
        """The hourly invoice-rollover, run now."""
        rollover.run(context.get_admin_context(), self.conf,
                     datetime.datetime.now(datetime.timezone.utc))
        self.monitor_timer()

    def monitor_timer(self):
        """The monitor's live totals refresh, run now."""
        overview.refresh(context.get_admin_context(),
                         invoicing.Policy.from_conf(self.conf),
                         datetime.datetime.now(datetime.timezone.utc))


class DashboardFlowTestCase(DashboardClientTestCase):

    # Checks -------------------------------------------------------------

    def assertTyped(self, keys, document, where):
        """Every key of ``keys`` is in ``document`` with one of its JSON
        types (a bool is not an int)."""
        self.assertIsInstance(document, dict, where)
        for key, types in keys.items():
            self.assertIn(key, document, '%s: no %s' % (where, key))
            self.assertIn(type(document[key]), types,
                          '%s: %s is %r' % (where, key, document[key]))

    def assertDatetime(self, value, where):
        self.assertRegex(value, DATETIME, where)

    def assertMoney(self, value, where):
        self.assertRegex(value, MONEY, where)

    def assertPrice(self, document, where):
        self.assertTyped(PRICE_KEYS, document, where)
        for key in ('created_at', 'updated_at', 'effective_from'):
            self.assertDatetime(document[key], where)
        self.assertRegex(document['hourly_price'], PRICE, where)
        if document['monthly_price'] is not None:
            self.assertRegex(document['monthly_price'], PRICE, where)
        self.assertEqual('IDR', document['hourly_price_currency'])
        self.assertEqual('IDR', document['monthly_price_currency'])

    def assertProject(self, document, tenant_id, where):
        self.assertTyped(PROJECT_KEYS, document, where)
        self.assertEqual(tenant_id, document['tenant_id'], where)

    def assertSimple(self, invoice, where):
        self.assertTyped(SIMPLE_KEYS, invoice, where)
        self.assertDatetime(invoice['start_date'], where)
        self.assertMoney(invoice['subtotal'], where)
        self.assertEqual('IDR', invoice['subtotal_currency'])
        self.assertEqual('IDR', invoice['total_currency'])
        self.assertIn(invoice['state'], (1, 2, 100), where)
        if invoice['state'] == 1:
            self.assertIsNone(invoice['end_date'], where)
            self.assertIsNone(invoice['tax'], where)
            self.assertIsNone(invoice['total'], where)
        else:
            self.assertDatetime(invoice['end_date'], where)
            self.assertMoney(invoice['tax'], where)
            self.assertMoney(invoice['total'], where)

    def assertFull(self, invoice, tenant_id, where):
        self.assertSimple(invoice, where)
        self.assertTyped(FULL_KEYS, invoice, where)
        self.assertDatetime(invoice['created_at'], where)
        self.assertDatetime(invoice['updated_at'], where)
        if invoice['finish_date'] is not None:
            self.assertDatetime(invoice['finish_date'], where)
        self.assertEqual('IDR', invoice['tax_currency'])
        self.assertProject(invoice['project'], tenant_id, where)
        for array in ARRAYS:
            for index, segment in enumerate(invoice[array]):
                self.assertSegment(segment, array, invoice['id'],
                                   '%s %s[%d]' % (where, array, index))

    def assertSegment(self, segment, array, invoice_id, where):
        keys = SEGMENT_KEYS
        if segment.get('hourly_price') is None and \
                segment.get('price_charged') == '0.00':
            # Unpriced usage (PRODUCT.md 2.7) is charged 0 and shows no
            # price; the contract does not say how (see the report).
            keys = dict(keys, hourly_price=(type(None),))
        self.assertTyped(keys, segment, where)
        self.assertTyped(SEGMENT_TYPED_KEYS[array], segment, where)
        self.assertDatetime(segment['start_date'], where)
        self.assertDatetime(segment['adjusted_end_date'], where)
        if segment['end_date'] is not None:
            self.assertDatetime(segment['end_date'], where)
            self.assertEqual(segment['end_date'],
                             segment['adjusted_end_date'], where)
        self.assertMoney(segment['price_charged'], where)
        if segment['hourly_price'] is not None:
            self.assertRegex(segment['hourly_price'], PRICE, where)
        if segment['monthly_price'] is not None:
            self.assertRegex(segment['monthly_price'], PRICE, where)
        for key in ('price_charged_currency', 'hourly_price_currency',
                    'monthly_price_currency'):
            self.assertEqual('IDR', segment[key], where)
        self.assertEqual(invoice_id, segment['invoice'], where)
        if segment['adjustment']:
            self.assertIn('adjusted_invoice', segment, where)
            self.assertIs(int, type(segment['adjusted_invoice']), where)

    def assertChart(self, chart, money, where):
        self.assertEqual({'label', 'data'}, set(chart), where)
        labels = CHART_LABELS
        if money:
            labels = ['%s (IDR)' % label for label in labels]
        self.assertEqual(labels, chart['label'], where)
        self.assertEqual(6, len(chart['data']), where)
        for value in chart['data']:
            self.assertIn(type(value), NUMBER if money else INT, where)

    def assertNotification(self, notification, where):
        self.assertTyped(NOTIFICATION_KEYS, notification, where)
        self.assertDatetime(notification['created_at'], where)
        if notification['project'] is None:
            self.assertEqual('Admin', notification['recipient'], where)
        else:
            self.assertTyped(PROJECT_KEYS, notification['project'], where)

    def assertBalance(self, balance, tenant_id, where):
        self.assertTyped(BALANCE_KEYS, balance, where)
        self.assertProject(balance['project'], tenant_id, where)
        self.assertMoney(balance['amount'], where)
        self.assertEqual('IDR', balance['amount_currency'])

    def assertTransaction(self, transaction, where):
        self.assertTyped(TRANSACTION_KEYS, transaction, where)
        self.assertMoney(transaction['amount'], where)
        self.assertEqual('IDR', transaction['amount_currency'])
        self.assertIn(transaction['action'], ('top_up', 'top_down'), where)
        self.assertDatetime(transaction['created_at'], where)

    # The admin panels ---------------------------------------------------

    def prices_panel(self):
        for kind in ('flavor', 'volume', 'floating_ip', 'router',
                     'snapshot', 'image'):
            self.assertEqual([], self.get('price/%s/' % kind))
        created = [
            ('flavor', {'flavor_id': 'm1.small', 'hourly_price': 1000,
                        'monthly_price': 500000}),
            ('volume', {'volume_type_id': 'ssd', 'hourly_price': '0.0125',
                        'hourly_price_currency': 'IDR'}),
            ('floating_ip', {'hourly_price': 50}),
            ('router', {'hourly_price': '20.5'}),
            ('snapshot', {'hourly_price': 0.25}),
            ('image', {'hourly_price': '0.1', 'monthly_price': None}),
        ]
        for kind, body in created:
            price = self.post('price/%s/' % kind, body, status=201)
            self.assertPrice(price, 'POST price/%s/' % kind)
            if kind == 'flavor':
                self.assertEqual('m1.small', price['flavor_id'])
            if kind == 'volume':
                self.assertEqual('ssd', price['volume_type_id'])
            listed = self.get('price/%s/' % kind)
            self.assertEqual(1, len(listed))
            self.assertPrice(listed[0], 'GET price/%s/' % kind)
            self.assertEqual(price['id'], listed[0]['id'])
        flavor = self.get('price/flavor/')[0]
        self.assertEqual('1000.00', flavor['hourly_price'])
        self.assertEqual('500000.00', flavor['monthly_price'])
        updated = self.call('PUT', 'price/flavor/%d/' % flavor['id'],
                            body={'hourly_price': 1000,
                                  'monthly_price': None,
                                  'effective_from': '2099-01-01T00:00:00'})
        self.assertPrice(updated, 'PUT price/flavor/{id}/')
        self.assertEqual(flavor['id'], updated['id'])
        self.assertIsNone(updated['monthly_price'])
        self.assertEqual('2099-01-01T00:00:00Z', updated['effective_from'])
        shown = self.get('price/flavor/%d/' % flavor['id'])
        self.assertPrice(shown, 'GET price/flavor/{id}/')
        self.assertEqual('500000.00', shown['monthly_price'])

    def settings_panel(self):
        settings = self.get('settings/')
        self.assertTyped(SETTINGS_KEYS, settings, 'GET settings/')
        self.assertFalse(settings['billing_enabled'])
        for key, value in (('invoice_tax', 10),
                           ('company_name', 'PT Rintik Awan'),
                           ('email_admin', 'billing@rintik.example'),
                           ('invoice_auto_deduct_balance', False),
                           ('how_to_top_up', 'Transfer to BCA 123')):
            self.assertEqual({key: value},
                             self.call('PUT', 'settings/%s/' % key,
                                       body={'value': value}))
        settings = self.get('settings/')
        self.assertTyped(SETTINGS_KEYS, settings, 'GET settings/')
        self.assertEqual(10, settings['invoice_tax'])
        self.assertEqual({'how_to_top_up': 'Transfer to BCA 123'},
                         self.get('settings/how_to_top_up',
                                  token=fixtures.MEMBER_A_TOKEN))

    def enable_billing(self):
        self.assertEqual(SUCCESS, self.post('invoice/enable_billing/',
                                            SNAPSHOT))
        self.assertIs(True,
                      self.get('settings/billing_enabled/')[
                          'billing_enabled'])

    def invoices_panel(self):
        """The admin's invoice list of project-a; returns the January
        invoice's id."""
        invoices = self.get('invoice/?tenant_id=project-a')
        self.assertGreaterEqual(len(invoices), 2)
        for invoice in invoices:
            self.assertFull(invoice, 'project-a',
                            'GET invoice/ #%d' % invoice['id'])
        simple = self.get('invoice/simple_list/?tenant_id=project-a')
        self.assertEqual([invoice['id'] for invoice in invoices],
                         [invoice['id'] for invoice in simple])
        for invoice in simple:
            self.assertSimple(invoice, 'simple_list #%d' % invoice['id'])
            self.assertNotIn('instances', invoice)
        starts = [invoice['start_date'] for invoice in simple]
        self.assertEqual(sorted(starts, reverse=True), starts)
        self.assertEqual(1, simple[0]['state'])
        january = simple[-1]
        self.assertEqual('2026-01-01T00:00:00.000000Z',
                         january['start_date'])
        self.assertEqual(2, january['state'])
        return january['id']

    def invoice_detail(self, invoice_id):
        invoice = self.get('invoice/%d/?tenant_id=project-a' % invoice_id)
        self.assertFull(invoice, 'project-a', 'GET invoice/{id}/')
        for array in ARRAYS:
            self.assertEqual(1, len(invoice[array]), array)
        # 744 h at 1000 capped by the monthly 500000, 528 h x 20 GB
        # at 0.0125, 744 h at 50, at 20.5, x 2.5 GB at 0.25, x 1 GiB at
        # 0.1; 10 % tax.
        self.assertEqual('500000.00',
                         invoice['instances'][0]['price_charged'])
        self.assertEqual('500000.00',
                         invoice['instances'][0]['monthly_price'])
        self.assertEqual('132.00', invoice['volumes'][0]['price_charged'])
        self.assertEqual('37200.00',
                         invoice['floating_ips'][0]['price_charged'])
        self.assertEqual('15252.00', invoice['routers'][0]['price_charged'])
        self.assertEqual('465.00', invoice['snapshots'][0]['price_charged'])
        self.assertEqual('74.40', invoice['images'][0]['price_charged'])
        self.assertEqual(20, invoice['volumes'][0]['space_allocation_gb'])
        self.assertEqual(2.5, invoice['snapshots'][0]['space_allocation_gb'])
        self.assertEqual('553123.40', invoice['subtotal'])
        self.assertEqual('55312.34', invoice['tax'])
        self.assertEqual('608435.74', invoice['total'])
        self.assertIsNone(invoice['finish_date'])
        return invoice

    def finish(self, invoice_id):
        path = 'invoice/%d/' % invoice_id
        self.post(path + 'finish/', status=409)
        finished = self.post(path + 'finish/?skip_balance=true')
        self.assertFull(finished, 'project-a', 'finish')
        self.assertEqual(100, finished['state'])
        self.assertDatetime(finished['finish_date'], 'finish')
        back = self.get(path + 'rollback_to_unpaid/')
        self.assertFull(back, 'project-a', 'rollback_to_unpaid')
        self.assertEqual(2, back['state'])
        self.assertIsNone(back['finish_date'])

    def balance_panel(self, invoice_id):
        transaction = self.post(
            'balance/project-a/top_up_by_project/',
            {'amount': 1000000, 'amount_currency': 'IDR',
             'description': 'Bank transfer'}, status=201)
        self.assertTransaction(transaction, 'top_up_by_project')
        self.assertEqual('1000000.00', transaction['amount'])
        down = self.post('balance/project-a/top_down_by_project/',
                         {'amount': '0.50', 'description': None},
                         status=201)
        self.assertTransaction(down, 'top_down_by_project')
        self.assertEqual('top_down', down['action'])
        finished = self.get('invoice/%d/finish/?skip_balance=' % invoice_id)
        self.assertEqual(100, finished['state'])
        balance = self.get('balance/project-a/retrieve_by_project/')
        self.assertBalance(balance, 'project-a', 'retrieve_by_project')
        self.assertEqual('391563.76', balance['amount'])
        self.assertEqual(balance, self.get('balance/%d/' % balance['id']))
        balances = self.get('balance/')
        self.assertEqual(1, len(balances))
        self.assertBalance(balances[0], 'project-a', 'GET balance/')
        transactions = self.get('balance/project-a/transaction_by_project/')
        self.assertEqual(['top_down', 'top_down', 'top_up'],
                         [t['action'] for t in transactions])
        for transaction in transactions:
            self.assertTransaction(transaction, 'transaction_by_project')
        self.assertEqual('608435.74', transactions[0]['amount'])

    def notifications_panel(self):
        general = self.get('notification/?tenant_id=0')
        self.assertGreaterEqual(len(general), 1)
        for notification in general:
            self.assertNotification(notification, 'notification/?0')
            self.assertIsNone(notification['project'])
        every = self.get('notification/')
        for notification in every:
            self.assertNotification(notification, 'notification/')
        first = general[0]
        self.assertFalse(first['is_read'])
        read = self.get('notification/%d' % first['id'])
        self.assertNotification(read, 'notification/{id}')
        self.assertIs(True, read['is_read'])
        unread = self.get('notification/%d/set_unread/' % first['id'])
        self.assertIs(False, unread['is_read'])
        read = self.get('notification/%d/set_read/' % first['id'])
        self.assertIs(True, read['is_read'])
        # Once mailed, resend queues the e-mail again.
        admin, now = context.get_admin_context(), datetime.datetime.now(
            datetime.timezone.utc)
        notifications.mark_sent(admin, first['id'], 'Admin', now)
        self.assertNotIn(first['id'], [
            row.id for row in notifications.due(admin, now, 1000)])
        self.assertNotification(
            self.get('notification/%d/resend/' % first['id']), 'resend')
        self.assertIn(first['id'], [row.id for row in notifications.due(
            admin, datetime.datetime.now(datetime.timezone.utc), 1000)])

    def admin_overview(self):
        for chart in ('total_resource', 'active_resource'):
            self.assertChart(self.get('admin_overview/%s/' % chart), False,
                             chart)
        for chart in ('price_total_resource', 'price_active_resource'):
            self.assertChart(self.get('admin_overview/%s/' % chart), True,
                             chart)
        total = self.get('admin_overview/total_resource/')
        # project-a's open invoice: one of each, and project-b's GPU
        self.assertEqual([2, 1, 1, 1, 1, 1], total['data'])
        active = self.get('admin_overview/active_resource/')
        self.assertEqual([2, 1, 1, 1, 1, 1], active['data'])

    def late_snapshot(self, january_id):
        """A second snapshot with one resource the first one missed: the
        issued invoice keeps its lines; the open one gets adjustments."""
        self.assertEqual(SUCCESS, self.post('invoice/enable_billing/',
                                            LATE_SNAPSHOT))
        january = self.get('invoice/%d/?tenant_id=project-a' % january_id)
        self.assertEqual(1, len(january['instances']))
        current = self.get('invoice/simple_list/?tenant_id=project-a')[0]
        invoice = self.get('invoice/%d/?tenant_id=project-a'
                           % current['id'])
        self.assertFull(invoice, 'project-a', 'open invoice')
        adjustments = [segment for segment in invoice['instances']
                       if segment['adjustment']]
        self.assertTrue(adjustments)
        self.assertEqual({'vm-late'},
                         {segment['instance_id'] for segment in adjustments})
        first = [segment for segment in adjustments
                 if segment['adjusted_invoice'] == january_id]
        self.assertEqual(1, len(first))
        self.assertEqual('24000.00', first[0]['price_charged'])
        running = [segment for segment in invoice['instances']
                   if not segment['adjustment'] and
                   segment['end_date'] is None]
        self.assertEqual(['vm-1', 'vm-late'],
                         sorted(segment['instance_id']
                                for segment in running))

    # The project panels -------------------------------------------------

    def project_panels(self, january_id):
        member = {'token': fixtures.MEMBER_A_TOKEN}
        for chart in ('total_resource', 'active_resource'):
            self.assertChart(self.get(
                'project_overview/%s/?tenant_id=project-a' % chart,
                **member), False, chart)
        for chart in ('price_total_resource', 'price_active_resource'):
            self.assertChart(self.get(
                'project_overview/%s/?tenant_id=project-a' % chart,
                **member), True, chart)
        tenant = self.get('project_overview/project-a/get_tenant/',
                          **member)
        self.assertEqual({'tenant_id': 'project-a',
                          'email_notification': ''}, tenant)
        self.assertEqual(SUCCESS, self.post(
            'project_overview/project-a/update_email/',
            {'email_notification': 'a@x.example, b@y.example'}, **member))
        self.assertEqual({'tenant_id': 'project-a',
                          'email_notification': 'a@x.example,b@y.example'},
                         self.get('project_overview/project-a/get_tenant/',
                                  **member))
        for invoice in self.get('invoice/?tenant_id=project-a', **member):
            self.assertFull(invoice, 'project-a', 'member invoice/')
            self.assertEqual('a@x.example,b@y.example',
                             invoice['project']['email_notification'])
        for invoice in self.get(
                'invoice/simple_list/?tenant_id=project-a', **member):
            self.assertSimple(invoice, 'member simple_list')
        self.assertFull(self.get('invoice/%d/?tenant_id=project-a'
                                 % january_id, **member),
                        'project-a', 'member invoice/{id}/')
        self.assertBalance(self.get(
            'balance/project-a/retrieve_by_project/', **member),
            'project-a', 'member retrieve_by_project')
        for transaction in self.get(
                'balance/project-a/transaction_by_project/', **member):
            self.assertTransaction(transaction, 'member transactions')
        titles = [notification['title'] for notification in self.get(
            'notification/?tenant_id=project-a', **member)]
        # Newest first: finish, top-down, top-up, rollback, finish.
        self.assertEqual(
            ['Invoice %d paid' % january_id, 'Balance top-down',
             'Balance top-up', 'Invoice %d is unpaid again' % january_id,
             'Invoice %d paid' % january_id], titles[:5])
        self.assertEqual('Invoice %d for 2026-01' % january_id, titles[-1])
        reader = {'token': fixtures.READER_B_TOKEN}
        invoices = self.get('invoice/simple_list/?tenant_id=project-b',
                            **reader)
        for invoice in invoices:
            self.assertSimple(invoice, 'reader simple_list')
        self.assertFull(self.get('invoice/%d/?tenant_id=project-b'
                                 % invoices[-1]['id'], **reader),
                        'project-b', 'reader invoice/{id}/')
        self.get('invoice/%d/?tenant_id=project-b' % january_id,
                 status=404, **reader)
        self.get('invoice/?tenant_id=project-a', status=403, **reader)

    def test_the_dashboard_panels_in_order(self):
        self.prices_panel()
        self.settings_panel()
        # One price missing: g1.large is unpriced, which the rollover
        # tells the admins in a general notification.
        self.enable_billing()
        self.cron()
        january_id = self.invoices_panel()
        self.invoice_detail(january_id)
        self.finish(january_id)
        self.balance_panel(january_id)
        self.notifications_panel()
        self.admin_overview()
        self.late_snapshot(january_id)
        self.monitor_timer()
        self.project_panels(january_id)
