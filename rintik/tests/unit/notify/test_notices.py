"""Every money event stores its notification in its own transaction."""

import datetime
import json

from rintik.api.controllers.v1 import notification
from rintik.db import balances
from rintik.db import invoices as db_invoices
from rintik.db import notifications
from rintik.db import projects as db_projects
from rintik import exception
from rintik.metering import ingest
from rintik.notify import centre
from rintik.rating import payments
from rintik.tests.unit.rating import helpers

at, cron, D = helpers.at, helpers.cron, helpers.D


class NoticeTestCase(helpers.RatingTestCase):

    def notices(self, project=None):
        """(title, short description, recipient) of a project's (or the
        admins') notifications, oldest first."""
        rows = notifications.list_notifications(
            self.context, project, general_only=project is None)
        return [(row.title, row.short_description, row.recipient)
                for row in reversed(rows)]

    def issue(self, auto_deduct=False, balance=None):
        # i1 24 h x 1.00 = 24.00, v1 24 h x 20 GB x 0.0125 = 6.00;
        # + 11 % tax (3.30) = 33.30
        self.setting('invoice_tax', 11)
        self.setting('invoice_auto_deduct_balance', auto_deduct)
        self.price('1.00')
        self.price('0.0125', kind='volume', key='ssd')
        self.enable(at(1))
        self.live('i1', at(1, 10), at(1, 11), name='web')
        self.live('v1', at(1, 10), at(1, 11), resource_type='volume',
                  price_key='ssd', quantity=20, name='data')
        db_projects.set_project_email(self.context, 'p1', 'a@x.example')
        if balance:
            balances.record(self.context, 'p1', balances.TOP_UP,
                            D(balance), 'top-up', at(1, 2))
        self.rollover(cron(2))
        return self.invoice('p1', at(1))


class RolloverNoticeTest(NoticeTestCase):

    def test_an_issued_invoice_notifies_its_project_with_its_lines(self):
        invoice = self.issue()
        self.assertEqual([('Invoice %d for 2026-01' % invoice.id,
                           'Total USD 33.30', 'a@x.example')],
                         self.notices('p1'))
        row = notifications.list_notifications(self.context, 'p1')[0]
        self.assertEqual(('invoice_issued', cron(2), 0, False),
                         (row.event, row.send_after, row.attempts,
                          row.sent_status))
        self.assertRegex(row.message_id, r'^<[0-9a-f]{32}@rintik>$')
        data = json.loads(row.data)
        self.assertEqual(
            [('Instances', '24.00', [('i1', 'web', '24.00')]),
             ('Volumes', '6.00', [('v1', 'data', '6.00')])],
            [(group['label'], group['subtotal'],
              [(line['resource_id'], line['name'], line['charge'])
               for line in group['lines']]) for group in data['groups']])
        self.assertEqual(('30.00', 11, '3.30', '33.30'),
                         (data['subtotal'], data['tax_percent'],
                          data['tax'], data['total']))
        self.assertIsNone(row.content)
        self.assertEqual(
            '<p>Invoice %d for 2026-01.</p>\n<table>\n'
            '  <tr><th colspan="4">Instances</th></tr>\n'
            '  <tr><td>web</td><td>2026-01-10T00:00:00.000000Z &ndash; '
            '2026-01-11T00:00:00.000000Z</td><td></td><td>USD 24.00</td>'
            '</tr>\n'
            '  <tr><td colspan="3">Instances subtotal</td><td>USD 24.00</td>'
            '</tr>\n'
            '  <tr><th colspan="4">Volumes</th></tr>\n'
            '  <tr><td>data</td><td>2026-01-10T00:00:00.000000Z &ndash; '
            '2026-01-11T00:00:00.000000Z</td><td></td><td>USD 6.00</td>'
            '</tr>\n'
            '  <tr><td colspan="3">Volumes subtotal</td><td>USD 6.00</td>'
            '</tr>\n'
            '  <tr><td colspan="3">Subtotal</td><td>USD 30.00</td></tr>\n'
            '  <tr><td colspan="3">Tax (11%%)</td><td>USD 3.30</td></tr>\n'
            '  <tr><td colspan="3">Total</td><td>USD 33.30</td></tr>\n'
            '</table>\n' % invoice.id, centre.content(row))
        self.assertEqual(centre.content(row), notification.notification_object(
            self.context, row)['content'])

    def test_content_stored_by_an_earlier_release_is_shown_as_stored(self):
        notifications.add_many(self.context, [{
            'project_id': 'p1', 'title': 'Invoice 1 for 2025-12',
            'short_description': 'Total USD 1.00',
            'content': '<p>As rendered then</p>', 'event': 'invoice_issued',
            'data': '{}'}], cron(2))
        row = notifications.list_notifications(self.context, 'p1')[0]
        self.assertEqual('<p>As rendered then</p>', centre.content(row))

    def test_paid_from_the_balance_notifies_issued_and_paid(self):
        invoice = self.issue(auto_deduct=True, balance='40.00')
        self.assertEqual(db_invoices.FINISHED, invoice.state)
        self.assertEqual(
            ['Invoice %d for 2026-01' % invoice.id,
             'Invoice %d paid' % invoice.id],
            [title for title, _short, _to in self.notices('p1')])
        self.assertEqual(
            'Invoice %d for 2026-01 (total USD 33.30) is paid; USD 33.30 '
            'was deducted from the balance' % invoice.id,
            self.notices('p1')[1][1])

    def test_a_second_rollover_notifies_nothing_again(self):
        self.issue()
        self.rollover(cron(2) + datetime.timedelta(hours=1))
        self.assertEqual(1, len(self.notices('p1')))

    def test_quarantined_messages_are_summed_up_once_per_rollover(self):
        self.price('1.00')
        self.enable(at(1))
        self.live('i1', at(1, 10), at(1, 11))
        for number in range(3):
            ingest.store(self.context, [], [(
                {'message_id': 'bad-%d' % number,
                 'event_type': 'compute.instance.exists',
                 'publisher_id': 'nova', 'priority': 'INFO',
                 'payload': {}}, 'poison')])
        self.rollover(cron(2))
        self.assertEqual([('Quarantined notifications',
                           '3 notifications quarantined', 'Admin')],
                         self.notices())
        self.rollover(cron(3))
        self.assertEqual(1, len(self.notices()))

    def test_unpriced_usage_is_one_admin_notice(self):
        self.enable(at(1))
        self.live('i1', at(1, 10), at(1, 11))
        self.live('i2', at(1, 10), at(1, 11))
        self.rollover(cron(2))
        self.assertEqual([('Unpriced usage',
                           'Usage without a price was charged 0',
                           'Admin')], self.notices())
        self.assertIn('2 invoice segments', centre.content(
            notifications.list_notifications(self.context,
                                             general_only=True)[0]))


