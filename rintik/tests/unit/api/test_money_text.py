"""The money rule shared by the API and rintik-manage price set
(rating.prices.check_amount): plain digits on the text as sent."""

import decimal

from rintik.api import utils
from rintik import exception
from rintik.rating import prices
from rintik.tests import base

D = decimal.Decimal


class CheckAmountTestCase(base.TestCase):

    def _problem(self, value):
        error = self.assertRaises(exception.Invalid, prices.check_amount,
                                  'hourly_price', value)
        self.assertEqual('hourly_price', error.field)
        return str(error)

    def test_plain_digits_are_money(self):
        for text, amount in (('0', '0'), ('12', '12'), ('0.0125', '0.0125'),
                             ('007.50', '7.50'), ('1.000000000', '1'),
                             ('999999999999.99999999', None)):
            with self.subTest(text=text):
                self.assertEqual(D(amount or text),
                                 prices.check_amount('x', text))

    def test_json_numbers_are_checked_on_their_text(self):
        body = utils.parse_json(b'[250, 0.0125, 1e3, 1E-5, -0, 2.50]')
        self.assertEqual(D(250), prices.check_amount('x', body[0]))
        self.assertEqual(D('0.0125'), prices.check_amount('x', body[1]))
        self.assertEqual('hourly_price must be a decimal number.',
                         self._problem(body[2]))
        self.assertEqual('hourly_price must be a decimal number.',
                         self._problem(body[3]))
        self.assertEqual('hourly_price must not be negative.',
                         self._problem(body[4]))
        self.assertEqual('2.50', str(prices.check_amount('x', body[5])))

    def test_anything_else_is_refused(self):
        for value in ('1_000', '\u0661\u0662', '\uff11', ' 1', '1 ', '1\n',
                      '+1', '1e3', '1E+3', '0x10', '1.', '.5', '', 'NaN',
                      'Infinity', '1,5', '\u00b2', True, 1.5, [1], {}):
            with self.subTest(value=value):
                self.assertEqual('hourly_price must be a decimal number.',
                                 self._problem(value))

    def test_negative_amounts_say_so(self):
        for value in ('-1', '-0.5', -1, D('-2')):
            with self.subTest(value=value):
                self.assertEqual('hourly_price must not be negative.',
                                 self._problem(value))

    def test_limits_are_counted_on_the_text(self):
        self.assertEqual('hourly_price has more than 8 decimal places.',
                         self._problem('0.000000001'))
        self.assertEqual('hourly_price is too large.',
                         self._problem('1' * 13))
        # Long texts are refused without a decimal context overflow.
        self.assertEqual('hourly_price is too large.',
                         self._problem('9' * 100000))
        self.assertEqual(D('1'), prices.check_amount(
            'x', '1.' + '0' * 100000))

    def test_internal_decimals_are_written_out(self):
        self.assertEqual(D('0.00000001'),
                         prices.check_amount('x', D('1E-8')))
        self.assertEqual(D('10'), prices.check_amount('x', D('1E+1')))
