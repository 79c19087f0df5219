"""notification send against a real SMTP server (aiosmtpd)."""

import datetime
import io
import smtplib
from unittest import mock

import fixtures

from rintik.db import invoices as db_invoices
from rintik.db import notifications
from rintik.db import projects as db_projects
from rintik.manage import base
from rintik.manage import notification
from rintik.notify import outbox
from rintik.tests import smtp_server
from rintik.tests.unit.notify import test_notices

at, cron, D = test_notices.at, test_notices.cron, test_notices.D
MINUTE = datetime.timedelta(minutes=1)


class OutboxTestCase(test_notices.NoticeTestCase):

    def setUp(self):
        super().setUp()
        self.smtp = self.useFixture(smtp_server.SMTPServer())
        self.config(group='smtp', host='127.0.0.1', port=self.smtp.port,
                    from_address='Billing <billing@cloud.example>',
                    timeout=5)

    def send(self, now):
        return outbox.send_pending(self.context, self.conf, now)

    def row(self, project='p1'):
        return notifications.list_notifications(
            self.context, project, general_only=project is None)[0]

    def body(self, message, subtype):
        return message.get_body((subtype,)).get_content().replace(
            '\r\n', '\n')


class DeliveryTest(OutboxTestCase):

    def test_the_invoice_mail_carries_its_lines_and_totals(self):
        db_projects.set_project_email(self.context, 'p1', '')
        invoice = self.issue()
        db_projects.set_project_email(self.context, 'p1',
                                      'a@x.example, b@y.example')
        self.setting('company_name', 'Rintik Cloud')
        summary = self.send(cron(2) + MINUTE)
        self.assertEqual((1, 0), (summary.sent, summary.failed))
        [(sender, recipients, message)] = self.smtp.messages
        self.assertEqual('billing@cloud.example', sender)
        self.assertEqual(['a@x.example', 'b@y.example'], recipients)
        self.assertEqual('Invoice %d for 2026-01' % invoice.id,
                         message['Subject'])
        self.assertEqual(self.row().message_id, message['Message-ID'])
        text = self.body(message, 'plain')
        for expected in (
                'Instances\n  web (i1) 2026-01-10T00:00:00.000000Z - '
                '2026-01-11T00:00:00.000000Z: USD 24.00\n'
                '  Instances subtotal: USD 24.00\n',
                'Volumes\n  data (v1) 2026-01-10T00:00:00.000000Z - '
                '2026-01-11T00:00:00.000000Z: USD 6.00\n',
                'Subtotal: USD 30.00\nTax (11%): USD 3.30\n'
                'Total: USD 33.30\n', '--\nRintik Cloud\n'):
            self.assertIn(expected, text)
        self.assertIn('<td>USD 33.30</td>', self.body(message, 'html'))
        row = self.row()
        self.assertEqual((True, None, None, 'a@x.example,b@y.example'),
                         (row.sent_status, row.send_after, row.last_error,
                          row.recipient))
        self.assertEqual((0, 0), (self.send(cron(2) + 2 * MINUTE).sent,
                                  len(self.smtp.messages) - 1))

    def test_admin_notices_go_to_the_admin_list(self):
        self.setting('email_admin', 'ops@cloud.example,cfo@cloud.example')
        self.enable(at(1))
        self.live('i1', at(1, 10), at(1, 11))
        self.rollover(cron(2))
        self.send(cron(2) + MINUTE)
        [(_sender, recipients, message)] = self.smtp.messages
        self.assertEqual(['ops@cloud.example', 'cfo@cloud.example'],
                         recipients)
        self.assertEqual('Unpriced usage', message['Subject'])
        self.assertIn('1 invoice segments issued by the rollover have no '
                      'price.', self.body(message, 'plain'))
        self.assertEqual((True, 'Admin'), (self.row(None).sent_status,
                                           self.row(None).recipient))

    def test_no_address_is_recorded_and_not_retried(self):
        self.issue()
        db_projects.set_project_email(self.context, 'p1', '')
        self.send(cron(2) + MINUTE)
        row = self.row()
        self.assertEqual(([], False, 'No recipient address', None, 1),
                         (self.smtp.messages, row.sent_status,
                          row.last_error, row.send_after, row.attempts))

    def test_resend_delivers_again_with_the_same_message_id(self):
        self.issue()
        self.send(cron(2) + MINUTE)
        notifications.queue_again(self.context, self.row().id,
                                  cron(2) + 2 * MINUTE)
        self.send(cron(2) + 3 * MINUTE)
        self.assertEqual(2, len(self.smtp.messages))
        self.assertEqual([self.row().message_id] * 2,
                         [message['Message-ID']
                          for _f, _t, message in self.smtp.messages])

    def test_an_operator_template_overrides_the_packaged_one(self):
        template_dir = self.useFixture(fixtures.TempDir()).path
        with open(template_dir + '/invoice_issued.txt', 'w') as template:
            template.write('Pay {{ data.currency }} {{ data.total }} '
                           'for {{ data.period }}.\n')
        self.config(group='notification', template_dir=template_dir)
        self.issue()
        self.send(cron(2) + MINUTE)
        message = self.smtp.messages[0][2]
        self.assertEqual('Pay USD 33.30 for 2026-01.\n',
                         self.body(message, 'plain'))


