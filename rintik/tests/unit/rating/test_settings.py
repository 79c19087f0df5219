"""Typed settings and billing windows (PRODUCT.md §2.9; dashboard-api.md
"Settings")."""

import base64
import io

import fixtures

from rintik.db import settings as db_settings
from rintik import exception
from rintik.manage import billing
from rintik.rating import settings
from rintik.tests.unit.rating.helpers import at
from rintik.tests.unit.rating.helpers import cron
from rintik.tests.unit.rating.helpers import D
from rintik.tests.unit.rating.helpers import RatingTestCase

DEFAULTS = {
    'billing_enabled': False,
    'invoice_tax': 0,
    'company_name': '',
    'company_logo': '',
    'company_address': '',
    'email_admin': '',
    'invoice_auto_deduct_balance': False,
    'how_to_top_up': '',
}


class SettingsTest(RatingTestCase):

    VALID = [
        ('invoice_tax', 0), ('invoice_tax', 11), ('invoice_tax', 100),
        ('invoice_auto_deduct_balance', True),
        ('invoice_auto_deduct_balance', False),
        ('company_name', 'PT Rintik'), ('email_admin', 'a@x.id,b@y.id'),
        ('email_admin', ''), ('how_to_top_up', ''),
        ('company_logo', 'iVBORw0KGgo='),
        ('company_logo', base64.b64encode(
            b'\0' * settings.MAX_LOGO_BYTES).decode()),
    ]
    INVALID = [
        ('invoice_tax', -1), ('invoice_tax', 101), ('invoice_tax', True),
        ('invoice_tax', '11'), ('invoice_tax', 1.5), ('invoice_tax', None),
        ('invoice_auto_deduct_balance', 1),
        ('invoice_auto_deduct_balance', 'true'),
        ('company_name', 5), ('company_logo', None),
        ('email_admin', 'ops'), ('email_admin', 'a@x.id, b@'),
        ('email_admin', 'a@x.id;b@y.id'), ('company_logo', 'not base64!'),
        ('company_logo', 'iVBORw0KGgo'),
        ('company_logo', base64.b64encode(
            b'\0' * (settings.MAX_LOGO_BYTES + 1)).decode()),
        ('billing_enabled', True), ('billing_enabled', False),
        ('unknown', 'x'),
    ]
    # (setting, command-line text, value)
    PARSED = [
        ('invoice_tax', '11', 11), ('invoice_tax', '0', 0),
        ('invoice_auto_deduct_balance', 'true', True),
        ('invoice_auto_deduct_balance', 'Yes', True),
        ('invoice_auto_deduct_balance', '1', True),
        ('invoice_auto_deduct_balance', 'off', False),
        ('invoice_auto_deduct_balance', 'false', False),
        ('company_name', '11', '11'),
    ]
    UNPARSABLE = [('invoice_tax', 'eleven'), ('invoice_tax', '1.5'),
                  ('invoice_auto_deduct_balance', 'maybe'),
                  ('billing_enabled', 'perhaps')]

    def test_defaults(self):
        self.assertEqual(DEFAULTS, settings.all_settings(self.context))

    def test_valid_values_are_stored_typed(self):
        for name, value in self.VALID:
            self.assertEqual(value, settings.set_setting(self.context, name,
                                                         value))
            stored = settings.get_setting(self.context, name)
            self.assertEqual((type(value), value), (type(stored), stored))

    def test_invalid_values_are_refused_and_change_nothing(self):
        for name, value in self.INVALID:
            self.assertRaises(exception.Invalid, settings.set_setting,
                              self.context, name, value)
        self.assertEqual(DEFAULTS, settings.all_settings(self.context))

    def test_admin_addresses_are_normalised(self):
        self.assertEqual('a@x.id,b@y.id', settings.set_setting(
            self.context, 'email_admin', ' a@x.id , ,b@y.id '))
        self.assertEqual('a@x.id,b@y.id',
                         settings.get_setting(self.context, 'email_admin'))

    def test_a_refusal_names_the_setting(self):
        error = self.assertRaises(exception.Invalid, settings.set_setting,
                                  self.context, 'email_admin', 'a@x.id, ops')
        self.assertEqual(('email_admin', 'Enter valid e-mail addresses: ops'),
                         (error.field, str(error)))

    def test_command_line_text_is_typed(self):
        for name, text, value in self.PARSED:
            parsed = settings.parse_text(name, text)
            self.assertEqual((type(value), value), (type(parsed), parsed))
        for name, text in self.UNPARSABLE:
            self.assertRaises(exception.Invalid, settings.parse_text, name,
                              text)

    def test_unknown_setting_is_not_found(self):
        self.assertRaises(exception.NotFound, settings.get_setting,
                          self.context, 'nope')

    def test_billing_enabled_follows_the_windows(self):
        self.assertFalse(settings.get_setting(self.context,
                                              'billing_enabled'))
        self.enable(at(1))
        self.assertTrue(settings.get_setting(self.context,
                                             'billing_enabled'))
        db_settings.close_window(self.context, at(2))
        self.assertFalse(settings.get_setting(self.context,
                                              'billing_enabled'))