class ActionNoticeTest(NoticeTestCase):

    def test_finish_and_rollback_notify_with_the_money_moved(self):
        invoice = self.issue(balance='50.00')
        payments.finish(self.context, invoice.id, False, at(2, 3), 'admin')
        payments.rollback_to_unpaid(self.context, invoice.id, False,
                                   at(2, 4), 'admin')
        self.assertEqual([
            ('Invoice %d paid' % invoice.id,
             'Invoice %d for 2026-01 (total USD 33.30) is paid; USD 33.30 '
             'was deducted from the balance' % invoice.id, 'a@x.example'),
            ('Invoice %d is unpaid again' % invoice.id,
             'Invoice %d for 2026-01 is unpaid again; USD 33.30 was '
             'refunded to the balance' % invoice.id, 'a@x.example')],
            self.notices('p1')[1:])

    def test_a_refused_finish_stores_no_notice(self):
        invoice = self.issue(balance='33.29')
        self.assertRaises(exception.Conflict, payments.finish, self.context,
                          invoice.id, False, at(2, 3), 'admin')
        self.assertEqual(1, len(self.notices('p1')))

    def test_top_up_and_down_notify_the_new_balance(self):
        self.issue()
        payments.change_balance(self.context, 'p1', balances.TOP_UP,
                               D('100.00'), 'cash', at(2, 3), 'admin')
        payments.change_balance(self.context, 'p1', balances.TOP_DOWN,
                               D('30.50'), None, at(2, 4), 'admin')
        self.assertEqual([
            ('Balance top-up', 'USD 100.00 was added to the balance, which '
             'is now USD 100.00', 'a@x.example'),
            ('Balance top-down', 'USD 30.50 was deducted from the balance, '
             'which is now USD 69.50', 'a@x.example')],
            self.notices('p1')[1:])

    def test_a_refused_top_down_stores_no_notice(self):
        self.issue()
        self.assertRaises(exception.Invalid, payments.change_balance,
                          self.context, 'p1', balances.TOP_DOWN, D('1.00'),
                          None, at(2, 3), 'admin')
        self.assertEqual(1, len(self.notices('p1')))