class FailureTest(OutboxTestCase):

    def test_a_server_down_is_recorded_then_the_same_message_delivered(self):
        self.issue()
        message_id = self.row().message_id
        self.smtp.stop()
        first = cron(2) + MINUTE
        summary = self.send(first)
        self.assertEqual((0, 1), (summary.sent, summary.failed))
        row = self.row()
        self.assertEqual((False, 1, first + datetime.timedelta(seconds=60)),
                         (row.sent_status, row.attempts, row.send_after))
        self.assertIn('Cannot reach 127.0.0.1:%d: ConnectionRefusedError'
                      % self.smtp.port, row.last_error)
        # Not due yet: nothing is tried.
        self.assertEqual(0, self.send(first + 30 * datetime.timedelta(
            seconds=1)).failed)
        self.send(first + datetime.timedelta(seconds=60))
        self.assertEqual((2, first + datetime.timedelta(seconds=180)),
                         (self.row().attempts, self.row().send_after))
        self.smtp.start()
        self.assertEqual(1, self.send(first + datetime.timedelta(
            seconds=180)).sent)
        [(_sender, _to, message)] = self.smtp.messages
        self.assertEqual(message_id, message['Message-ID'])
        self.assertEqual((True, None), (self.row().sent_status,
                                        self.row().last_error))

    def test_a_refused_recipient_fails_only_its_message(self):
        self.issue()
        self.setting('email_admin', 'ops@cloud.example')
        # An unpriced instance: the admins are told at the next rollover.
        self.live('i9', at(2, 3), at(2, 4), price_key='m9')
        self.rollover(cron(3))
        refuse = smtplib.SMTPRecipientsRefused(
            {'a@x.example': (550, b'No such user')})
        real = smtplib.SMTP.send_message
        calls = []

        def send_message(server, message, *args, **kwargs):
            calls.append(message['To'])
            if message['To'] == 'a@x.example':
                raise refuse
            return real(server, message, *args, **kwargs)

        with mock.patch.object(smtplib.SMTP, 'send_message', send_message):
            summary = self.send(cron(3) + MINUTE)
        self.assertEqual((1, 2), (summary.sent, summary.failed))
        self.assertEqual(1, self.smtp.greetings)
        self.assertEqual([['ops@cloud.example']],
                         [to for _f, to, _m in self.smtp.messages])
        self.assertIn("SMTPRecipientsRefused: {'a@x.example': (550, "
                      "b'No such user')}", self.row().last_error)

    def test_the_wait_doubles_up_to_the_maximum(self):
        self.config(group='smtp', retry_interval=60,
                    max_retry_interval=300)
        now = at(2)
        self.assertEqual([60, 120, 240, 300, 300], [
            (outbox.retry_at(self.conf, attempts, now) - now).seconds
            for attempts in range(1, 6)])


class RolloverTest(OutboxTestCase):

    def test_a_rollover_opens_no_smtp_connection(self):
        with mock.patch.object(smtplib, 'SMTP',
                               side_effect=AssertionError('SMTP')), \
                mock.patch.object(smtplib, 'SMTP_SSL',
                                  side_effect=AssertionError('SMTP')):
            invoice = self.issue(auto_deduct=True, balance='40.00')
        self.assertEqual(db_invoices.FINISHED, invoice.state)
        self.assertEqual((0, []), (self.smtp.greetings, self.smtp.messages))
        self.assertEqual(2, len(notifications.due(self.context, cron(2),
                                                  10)))


class CommandTest(OutboxTestCase):

    def test_notification_send_prints_its_count_and_fails_if_none_went(self):
        out = self.useFixture(fixtures.MockPatch('sys.stdout',
                                                 io.StringIO())).mock
        self.issue()
        self.smtp.stop()
        command = notification.NotificationCommands(self.conf)
        error = self.assertRaises(base.CommandError, command.send)
        self.assertEqual('No e-mail could be delivered.', str(error))
        self.smtp.start()
        notifications.queue_again(self.context, self.row().id, at(2))
        command.send()
        self.assertEqual('Sent 0 e-mails, 1 failed\nSent 1 e-mails, '
                         '0 failed\n', out.getvalue())
