"""The values as the API, the notices and rintik-manage spell them."""

import datetime
import decimal

from rintik.common import formats
from rintik.tests import base

D = decimal.Decimal


class FormatsTest(base.TestCase):

    def test_prices_keep_their_digits(self):
        cases = [('0.0125', 'USD', '0.0125'), ('9', 'USD', '9.00'),
                 ('0.12345678', 'USD', '0.12345678'), ('100', 'USD',
                                                       '100.00'),
                 ('0.5', 'KWD', '0.500'), ('5', 'JPY', '5'),
                 ('0', 'IDR', '0.00'), ('1E+3', 'IDR', '1000.00')]
        for amount, currency, text in cases:
            self.assertEqual(text, formats.price_text(D(amount), currency))
        self.assertIsNone(formats.price_text(None, 'USD'))

    def test_datetimes_have_six_fraction_digits_and_z(self):
        moment = datetime.datetime(2026, 11, 25, 9, 10, 50, 903005,
                                   tzinfo=datetime.timezone.utc)
        jakarta = datetime.timezone(datetime.timedelta(hours=7))
        cases = [(moment, '2026-11-25T09:10:50.903005Z'),
                 (moment.replace(tzinfo=None), '2026-11-25T09:10:50.903005Z'),
                 (moment.replace(tzinfo=jakarta),
                  '2026-11-25T02:10:50.903005Z'),
                 (moment.replace(microsecond=0),
                  '2026-11-25T09:10:50.000000Z'),
                 (datetime.datetime(999, 1, 2, tzinfo=datetime.timezone.utc),
                  '0999-01-02T00:00:00.000000Z')]
        for value, text in cases:
            self.assertEqual(text, formats.iso(value))
        self.assertIsNone(formats.iso(None))

    def test_money_has_the_minor_unit(self):
        cases = [('-168', 'USD', '-168.00'), ('0', 'USD', '0.00'),
                 ('1000.5', 'IDR', '1000.50'), ('7', 'JPY', '7'),
                 ('1.2345', 'KWD', '1.235')]
        for amount, currency, text in cases:
            self.assertEqual(text, formats.money_text(D(amount), currency))
        self.assertIsNone(formats.money_text(None, 'USD'))