class BillingWindowTest(RatingTestCase):

    def windows(self):
        return [(row.start, row.end)
                for row in db_settings.windows(self.context)]

    def test_enabling_twice_keeps_one_window(self):
        first = self.enable(at(1, 5))
        second = self.enable(at(1, 2))
        self.assertEqual(first.id, second.id)
        self.assertEqual([(at(1, 5), None)], self.windows())

    def test_start_date_is_clamped_after_the_last_window(self):
        self.enable(at(1, 1))
        db_settings.close_window(self.context, at(1, 10))
        self.enable(at(1, 5))
        self.assertEqual([(at(1, 1), at(1, 10)), (at(1, 10), None)],
                         self.windows())

    def test_a_later_start_date_is_kept(self):
        self.enable(at(1, 1))
        db_settings.close_window(self.context, at(1, 10))
        self.enable(at(1, 20))
        self.assertEqual([(at(1, 1), at(1, 10)), (at(1, 20), None)],
                         self.windows())

    def test_disable_closes_the_open_window_only(self):
        db_settings.close_window(self.context, at(1, 3))
        self.assertEqual([], self.windows())
        self.enable(at(1, 1))
        db_settings.close_window(self.context, at(1, 10, 8, 30))
        db_settings.close_window(self.context, at(1, 12))
        self.assertEqual([(at(1, 1), at(1, 10, 8, 30))], self.windows())

    def test_only_time_inside_windows_is_charged(self):
        # Windows [1 Jan, 10 Jan) and [20 Jan, ...); i1 runs 5 Jan -> 5 Feb
        # at 1.00/h: 5 Jan -> 10 Jan = 120 h = 120.00,
        # 20 Jan -> 1 Feb = 288 h = 288.00; January = 408.00.
        self.price('1.00')
        self.enable(at(1, 1))
        db_settings.close_window(self.context, at(1, 10))
        self.enable(at(1, 20))
        self.live('i1', at(1, 5), at(2, 5))
        self.rollover(cron(2))
        invoice = self.invoice('p1', at(1))
        self.assertEqual([('i1', at(1, 5), at(1, 10), D('120.00')),
                          ('i1', at(1, 20), at(2), D('288.00'))],
                         self.charges(invoice))
        self.assertEqual(D('408.00'), invoice.subtotal)

    def test_no_invoice_for_a_period_outside_every_window(self):
        # Billing ran in January only: February gets no invoice, even
        # though i1 runs on.
        self.price('1.00')
        self.enable(at(1, 1))
        db_settings.close_window(self.context, at(1, 2))
        self.live('i1', at(1, 1, 12))
        self.rollover(cron(3))
        self.assertEqual([(at(1), D('12.00'))],
                         [(invoice.period_start, invoice.total)
                          for invoice in self.invoices('p1')])

    def test_billing_enable_command_only_opens_the_window(self):
        # Invoices are the rollover's job: enabling (even with a start
        # date months ago, even twice) issues and opens none.
        self.price('1.00')
        self.live('i1', at(1, 10))
        commands = billing.BillingCommands(self.conf)
        out = self.useFixture(fixtures.MockPatch('sys.stdout',
                                                 io.StringIO())).mock
        commands.enable('2026-01-01')
        commands.enable('2026-02-01T00:00:00Z')
        self.assertEqual(
            'Billing enabled since 2026-01-01T00:00:00Z\n' * 2,
            out.getvalue())
        self.assertEqual([(at(1), None)], self.windows())
        self.assertEqual([], self.invoices())
