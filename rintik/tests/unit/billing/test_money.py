import decimal
from decimal import Decimal

import testtools

from rintik.billing import money
from rintik.billing import quantity


class MinorUnitTest(testtools.TestCase):

    def test_iso_4217_minor_units(self):
        self.assertEqual(
            {'USD': 2, 'EUR': 2, 'IDR': 2, 'GBP': 2, 'JPY': 0, 'KWD': 3,
             'BHD': 3},
            {c: money.minor_unit(c)
             for c in ('USD', 'EUR', 'IDR', 'GBP', 'JPY', 'KWD', 'BHD')})

    def test_unknown_currency_is_rejected(self):
        self.assertRaises(ValueError, money.minor_unit, 'XYZ')
        self.assertRaises(ValueError, money.quantize_money, Decimal(1), 'usd')


class QuantizeMoneyTest(testtools.TestCase):

    def test_half_up_not_half_even(self):
        # 2.345 is a tie: half-up gives 2.35 (half-even would give 2.34).
        self.assertEqual(Decimal('2.35'),
                         money.quantize_money(Decimal('2.345'), 'USD'))
        # 0.125 -> 0.13 (half-even would give 0.12).
        self.assertEqual(Decimal('0.13'),
                         money.quantize_money(Decimal('0.125'), 'EUR'))

    def test_zero_and_three_decimals(self):
        # JPY: 2.5 -> 3; KWD: 1.0005 -> 1.001.
        self.assertEqual(Decimal('3'),
                         money.quantize_money(Decimal('2.5'), 'JPY'))
        self.assertEqual(Decimal('1.001'),
                         money.quantize_money(Decimal('1.0005'), 'KWD'))

    def test_negative_ties_round_away_from_zero(self):
        self.assertEqual(Decimal('-0.06'),
                         money.quantize_money(Decimal('-0.055'), 'USD'))

    def test_result_has_the_minor_unit_exponent(self):
        self.assertEqual('7.00',
                         str(money.quantize_money(Decimal(7), 'USD')))


class RoundRatioTest(testtools.TestCase):

    def test_exact_tie_of_a_division_rounds_up(self):
        # 18 / 3600 = 0.005 exactly -> 0.01.
        self.assertEqual(Decimal('0.01'),
                         money.round_ratio(Decimal(18), 3600, 'USD'))

    def test_just_below_a_tie_rounds_down(self):
        # 17.99999999 / 3600 = 0.00499999999722... -> 0.00.
        self.assertEqual(Decimal('0.00'),
                         money.round_ratio(Decimal('17.99999999'), 3600,
                                           'USD'))

    def test_repeating_quotient(self):
        # 1890.75 / 3600 = 0.5252083333... -> 0.53; KWD 0.525.
        self.assertEqual(Decimal('0.53'),
                         money.round_ratio(Decimal('1890.75'), 3600, 'USD'))
        self.assertEqual(Decimal('0.525'),
                         money.round_ratio(Decimal('1890.75'), 3600, 'KWD'))

    def test_negative_numerator(self):
        # -18 / 3600 = -0.005 -> -0.01.
        self.assertEqual(Decimal('-0.01'),
                         money.round_ratio(Decimal(-18), 3600, 'USD'))


class ExactContextTest(testtools.TestCase):

    def test_long_products_stay_exact(self):
        with money.exact_context():
            # 30 + 8 decimals and 7 integer digits: 45 significant digits.
            product = (Decimal('0.000000000000000000000000000001')
                       * Decimal('1234567.12345678'))
        self.assertEqual(Decimal('1.23456712345678E-24'), product)

    def test_any_rounding_raises(self):
        with money.exact_context():
            self.assertRaises(decimal.Inexact, Decimal(1).__truediv__,
                              Decimal(3600))


class GibFromBytesTest(testtools.TestCase):

    def test_exact_gib(self):
        # 4979632 = 16 x 311227, so 4979632 / 2^30 = 311227 / 2^26
        # = 311227 x 5^26 / 10^26 = 0.00463764369487762451171875.
        self.assertEqual(Decimal('0.00463764369487762451171875'),
                         quantity.gib_from_bytes(4979632))

    def test_whole_gib(self):
        self.assertEqual(Decimal(3), quantity.gib_from_bytes(3 * 2 ** 30))
